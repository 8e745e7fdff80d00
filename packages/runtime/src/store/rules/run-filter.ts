import type { RunStatus, Tags } from "../../history/index.js";
import type { ListRunsFilter } from "../records.js";

/*
 * Which runs a listing's filter selects. The memory store lists with it; the MySQL store's
 * WHERE (store/mysql/reads.ts runConditions) restates it, and a bulk action checks it again
 * with the run locked (both stores), so a run that stopped matching since it was listed is
 * left alone. The conformance case "a bulk action skips runs that stopped matching" holds the
 * two together.
 */

/** The filter's conditions (ListRunsFilter without namespace, order and paging). */
export type RunFilter = Pick<
  ListRunsFilter,
  "workflow" | "status" | "version" | "queue" | "createdAfter" | "createdBefore" | "runIdPrefix" | "tags"
>;

/** What the filter reads of a run. */
export interface FilterableRun {
  readonly workflow: string;
  readonly runId: string;
  readonly status: RunStatus | string;
  readonly codeVersion: string | null;
  readonly queue: string | null;
  readonly createdAt: number;
  readonly tags: Tags;
}

export function runMatches(run: FilterableRun, filter: RunFilter): boolean {
  const { workflow, status, version, queue, createdAfter, createdBefore, runIdPrefix } = filter;
  return (
    (workflow === undefined || run.workflow === workflow) &&
    (status === undefined || run.status === status) &&
    (version === undefined || run.codeVersion === version) &&
    (queue === undefined || run.queue === queue) &&
    (createdAfter === undefined || run.createdAt > createdAfter.getTime()) &&
    (createdBefore === undefined || run.createdAt < createdBefore.getTime()) &&
    (runIdPrefix === undefined || run.runId.startsWith(runIdPrefix)) &&
    hasTags(run.tags, filter.tags)
  );
}

/** True when the run has every tag of `wanted` with the same value (type included). */
export function hasTags(tags: Tags, wanted: Tags | undefined): boolean {
  if (wanted === undefined) return true;
  return Object.entries(wanted).every(([key, value]) => Object.hasOwn(tags, key) && tags[key] === value);
}
