/**
 * The plans of a queue claim's statements on a realistic queue: 100,000 ended runs, 2,000 due
 * runs (half started, half fresh), 16 held by another worker and 1,000 delayed by an hour, in
 * a queue of concurrency 32. The statements are the ones the store sends, captured as a claim
 * of the queue, a claim of the default queue and nextWake run; each is listed with the rows
 * it read (Handler_read_*, from running it again under ANALYZE) and its plan. MariaDB only
 * (the rows are made with its sequence engine).
 *
 *   npm run queue-plans -w @replaykit/bench
 */
import { createClient } from "@replaykit/runtime";
import { createScratchDatabase, startMariaDb } from "@replaykit/runtime/testing";
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import { rowsRead } from "../counters.js";
import { captureQueries, countRoundTrips } from "../round-trips.js";

const P = "replay_";
const NS = "bench";
const QUEUE = "bench";
const CAN = { workflows: ["steps"], activities: [] };
const READS = [
  "Handler_read_first",
  "Handler_read_key",
  "Handler_read_next",
  "Handler_read_prev",
  "Handler_read_rnd_next",
];

countRoundTrips();
const db = await startMariaDb({ forceLocal: true });
try {
  const scratch = await createScratchDatabase(db.url, "queue_plans");
  const client = createClient({ uri: scratch.url });
  await client.migrate();
  const now = Date.now();
  const insert = async (count: number, name: string, status: string, version: string, wake: string, lease: string) => {
    await client.pool.query(
      `INSERT INTO ${P}runs (namespace, workflow, run_id, status, shard, version, wake_at, lease_owner, lease_until,
                              input, created_at, updated_at, queue, priority)
       SELECT ?, 'steps', CONCAT(?, s.seq), ?, s.seq % 16384, ${version}, ${wake}, IF(${lease} IS NULL, NULL, 'other'),
              ${lease}, '{"n":3}', ? - s.seq, ? - s.seq, ?, 0
         FROM seq_1_to_${count} s`,
      [NS, name, status, now, now, QUEUE],
    );
  };
  await insert(100_000, "ended-", "completed", "4", "NULL", "NULL");
  await insert(1000, "started-", "running", "2", `${now} - 60000 + s.seq`, "NULL");
  await insert(1000, "fresh-", "running", "0", `${now} - 60000 + s.seq`, "NULL");
  await insert(16, "held-", "running", "1", `${now}`, `${now + 30_000}`);
  await insert(1000, "delayed-", "running", "0", `${now + 3_600_000} + s.seq`, "NULL");
  await client.store.inner.configureQueue(NS, QUEUE, { concurrency: 32 }, now);
  await client.pool.query(`ANALYZE TABLE ${P}runs`);
  const store = client.store.inner;
  const claim = { namespace: NS, owner: "plans", now, leaseMs: 30_000, limit: 64, can: CAN };
  const calls: Record<string, () => Promise<unknown>> = {
    "claim of the queue": () => store.claim({ ...claim, queue: QUEUE }),
    "claim of the default queue": () => store.claim(claim),
    nextWake: () => store.nextWake(NS, now, [QUEUE], { can: CAN }),
  };
  process.stdout.write("100,000 ended, 1,000 started and 1,000 fresh due, 16 held, 1,000 delayed runs in the queue\n");
  const conn = await client.pool.getConnection();
  try {
    for (const [name, call] of Object.entries(calls)) {
      const sent = await captureQueries(async () => {
        await call();
      });
      process.stdout.write(`\n${name}: ${sent.length} round trips\n`);
      for (const sql of sent) await explain(conn, sql);
    }
  } finally {
    conn.release();
  }
  await client.close();
  await scratch.drop();
} finally {
  await db.stop();
}
process.exit();

/** Prints the statement, the rows it reads when run again, and its plan (ANALYZE for reads). */
async function explain(conn: PoolConnection, sql: string): Promise<void> {
  const text = sql.replace(/\s+/g, " ").trim();
  process.stdout.write(`  ${text.length > 200 ? `${text.slice(0, 200)}…` : text}\n`);
  if (!/^(SELECT|UPDATE|DELETE)\b/i.test(text)) return;
  await conn.query("FLUSH STATUS");
  const verb = /^SELECT\b/i.test(text) ? "ANALYZE" : "EXPLAIN";
  const [plan] = await conn.query<RowDataPacket[]>(`${verb} ${sql}`);
  const [status] = await conn.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
  const counters = Object.fromEntries(
    status
      .filter((row) => READS.includes(String(row["Variable_name"])))
      .map((row) => [String(row["Variable_name"]), Number(row["Value"])]),
  );
  if (verb === "ANALYZE") process.stdout.write(`    ${rowsRead(counters)} rows read\n`);
  for (const row of plan) {
    const cells = ["select_type", "table", "type", "key", "rows", "r_rows", "Extra"].map(
      (key) => `${key}=${String(row[key] ?? "")}`,
    );
    process.stdout.write(`    ${cells.join(" ")}\n`);
  }
}
