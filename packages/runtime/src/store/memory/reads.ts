import type { RunKey } from "../../history/index.js";
import { compareNames } from "../compare.js";
import { encodePageCursor, pageAfter, pageLimit } from "../paging.js";
import type { ListRunsFilter, RunInfo, RunPage } from "../records.js";
import { runMatches } from "../rules/run-filter.js";
import { decodeRunInfo } from "./decode.js";
import type { MemoryTables, RunRow } from "./tables.js";

export function getRun(db: MemoryTables, key: RunKey): RunInfo | undefined {
  const run = db.run(key);
  return run === undefined ? undefined : decodeRunInfo(run);
}

/** See ClientStore.listRuns: pages by (created, workflow, run id), as on MySQL. */
export function listRuns(db: MemoryTables, filter: ListRunsFilter): RunPage {
  const limit = pageLimit(filter.limit);
  const after = pageAfter(filter);
  const sign = filter.order === "desc" ? -1 : 1;
  const matching = [...db.runsOf(filter.namespace)]
    .filter((run) => runMatches(run, filter))
    .filter((run) => after === undefined || sign * comparePage(run, after) > 0)
    .sort((a, b) => sign * comparePage(a, [b.createdAt, b.workflow, b.runId]));
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  const more = matching.length > limit && last !== undefined;
  return {
    runs: page.map(decodeRunInfo),
    ...(more ? { nextCursor: encodePageCursor([last.createdAt, last.workflow, last.runId], filter.order) } : {}),
  };
}

/** Namespaces that have runs, in byte order. */
export function listNamespaces(db: MemoryTables): string[] {
  return [...db.runs.entries()]
    .filter(([, runs]) => runs.size > 0)
    .map(([namespace]) => namespace)
    .sort(compareNames);
}

function comparePage(run: RunRow, key: readonly [number, string, string]): number {
  return run.createdAt - key[0] || compareNames(run.workflow, key[1]) || compareNames(run.runId, key[2]);
}
