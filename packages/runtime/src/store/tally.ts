import type { RunStatus } from "../history/index.js";

type StatusCounts = Partial<Record<RunStatus, number>>;

/** Status counts of a namespace and of each of its workflows, as countRuns builds them in every store. */
export class StatusTally {
  readonly statuses: StatusCounts = {};
  readonly workflows: Record<string, StatusCounts> = {};

  add(workflow: string, status: RunStatus, n = 1): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + n;
    const counts = this.workflows[workflow] ?? {};
    counts[status] = (counts[status] ?? 0) + n;
    this.workflows[workflow] = counts;
  }
}
