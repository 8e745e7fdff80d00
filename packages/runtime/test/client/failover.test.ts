import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openConnection } from "../../src/store/mysql/connection.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";

describe("a client given several endpoints, when one answers that it cannot serve", () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase(inject("mysqlUrl"));
  });
  afterAll(async () => {
    await db.drop();
  });

  it("fails a query in flight on it with a connection error, never leaves it hanging, and serves the next elsewhere", async () => {
    // Two endpoints naming the same server: the ring cannot tell, which is all this needs.
    const { pool, ring } = openConnection({ uris: [db.url, db.url] });
    try {
      const idle = await pool.getConnection();
      idle.release();
      const busy = await pool.getConnection();
      const inFlight = busy.query("SELECT SLEEP(30)");
      await new Promise((resolve) => setTimeout(resolve, 200));
      const startedAt = Date.now();
      ring?.avoidCurrent();
      // Before the fix, mysql2 had been told to end the connection and the query never settled.
      await expect(inFlight).rejects.toMatchObject({ code: "ECONNRESET" });
      expect(Date.now() - startedAt).toBeLessThan(5000);
      const [rows] = await pool.query<RowDataPacket[]>("SELECT 1 AS one");
      expect(rows[0]?.one).toBe(1);
      expect(ring?.current).toBe(ring?.endpoints[1]);
    } finally {
      await pool.end();
    }
  });
});
