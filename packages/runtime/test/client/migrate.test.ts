import type { RowDataPacket } from "mysql2/promise";
import { createPool, type Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrate } from "../../src/store/mysql/migrate.js";
import { MIGRATIONS } from "../../src/store/mysql/schema.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";
import { countRows } from "./helpers.js";

describe("migrate", () => {
  let db: ScratchDatabase;
  let second: Pool;
  beforeAll(async () => {
    db = await createScratchDatabase(inject("mysqlUrl"));
    second = createPool({ uri: db.url, connectionLimit: 2 });
  });
  afterAll(async () => {
    await second.end();
    await db.drop();
  });

  it("succeeds from two pools at once and records each migration once", async () => {
    await Promise.all([migrate(db.pool), migrate(second), migrate(db.pool), migrate(second)]);
    expect(await countRows(db.pool, "replay_migrations")).toBe(MIGRATIONS.length);
    const [tables] = await db.pool.query<RowDataPacket[]>("SHOW TABLES LIKE 'replay\\_%'");
    expect(tables.map((row) => String(Object.values(row)[0])).sort()).toEqual([
      "replay_cursors",
      "replay_events",
      "replay_migrations",
      "replay_queues",
      "replay_runs",
      "replay_schedules",
      "replay_signals",
      "replay_tasks",
    ]);
  });

  it("is a no-op when run again", async () => {
    await migrate(db.pool);
    await migrate(second);
    const [rows] = await db.pool.query<RowDataPacket[]>("SELECT version, name, applied_at FROM replay_migrations");
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(Number(rows[0]?.version)).toBe(1);
    expect(Number(rows[0]?.applied_at)).toBeGreaterThan(0);
  });

  it("creates a separate set of tables for another prefix", async () => {
    await migrate(db.pool, { prefix: "other_" });
    expect(await countRows(db.pool, "other_runs")).toBe(0);
    expect(await countRows(db.pool, "other_migrations")).toBe(MIGRATIONS.length);
  });

  it("refuses a prefix that is not [A-Za-z0-9_]{0,32}, before touching the database", async () => {
    await expect(migrate(db.pool, { prefix: "x; DROP TABLE y" })).rejects.toThrow(/invalid table prefix/);
    await expect(migrate(db.pool, { prefix: "a".repeat(33) })).rejects.toThrow(/invalid table prefix/);
  });
});
