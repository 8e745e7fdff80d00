import { describe, expect, inject, it } from "vitest";
import { createScratchDatabase } from "../src/testing/index.js";

describe("the throwaway MariaDB", () => {
  it("answers queries in a database of this file's own", async () => {
    const db = await createScratchDatabase(inject("mysqlUrl"));
    try {
      const [rows] = await db.pool.query("SELECT DATABASE() AS name, VERSION() AS version");
      const row = (rows as { name: string; version: string }[])[0];
      expect(row?.name).toBe(db.name);
      expect(row?.version).toMatch(/MariaDB|^\d/);
    } finally {
      await db.drop();
    }
  });
});
