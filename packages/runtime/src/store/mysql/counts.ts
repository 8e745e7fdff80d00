import type { Pool, RowDataPacket } from "mysql2/promise";
import { RunStatus } from "../../history/index.js";
import { StatusTally } from "../tally.js";
import type { CountFilter, RunCounts } from "../types.js";
import { runConditions } from "./reads.js";
import { text } from "./rows.js";
import { tagJoin } from "./tags.js";

/**
 * See ClientStore.countRuns. Two GROUP BYs: statuses per workflow (index-only on runs_status
 * without a queue filter), and the lease and wake state of the running runs only, which are
 * usually few next to the ended ones. With tags, both read the runs that have the first tag
 * through the tag index (run_tags), and no other.
 */
export async function countRuns(pool: Pool, p: string, filter: CountFilter, now: number): Promise<RunCounts> {
  const tagged = tagJoin(p, filter.namespace, filter.tags);
  const conditions = runConditions(filter, tagged === undefined);
  const where = [...(tagged?.where ?? []), ...conditions.where];
  const values = [...(tagged?.args ?? []), ...conditions.values];
  const from = tagged === undefined ? `${p}runs runs` : tagged.join;
  const [byWorkflow] = await pool.query<RowDataPacket[]>(
    `SELECT runs.workflow, runs.status, COUNT(*) AS n FROM ${from} WHERE ${where.join(" AND ")}
      GROUP BY runs.workflow, runs.status`,
    values,
  );
  const [states] = await pool.query<RowDataPacket[]>(
    `SELECT CASE WHEN runs.lease_until IS NOT NULL AND runs.lease_until >= ? THEN 'active'
                 WHEN runs.wake_at IS NOT NULL AND runs.wake_at <= ? THEN 'queued'
                 ELSE 'waiting' END AS state,
            SUM(runs.paused) AS paused, COUNT(*) AS n
       FROM ${from} WHERE ${where.join(" AND ")} AND runs.status = ? GROUP BY state`,
    [now, now, ...values, RunStatus.Running],
  );
  const tally = new StatusTally();
  for (const row of byWorkflow) tally.add(text(row.workflow), text(row.status) as RunStatus, Number(row.n));
  const counts = { statuses: tally.statuses, workflows: tally.workflows, queued: 0, active: 0, waiting: 0, paused: 0 };
  for (const row of states) {
    const state = String(row.state);
    if (state === "queued" || state === "active" || state === "waiting") counts[state] += Number(row.n);
    counts.paused += Number(row.paused);
  }
  return counts;
}
