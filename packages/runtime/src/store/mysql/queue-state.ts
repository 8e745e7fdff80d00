import type { Pool, RowDataPacket } from "mysql2/promise";
import { RunStatus } from "../../history/index.js";
import type { QueueState, QueueTally } from "../queue-records.js";
import { decodeStarts } from "../rules/queue-picking.js";
import { nullableText, text } from "./rows.js";

/**
 * See ClientStore.queueState: the queue rows, the running runs of queues by key and state (as
 * countRuns tells the states apart), and the activity slots by key and state. Each read leads
 * with the namespace (runs_queue_next, queue_slots_queue).
 */
export async function queueState(pool: Pool, p: string, namespace: string, now: number): Promise<QueueState> {
  const [queues] = await pool.query<RowDataPacket[]>(
    `SELECT name, concurrency, key_concurrency, rate_limit, rate_period_ms, recent_starts FROM ${p}queues WHERE namespace = ?`,
    [namespace],
  );
  const [runs] = await pool.query<RowDataPacket[]>(
    `SELECT queue, concurrency_key AS k,
            CASE WHEN lease_until IS NOT NULL AND lease_until >= ? THEN 'active'
                 WHEN wake_at IS NOT NULL AND wake_at <= ? THEN 'queued' ELSE 'waiting' END AS state, COUNT(*) AS n
       FROM ${p}runs WHERE namespace = ? AND queue IS NOT NULL AND status = ? GROUP BY queue, k, state`,
    [now, now, namespace, RunStatus.Running],
  );
  const [slots] = await pool.query<RowDataPacket[]>(
    `SELECT queue, concurrency_key AS k,
            CASE WHEN owner IS NOT NULL AND lease_until >= ? THEN 'active' ELSE 'waiting' END AS state, COUNT(*) AS n
       FROM ${p}queue_slots WHERE namespace = ? GROUP BY queue, k, state`,
    [now, namespace],
  );
  const tally = (kind: QueueTally["kind"]) => (row: RowDataPacket) => ({
    queue: text(row.queue),
    key: nullableText(row.k),
    kind,
    state: String(row.state) as QueueTally["state"],
    n: Number(row.n),
  });
  const configs = queues.map((row) => ({
    name: text(row.name),
    limits: {
      ...(row.concurrency === null ? {} : { concurrency: Number(row.concurrency) }),
      ...(row.key_concurrency === null ? {} : { keyConcurrency: Number(row.key_concurrency) }),
      ...(row.rate_limit === null || row.rate_period_ms === null
        ? {}
        : { rateLimit: { limit: Number(row.rate_limit), periodMs: Number(row.rate_period_ms) } }),
    },
    starts: decodeStarts(nullableText(row.recent_starts)),
  }));
  return { configs, tallies: [...runs.map(tally("run")), ...slots.map(tally("activity"))] };
}
