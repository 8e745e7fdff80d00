import { RunStatus } from "../../history/index.js";
import { leaseLive } from "../rules/lease.js";
import { hasTags } from "../rules/run-filter.js";
import { StatusTally } from "../tally.js";
import type { CountFilter, RunCounts } from "../types.js";
import type { MemoryTables } from "./tables.js";

/** See ClientStore.countRuns. */
export function countRuns(db: MemoryTables, filter: CountFilter, now: number): RunCounts {
  const tally = new StatusTally();
  const counts = { statuses: tally.statuses, workflows: tally.workflows, queued: 0, active: 0, waiting: 0, paused: 0 };
  for (const run of db.runsOf(filter.namespace)) {
    if (filter.workflow !== undefined && run.workflow !== filter.workflow) continue;
    if (filter.queue !== undefined && run.queue !== filter.queue) continue;
    if (!hasTags(run.tags, filter.tags)) continue;
    tally.add(run.workflow, run.status);
    if (run.status !== RunStatus.Running) continue;
    if (run.paused) counts.paused++;
    if (leaseLive(run, now)) counts.active++;
    else if (run.wakeAt !== null && run.wakeAt <= now) counts.queued++;
    else counts.waiting++;
  }
  return counts;
}
