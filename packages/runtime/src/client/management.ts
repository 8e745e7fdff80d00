import type { Clock, PurgeOptions } from "../api.js";
import { ReplayError, RunNotFoundError } from "../errors.js";
import { checkTags, type EndStatus, type HistoryEvent, type RunKey, RunStatus } from "../history/index.js";
import { validateName } from "../json.js";
import { describeRun } from "../ops/describe.js";
import type { RunDescription } from "../ops/description.js";
import { explainWaiting } from "../ops/explain.js";
import { pageLimit } from "../store/paging.js";
import type { ListRunsFilter, RunInspection, RunPage } from "../store/records.js";
import { MAX_WAIT_CHAIN } from "../store/rules/children.js";
import type { CountFilter, HistoryOptions, OrphanedSignal, RunCounts, Store } from "../store/types.js";
import { purgeEventsBefore } from "./waits.js";

/** The statuses purgeRuns deletes by default: stuck runs wait for a fix and resumeRun, so they are kept. */
export const DEFAULT_PURGE_STATUSES: readonly EndStatus[] = [
  RunStatus.Completed,
  RunStatus.Failed,
  RunStatus.Cancelled,
  RunStatus.Terminated,
];
const DEFAULT_PURGE_BATCH = 500;
const MAX_PURGE_BATCH = 10_000;

/**
 * The client's reads and writes for operators: listing, counting, describing and purging runs,
 * reading their history and orphaned signals, and saying what a run waits for. The client checks run keys before it calls these.
 */
export class RunManagement {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async listOrphanedSignals(namespace: string, opts: { readonly limit?: number }): Promise<OrphanedSignal[]> {
    return this.#store.listOrphanedSignals(validateName("namespace", namespace), pageLimit(opts.limit));
  }

