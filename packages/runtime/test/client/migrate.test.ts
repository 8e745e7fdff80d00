import type { RowDataPacket } from "mysql2/promise";
import { createPool, type Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createClient, SchemaNotMigratedError } from "../../src/index.js";
import { checkSchema, migrate } from "../../src/store/mysql/migrate.js";
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
      "replay_bulk_batches",
      "replay_bulk_items",
      "replay_cursors",
      "replay_debounces",
      "replay_event_waits",
      "replay_events",
      "replay_migrations",
      "replay_payloads",
      "replay_published_events",
      "replay_queue_slots",
      "replay_queues",
      "replay_requests",
      "replay_run_tags",
      "replay_runs",
      "replay_schedules",
      "replay_signals",
      "replay_singletons",
      "replay_stream_chunks",
      "replay_stream_writers",
      "replay_streams",
      "replay_tasks",
      "replay_tokens",
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

  it("finds a database that lacks a migration below its latest one not migrated, until migrate() applies it", async () => {
    // Versions apply by set: a database migrated by a branch that took a later number holds
    // that version without the earlier one that lands after it.
    await migrate(db.pool, { prefix: "gap_" });
    const earlier = MIGRATIONS.at(-2)?.version ?? 0;
    await db.pool.query("DELETE FROM gap_migrations WHERE version = ?", [earlier]);
    const error = await checkSchema(db.pool, "gap_").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaNotMigratedError);
    expect((error as Error).message).toContain(`lack schema version ${earlier},`);
    await migrate(db.pool, { prefix: "gap_" });
    await expect(checkSchema(db.pool, "gap_")).resolves.toBeUndefined();
  });

  it("turns the virtual queue columns of a database migrated before version 11 into stored ones, rows kept", async () => {
    // A database as migration 10 left it: q_wake and q_lease virtual, indexed
    await migrate(db.pool, { prefix: "old_" });
    await undoMigration17(db.pool, "old_");
    await db.pool.query(
      `ALTER TABLE old_runs DROP INDEX old_runs_queue_due, DROP INDEX old_runs_queue_lease, DROP COLUMN q_wake, DROP COLUMN q_lease,
         ADD COLUMN q_wake BIGINT GENERATED ALWAYS AS (IF(queue IS NULL, NULL, wake_at)) VIRTUAL,
         ADD COLUMN q_lease BIGINT GENERATED ALWAYS AS (IF(queue IS NULL, NULL, lease_until)) VIRTUAL,
         ADD INDEX old_runs_queue_due (namespace, queue, priority, q_wake), ADD INDEX old_runs_queue_lease (namespace, queue, q_lease)`,
    );
    await db.pool.query("DELETE FROM old_migrations WHERE version IN (11, 17)");
    const client = createClient({ uri: db.url }, { prefix: "old_" });
    try {
      await client.runWorkflow("ns", "wf", "queued", null, { queue: "mail", delay: "1h" });
      await client.runWorkflow("ns", "wf", "plain", null);
    } finally {
      await client.close();
    }
    const kinds = async () => {
      const [rows] = await db.pool.query<RowDataPacket[]>(
        "SELECT COLUMN_NAME AS name, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'old_runs' AND COLUMN_NAME IN ('q_wake', 'q_lease') ORDER BY COLUMN_NAME",
      );
      return rows.map((row) => `${row.name}: ${String(row.extra).split(" ")[0]}`);
    };
    expect(await kinds()).toEqual(["q_lease: VIRTUAL", "q_wake: VIRTUAL"]);

    await migrate(db.pool, { prefix: "old_" });
    expect(await kinds()).toEqual(["q_lease: STORED", "q_wake: STORED"]);
    const [indexes] = await db.pool.query<RowDataPacket[]>(
      "SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'old_runs' AND INDEX_NAME LIKE 'old_runs_queue%' GROUP BY INDEX_NAME ORDER BY INDEX_NAME",
    );
    // and migration 17 after it replaced runs_queue_due
    expect(indexes.map((row) => `${row.name}(${row.columns})`)).toEqual([
      "old_runs_queue_lease(namespace,queue,q_lease)",
      "old_runs_queue_next(namespace,queue,q_fresh,priority,q_wake,created_at,workflow,run_id,q_lease)",
      "old_runs_queue_wake(namespace,queue,q_wake)",
    ]);
    const [runs] = await db.pool.query<RowDataPacket[]>(
      "SELECT run_id, q_wake = wake_at AS same, q_wake IS NULL AS none FROM old_runs ORDER BY run_id",
    );
    expect(
      runs.map((row) => [String(row.run_id), row.same === null ? null : Number(row.same), Number(row.none)]),
    ).toEqual([
      ["plain", null, 1],
      ["queued", 1, 0],
    ]);
    // and a database already at 11 is left alone
    await db.pool.query("DELETE FROM old_migrations WHERE version = 11");
    await migrate(db.pool, { prefix: "old_" });
    expect(await kinds()).toEqual(["q_lease: STORED", "q_wake: STORED"]);
  });

  it("gives a database migrated before version 17 the stored claim columns and their indexes, and finishes a half-done migration 17", async () => {
    await migrate(db.pool, { prefix: "v16_" });
    await undoMigration17(db.pool, "v16_");
    await db.pool.query("DELETE FROM v16_migrations WHERE version = 17");
    const client = createClient({ uri: db.url }, { prefix: "v16_" });
    try {
      for (const id of ["fresh", "started", "ended"]) await client.runWorkflow("ns", "wf", id, null, { queue: "mail" });
      await client.runWorkflow("ns", "wf", "delayed", null, { queue: "mail", delay: "1h" });
      await client.runWorkflow("ns", "wf", "plain", null);
    } finally {
      await client.close();
    }
    await db.pool.query("UPDATE v16_runs SET version = 3 WHERE run_id = 'started'");
    await db.pool.query("UPDATE v16_runs SET status = 'completed', wake_at = NULL WHERE run_id = 'ended'");
    // As a crash between the steps of a migration done step by step would leave it.
    await db.pool.query(
      "ALTER TABLE v16_runs DROP INDEX v16_runs_wake, ADD COLUMN d_wake BIGINT GENERATED ALWAYS AS (IF(queue IS NULL, wake_at, NULL)) STORED",
    );

    await migrate(db.pool, { prefix: "v16_" });
    const [columns] = await db.pool.query<RowDataPacket[]>(
      "SELECT COLUMN_NAME AS name, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'v16_runs' AND COLUMN_NAME IN ('d_wake', 'q_fresh') ORDER BY COLUMN_NAME",
    );
    expect(columns.map((row) => `${row.name}: ${String(row.extra).split(" ")[0]}`)).toEqual([
      "d_wake: STORED",
      "q_fresh: STORED",
    ]);
    const [indexes] = await db.pool.query<RowDataPacket[]>(
      "SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'v16_runs' AND (INDEX_NAME LIKE '%wake' OR INDEX_NAME LIKE 'v16_runs_queue%') ORDER BY INDEX_NAME",
    );
    expect(indexes.map((row) => String(row.name))).toEqual([
      "v16_runs_default_wake",
      "v16_runs_queue_lease",
      "v16_runs_queue_next",
      "v16_runs_queue_wake",
    ]);
    const [runs] = await db.pool.query<RowDataPacket[]>(
      "SELECT run_id, d_wake = wake_at AS d_same, d_wake IS NULL AS d_none, q_fresh FROM v16_runs ORDER BY run_id",
    );
    expect(
      runs.map((row) => [
        String(row.run_id),
        row.d_same === null ? null : Number(row.d_same),
        Number(row.d_none),
        row.q_fresh === null ? null : Number(row.q_fresh),
      ]),
    ).toEqual([
      ["delayed", null, 1, 1],
      ["ended", null, 1, null],
      ["fresh", null, 1, 1],
      ["plain", 1, 0, null],
      ["started", null, 1, 0],
    ]);
  });

  it("refuses a prefix that is not [A-Za-z0-9_]{0,32}, before touching the database", async () => {
    await expect(migrate(db.pool, { prefix: "x; DROP TABLE y" })).rejects.toThrow(/invalid table prefix/);
    await expect(migrate(db.pool, { prefix: "a".repeat(33) })).rejects.toThrow(/invalid table prefix/);
  });
});

/** Takes the `prefix` tables back to before migration 17: runs_wake and runs_queue_due, no claim columns. */
async function undoMigration17(pool: Pool, prefix: string): Promise<void> {
  const t = `${prefix}runs`;
  await pool.query(
    `ALTER TABLE ${t} DROP INDEX ${t}_default_wake, DROP INDEX ${t}_queue_next, DROP INDEX ${t}_queue_wake,
       DROP COLUMN d_wake, DROP COLUMN q_fresh, ADD INDEX ${t}_wake (namespace, wake_at),
       ADD INDEX ${t}_queue_due (namespace, queue, priority, q_wake)`,
  );
}
