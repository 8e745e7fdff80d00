/**
 * The plans of the claim's reads (claim.ts: the default queue's probe, mayClaim, the in-progress
 * count, the candidates, nextWake) on a realistic queue: 100,000 ended runs, 2,000 due runs,
 * 16 held by a worker and 1,000 delayed by an hour. Prints the Handler_read_* rows each
 * statement read and its ANALYZE. The statements mirror what claim.ts sends, picked by the
 * schema: before migration 11 (runs_wake, runs_queue_due) or after it (runs_default_wake,
 * runs_queue_next, runs_queue_wake). MariaDB only (the rows are made with its sequence engine).
 *
 *   npm run queue-plans -w @replaykit/bench
 */
import { createClient } from "@replaykit/runtime";
import { createScratchDatabase, startMariaDb } from "@replaykit/runtime/testing";
import { createPool, type RowDataPacket } from "mysql2/promise";

const P = "replay_";
const NS = "bench";
const QUEUE = "bench";
const ENDED = 100_000;
const DUE = 2000;
const HELD = 16;
const DELAYED = 1000;

const db = await startMariaDb({ forceLocal: true });
try {
  const scratch = await createScratchDatabase(db.url, "queue_plans");
  const pool = createPool({ uri: scratch.url, connectionLimit: 2, timezone: "Z", multipleStatements: true });
  const client = createClient({ pool });
  await client.migrate();
  const now = Date.now();
  const insert = async (count: number, run: string, status: string, wake: string, leaseUntil: string) => {
    await pool.query(
      `INSERT INTO ${P}runs (namespace, workflow, run_id, status, shard, version, wake_at, lease_owner, lease_until,
                              input, created_at, updated_at, queue, priority)
       SELECT ?, 'steps', CONCAT(?, s.seq), ?, s.seq % 16384, 0, ${wake}, IF(${leaseUntil} IS NULL, NULL, 'other'),
              ${leaseUntil}, '{"n":3}', ? - s.seq, ? - s.seq, ?, 0
         FROM seq_1_to_${count} s`,
      [NS, run, status, now, now, QUEUE],
    );
  };
  await insert(ENDED, "ended-", "completed", "NULL", "NULL");
  await insert(DUE, "due-", "running", `${now} - 60000 + s.seq`, "NULL");
  await insert(HELD, "held-", "running", `${now}`, `${now + 30_000}`);
  await insert(DELAYED, "delayed-", "running", `${now + 3_600_000} + s.seq`, "NULL");
  await pool.query(`INSERT INTO ${P}queues (namespace, name, concurrency, updated_at) VALUES (?, ?, 16, ?)`, [
    NS,
    QUEUE,
    now,
  ]);
  await pool.query(`ANALYZE TABLE ${P}runs`);
  const [cols] = await pool.query<RowDataPacket[]>(
    "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'q_priority'",
    [`${P}runs`],
  );
  const after = cols.length > 0;
  const filter = "AND workflow IN ('steps') AND wanted_activity IS NULL";
  const claimColumns =
    "workflow, run_id, iteration, version, next_pos, wake_gen, cancel_requested, code_version, seed, deadline, queue, scheduled_at, stalls, stall_mark, wanted_activity, lease_owner, trace_context, wake_at";
  const statements: Record<string, string> = after
    ? {
        mayClaim: `SELECT q.concurrency, q.key_concurrency,
            (SELECT COUNT(*) FROM ${P}runs FORCE INDEX (${P}runs_queue_lease) WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_lease >= ${now}) AS busy,
            EXISTS (SELECT 1 FROM ${P}runs FORCE INDEX (${P}runs_queue_next) WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_priority IS NOT NULL
                      AND q_wake <= ${now} AND (q_lease IS NULL OR q_lease < ${now})) AS due
            FROM (SELECT 1 AS one) o LEFT JOIN ${P}queues q ON q.namespace = '${NS}' AND q.name = '${QUEUE}'`,
        inProgress: `SELECT NULL AS concurrency_key, COUNT(*) AS n FROM ${P}runs FORCE INDEX (${P}runs_queue_lease) WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_lease >= ${now}`,
        candidates: `SELECT ${claimColumns}, concurrency_key FROM ${P}runs FORCE INDEX (${P}runs_queue_next)
            WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_priority IS NOT NULL AND q_wake <= ${now}
              AND (q_lease IS NULL OR q_lease < ${now}) ${filter}
            ORDER BY q_priority, q_wake, created_at, run_id LIMIT 2 FOR UPDATE SKIP LOCKED`,
        defaultProbe: `SELECT 1 FROM ${P}runs FORCE INDEX (${P}runs_default_wake) WHERE namespace = '${NS}' AND d_wake <= ${now}
            AND (lease_until IS NULL OR lease_until < ${now}) ${filter} LIMIT 1`,
        nextWake: `SELECT MIN(next) AS next FROM (
            (SELECT d_wake AS next FROM ${P}runs FORCE INDEX (${P}runs_default_wake)
              WHERE namespace = '${NS}' AND d_wake IS NOT NULL AND (lease_until IS NULL OR lease_until < ${now}) ${filter}
              ORDER BY d_wake LIMIT 1)
            UNION ALL SELECT MIN(q_wake) FROM ${P}runs FORCE INDEX (${P}runs_queue_wake) WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_wake > ${now}
            UNION ALL SELECT MIN(next_tick) FROM ${P}schedules WHERE namespace = '${NS}' AND paused = 0) wakes`,
      }
    : {
        mayClaim: `SELECT q.concurrency,
            (SELECT COUNT(*) FROM ${P}runs WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_lease >= ${now}) AS busy,
            EXISTS (SELECT 1 FROM ${P}runs WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_wake <= ${now}
                      AND (lease_until IS NULL OR lease_until < ${now})) AS due
            FROM (SELECT 1 AS one) o LEFT JOIN ${P}queues q ON q.namespace = '${NS}' AND q.name = '${QUEUE}'`,
        inProgress: `SELECT concurrency_key, COUNT(*) AS n FROM ${P}runs
            WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_lease >= ${now} GROUP BY concurrency_key`,
        candidates: `SELECT ${claimColumns}, concurrency_key FROM ${P}runs
            WHERE namespace = '${NS}' AND queue = '${QUEUE}' AND q_wake <= ${now}
              AND (lease_until IS NULL OR lease_until < ${now}) ${filter}
            ORDER BY priority, q_wake, created_at, workflow, run_id LIMIT 48 FOR UPDATE SKIP LOCKED`,
        defaultProbe: `SELECT 1 FROM ${P}runs WHERE namespace = '${NS}' AND wake_at <= ${now}
            AND (lease_until IS NULL OR lease_until < ${now}) AND queue IS NULL ${filter} LIMIT 1`,
        nextWake: `SELECT MIN(next) AS next FROM (
            (SELECT wake_at AS next FROM ${P}runs FORCE INDEX (${P}runs_wake)
              WHERE namespace = '${NS}' AND wake_at IS NOT NULL AND (lease_until IS NULL OR lease_until < ${now}) AND queue IS NULL ${filter}
              ORDER BY wake_at LIMIT 1)
            UNION ALL SELECT MIN(q_wake) FROM ${P}runs WHERE namespace = '${NS}' AND queue IN ('${QUEUE}') AND q_wake > ${now}
            UNION ALL SELECT MIN(next_tick) FROM ${P}schedules WHERE namespace = '${NS}' AND paused = 0) wakes`,
      };
  process.stdout.write(
    `schema ${after ? "after" : "before"} migration 11; ${ENDED} ended, ${DUE} due, ${HELD} held, ${DELAYED} delayed runs in the queue\n`,
  );
  const conn = await pool.getConnection();
  for (const [name, sql] of Object.entries(statements)) {
    await conn.query("FLUSH STATUS");
    await conn.query(sql);
    const [status] = await conn.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
    const read = status
      .filter((row) =>
        [
          "Handler_read_first",
          "Handler_read_key",
          "Handler_read_next",
          "Handler_read_prev",
          "Handler_read_rnd_next",
        ].includes(String(row["Variable_name"])),
      )
      .reduce((sum, row) => sum + Number(row["Value"]), 0);
    const [plan] = await conn.query<RowDataPacket[]>(`ANALYZE ${sql}`);
    process.stdout.write(`\n${name}: ${read} rows read (Handler_read_*)\n`);
    for (const row of plan) {
      process.stdout.write(
        `  ${row["select_type"]} ${row["table"]} type=${row["type"]} key=${row["key"]} rows=${row["rows"]} r_rows=${row["r_rows"]} extra=${row["Extra"]}\n`,
      );
    }
  }
  conn.release();
  await client.close();
  await pool.end();
  await scratch.drop();
} finally {
  await db.stop();
}
process.exit();