  async purgeOrphanedSignals(namespace: string, opts: { readonly olderThan: Date }): Promise<number> {
    const before = opts?.olderThan;
    if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
      throw new ReplayError(
        "INVALID_ARGUMENT",
        "purgeOrphanedSignals needs { olderThan: Date }, e.g. new Date(Date.now() - 86_400_000)",
      );
    }
    return this.#store.purgeOrphanedSignals(validateName("namespace", namespace), before.getTime());
  }

  async getHistory(key: RunKey, opts: HistoryOptions): Promise<HistoryEvent[]> {
    const history = await this.#store.getHistory(key, opts);
    if (history === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
    return history;
  }

  async listRuns(filter: ListRunsFilter): Promise<RunPage> {
    return this.#store.listRuns(checkedListFilter(filter));
  }

  async countRuns(filter: CountFilter): Promise<RunCounts> {
    validateName("namespace", filter.namespace);
    if (filter.workflow !== undefined) validateName("workflow", filter.workflow);
    if (filter.queue !== undefined) validateName("queue", filter.queue);
    const tags = filter.tags === undefined ? {} : { tags: checkTags("tags filter", filter.tags) };
    return this.#store.countRuns({ ...filter, ...tags }, this.#clock.now());
  }

  listNamespaces(): Promise<string[]> {
    return this.#store.listNamespaces();
  }

  async describeRun(key: RunKey): Promise<RunDescription | undefined> {
    const inspection = await this.#store.inspectRun(key);
    if (inspection === undefined) return undefined;
    const history = await this.#store.getHistory(key, { iteration: inspection.run.iteration });
    const waitCycle = await this.#waitCycleOf(key, inspection);
    return describeRun(inspection, history ?? [], this.#clock.now(), waitCycle);
  }

  /**
   * The cycle of runs that wait for each other that `key` is in, if any: its parent waits for
   * it, that one's parent for it, ... back to `key` (at most MAX_WAIT_CHAIN runs up), in "waits
   * for" order from `key`. A child start refuses to close such a cycle (rules/children.ts); this
   * finds those it could not see (a longer chain, two starts at once, a run started before).
   */
  async #waitCycleOf(key: RunKey, inspection: RunInspection): Promise<RunDescription["waitCycle"]> {
    const chain: RunKey[] = [];
    let at = inspection;
    while (at.run.status === RunStatus.Running && at.parentWaits && at.run.parent && chain.length < MAX_WAIT_CHAIN) {
      const parent = { namespace: key.namespace, ...at.run.parent };
      if (parent.workflow === key.workflow && parent.runId === key.runId) {
        return [key, ...chain.reverse()].map(({ workflow, runId }) => ({ workflow, runId }));
      }
      chain.push(parent);
      const next = await this.#store.inspectRun(parent);
      if (next === undefined) return undefined;
      at = next;
    }
    return undefined;
  }

  async purgeRuns(namespace: string, options: PurgeOptions): Promise<number> {
    const request = checkedPurge(validateName("namespace", namespace), options);
    let purged = 0;
    // Until a call finds nothing: each call is a few short transactions (see the store).
    for (;;) {
      const deleted = await this.#store.purgeRuns(request);
      if (deleted === 0) break;
      purged += deleted;
      options.onProgress?.(purged);
    }
    // Published events as old as the runs purged go too (the workers' retention keeps the rest bounded).
    await purgeEventsBefore(this.#store, request.namespace, request.endedBefore);
    return purged;
  }

  /** What the run waits for, in a sentence (for ResultTimeoutError). */
  async explainWait(key: RunKey): Promise<string> {
    const run = await this.describeRun(key);
    if (run === undefined) {
      return "nothing: the run does not exist; start it with runWorkflow, or check the namespace, workflow and run id";
    }
    return explainWaiting(run);
  }
}

/** The filter of a listing (or a bulk action), every field checked; the tags as checkTags returns them. */
export function checkedListFilter(filter: ListRunsFilter): ListRunsFilter {
  validateName("namespace", filter.namespace);
  if (filter.workflow !== undefined) validateName("workflow", filter.workflow);
  if (filter.version !== undefined) validateName("version", filter.version);
  if (filter.queue !== undefined) validateName("queue", filter.queue);
  if (filter.status !== undefined) checkStatus(filter.status, Object.values(RunStatus));
  if (filter.runIdPrefix !== undefined && typeof filter.runIdPrefix !== "string") {
    throw new ReplayError("INVALID_FILTER", `invalid runIdPrefix ${String(filter.runIdPrefix)}: use a string`);
  }
  if (filter.order !== undefined && filter.order !== "asc" && filter.order !== "desc") {
    throw new ReplayError("INVALID_FILTER", `invalid order ${JSON.stringify(filter.order)}: use "asc" or "desc"`);
  }
  checkDate("createdAfter", filter.createdAfter);
  checkDate("createdBefore", filter.createdBefore);
  return filter.tags === undefined ? filter : { ...filter, tags: checkTags("tags filter", filter.tags) };
}

function checkedPurge(namespace: string, options: PurgeOptions) {
  const { endedBefore } = options;
  if (!(endedBefore instanceof Date && Number.isFinite(endedBefore.getTime()))) {
    throw new ReplayError(
      "INVALID_FILTER",
      `invalid endedBefore ${String(endedBefore)}: purgeRuns needs a valid Date; runs that ended before it are deleted`,
    );
  }
  const statuses = options.status === undefined ? DEFAULT_PURGE_STATUSES : [options.status].flat();
  for (const status of statuses) checkStatus(status, [...DEFAULT_PURGE_STATUSES, RunStatus.Stuck]);
  const limit = options.batchSize ?? DEFAULT_PURGE_BATCH;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PURGE_BATCH) {
    throw new ReplayError(
      "INVALID_LIMIT",
      `invalid batchSize ${String(limit)}: use a whole number from 1 to ${MAX_PURGE_BATCH}`,
    );
  }
  return { namespace, endedBefore: endedBefore.getTime(), statuses, limit };
}

function checkStatus(status: unknown, allowed: readonly string[]): void {
  if (typeof status === "string" && allowed.includes(status)) return;
  throw new ReplayError(
    "INVALID_STATUS",
    `invalid status ${JSON.stringify(status)}: use one of ${allowed.map((s) => `"${s}"`).join(", ")}`,
  );
}

function checkDate(name: string, value: unknown): void {
  if (value === undefined || (value instanceof Date && Number.isFinite(value.getTime()))) return;
  throw new ReplayError("INVALID_FILTER", `invalid ${name} ${String(value)}: use a valid Date`);
}
