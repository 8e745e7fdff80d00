import type { Pool, RowDataPacket } from "mysql2/promise";
import { RunStatus } from "../../history/index.js";
import { StatusTally } from "../tally.js";
import type { CountFilter, RunCounts } from "../types.js";
import { text } from "./rows.js";

/**
 * See ClientStore.countRuns. Two GROUP BYs: statuses per workflow (index-only on runs_status
 * without a queue filter), and the lease and wake state of the running runs only, which are
 * usually few next to the ended ones.
 */
export async function countRuns(pool: Pool, p: string, filter: CountFilter, now: number): Promise<RunCounts> {
  const where = ["namespace = ?"];
  const values: unknown[] = [filter.namespace];
  if (filter.workflow !== undefined) {
    where.push("workflow = ?");
    values.push(filter.workflow);
  }
  if (filter.queue !== undefined) {
    where.push("queue = ?");
    values.push(filter.queue);
  }
  const [byWorkflow] = await pool.query<RowDataPacket[]>(
    `SELECT workflow, status, COUNT(*) AS n FROM ${p}runs WHERE ${where.join(" AND ")} GROUP BY workflow, status`,
    values,
  );
  const [states] = await pool.query<RowDataPacket[]>(
    `SELECT CASE WHEN lease_until IS NOT NULL AND lease_until >= ? THEN 'active'
                 WHEN wake_at IS NOT NULL AND wake_at <= ? THEN 'queued'
                 ELSE 'waiting' END AS state,
            COUNT(*) AS n
       FROM ${p}runs WHERE ${where.join(" AND ")} AND status = ? GROUP BY state`,
    [now, now, ...values, RunStatus.Running],
  );
  const tally = new StatusTally();
  for (const row of byWorkflow) tally.add(text(row.workflow), text(row.status) as RunStatus, Number(row.n));
  const counts = { statuses: tally.statuses, workflows: tally.workflows, queued: 0, active: 0, waiting: 0 };
  for (const row of states) {
    const state = String(row.state);
    if (state === "queued" || state === "active" || state === "waiting") counts[state] += Number(row.n);
  }
  return counts;
}
