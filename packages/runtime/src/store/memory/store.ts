import type { RunKey } from "../../history/index.js";
import type { PayloadStore } from "../../payload/payload-store.js";
import type { DueSchedule, TickPlan } from "../../schedule/plan.js";
import type { BulkBatch, BulkSpec } from "../bulk-records.js";
import type { OpenPayload, PayloadAccess } from "../open-events.js";
import type { ListRunsFilter } from "../records.js";
import type { WorkerFilter } from "../rules/claim-filter.js";
import type { QueueLimits } from "../rules/queue-picking.js";
import type {
  ActivityStreamBatch,
  ClaimOptions,
  CountFilter,
  EventFilter,
  ForkRequest,
  HistoryOptions,
  NewPublishedEvent,
  NewRequest,
  NewRun,
  NewSignal,
  PurgeRequest,
  RunReset,
  ScheduleSpec,
  SlotRequest,
  StepWrite,
  Store,
  StreamResetRequest,
  TokenCompletionWrite,
  TriggerPlanner,
} from "../types.js";
import { addBulkItems, applyBulkItem, bulkProgress, openBulk, pendingBulkItems, readBulk } from "./bulk.js";
import { claim, claimRun, configureQueue, nextRunWake, readRun, runSnapshot } from "./claim.js";
import { countRuns } from "./counts.js";
import { lastEventId, readEvents } from "./event-reader.js";
import { dispatchEvents, fireDebounces, nextDebounce, publishEvent, purgeEvents } from "./events.js";
import { getHistory, loadHistory, loadSignals, loadTasks, recordHeartbeat } from "./history.js";
import { inspectRun } from "./inspect.js";
import { clearStalls, heldRuns, markStall, park, release, releaseAll, renewLeases } from "./leases.js";
import { forkRun, resetRun, resumeRun, setPaused, terminateRun } from "./operations.js";
import { listOrphanedSignals, purgeOrphanedSignals } from "./orphans.js";
import { memoryPayloadTable } from "./payload-table.js";
import { holdPresence } from "./presence.js";
import { purgeRuns } from "./purge.js";
import { queueState } from "./queue-state.js";
import { getRun, listNamespaces, listRuns } from "./reads.js";
import { addRequest, forgetRequest, loadRequests, readRequest, updateWithStart, withdrawRequest } from "./requests.js";
import {
  deleteSchedule,
  dueTicks,
  fireSchedules,
  getSchedule,
  listSchedules,
  nextScheduleTick,
  recordScheduleRun,
  saveSchedule,
  setSchedulePaused,
} from "./schedules.js";
import { acquireSlot, releaseSlot, renewSlots, wakeSlotWaiters } from "./slots.js";
import { commit } from "./step-writer.js";
import { appendStreamBatch, listStreams, readStream, resetStreamAttempts } from "./streams.js";
import { MemoryTables } from "./tables.js";
import { completeToken } from "./waits.js";
import { addClientSignal, createRun, refuseTx, requestClientCancel, signalWithStart } from "./writes.js";

export interface MemoryStoreOptions {
  /** Called after every change, e.g. to let a test environment look for due timers. */
  readonly onChange?: () => void;
  /**
   * False: schedules are kept, listed and triggered by hand, but a due tick starts no run, and
   * the schedule stays at it (createTestEnv's default, see its `schedules`). Default true.
   */
  readonly scheduleTicks?: boolean;
}

/** The tables of a store, for a test environment's queries (testing/memory-view.ts); not public. */
export let tablesOf: (store: MemoryStore) => MemoryTables;

/**
 * A complete Store in memory: the same engine runs on it as on MySQL, with the same fences,
 * leases and wake-ups (the rules of store/rules/), so tests of workflows need no database.
 * A facade over one-concern files that mirror store/mysql/. Every method is atomic (no await
 * inside), which stands in for a transaction. `{ tx }` is refused: it is MySQL's.
 *
 * @example
 * const client = createStoreClient(createMemoryStore(), { clock });
 */
export class MemoryStore implements Store {
  readonly description = "in-memory store";
  readonly #db: MemoryTables;
  readonly #scheduleTicks: boolean;
  /** tablePayloadStore() on this store: a map beside the other tables. */
  readonly payloadTable: PayloadStore;

  static {
    tablesOf = (store) => store.#db;
  }

  constructor(options: MemoryStoreOptions = {}) {
    this.#db = new MemoryTables(options.onChange ?? (() => {}));
    this.#scheduleTicks = options.scheduleTicks ?? true;
    this.payloadTable = memoryPayloadTable(this.#db);
  }

  /** Whether due schedule ticks start runs (see MemoryStoreOptions.scheduleTicks). */
  get scheduleTicks(): boolean {
    return this.#scheduleTicks;
  }

  // --- EngineStore ----------------------------------------------------------------------

  async claim(options: ClaimOptions) {
    return claim(this.#db, options);
  }
  async readRun(key: RunKey, owner: string, now: number) {
    return readRun(this.#db, key, owner, now);
  }
  async claimRun(key: RunKey, version: number, options: { owner: string; now: number; leaseMs: number }) {
    return claimRun(this.#db, key, version, options);
  }
  async nextWake(namespace: string, now: number, queues: readonly string[], filter: WorkerFilter) {
    const runs = nextRunWake(this.#db, namespace, now, new Set(queues), filter);
    const others = [nextScheduleTick(this.#db, namespace), nextDebounce(this.#db, namespace)];
    return [runs, ...others].reduce<number | undefined>(
      (next, at) => (at === undefined || (next !== undefined && next <= at) ? next : at),
      undefined,
    );
  }
  async fireSchedules(namespace: string, now: number, plan: (due: DueSchedule) => TickPlan) {
    if (!this.#scheduleTicks) return { started: [], nextTick: undefined, heldBack: dueTicks(this.#db, namespace, now) };
    return fireSchedules(this.#db, namespace, now, plan);
  }
  async dispatchEvents(namespace: string, now: number, limit: number, plan: TriggerPlanner) {
    return dispatchEvents(this.#db, namespace, now, limit, plan);
  }
  async fireDebounces(namespace: string, now: number, limit: number) {
    return fireDebounces(this.#db, namespace, now, limit);
  }
  async configureQueue(namespace: string, queue: string, limits: QueueLimits) {
    configureQueue(this.#db, namespace, queue, limits);
  }
  async loadHistory(key: RunKey, iteration: number) {
    return loadHistory(this.#db, key, iteration);
  }
  async loadTasks(key: RunKey, iteration: number) {
    return loadTasks(this.#db, key, iteration);
  }
  async loadSignals(key: RunKey, names: readonly string[]) {
    return loadSignals(this.#db, key, names);
  }
  async loadRequests(key: RunKey) {
    return loadRequests(this.#db, key);
  }
  async renewLeases(runs: readonly RunKey[], owner: string, until: number) {
    return renewLeases(this.#db, runs, owner, until);
  }
  async holdPresence(owner: string) {
    return holdPresence(this.#db, owner);
  }
  async markStall(key: RunKey, owner: string) {
    markStall(this.#db, key, owner);
  }
  async clearStalls(key: RunKey, owner: string) {
    clearStalls(this.#db, key, owner);
  }
  async heldRuns(runs: readonly RunKey[]) {
    return heldRuns(this.#db, runs);
  }
  async acquireSlot(request: SlotRequest) {
    const answer = acquireSlot(this.#db, request);
    this.#db.changed(true);
    return answer;
  }
  async releaseSlot(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number },
    now: number,
  ) {
    const woken = releaseSlot(this.#db, key, iteration, task, now);
    this.#db.changed(true);
    return woken;
  }
  async wakeSlotWaiters(namespace: string, queue: string, now: number) {
    return wakeSlotWaiters(this.#db, namespace, queue, now);
  }
  async renewSlots(runs: readonly RunKey[], owner: string, until: number) {
    renewSlots(this.#db, runs, owner, until);
  }
  async releaseAll(namespace: string, owner: string, now: number) {
    return releaseAll(this.#db, namespace, owner, now);
  }
  async release(key: RunKey, owner: string, wakeAt: number | null) {
    release(this.#db, key, owner, wakeAt);
  }
  async recordHeartbeat(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number; readonly attempt: number },
    detailsText: string,
  ) {
    recordHeartbeat(this.#db, key, iteration, task, detailsText);
  }
  async park(key: RunKey, owner: string, errorText: string, now: number, version?: number) {
    return park(this.#db, key, { owner, errorText, now, version });
  }
  async commit(steps: readonly StepWrite[]) {
    return commit(this.#db, steps);
  }

  // --- StreamStore ----------------------------------------------------------------------

  async appendStreamBatch(batch: ActivityStreamBatch) {
    return appendStreamBatch(this.#db, batch);
  }
  async resetStreamAttempts(request: StreamResetRequest) {
    return resetStreamAttempts(this.#db, request);
  }
  async readStream(run: RunKey, key: string, after: number, limit: number) {
    return readStream(this.#db, run, key, after, limit);
  }
  async listStreams(run: RunKey) {
    return listStreams(this.#db, run);
  }

  // --- ClientStore ----------------------------------------------------------------------

  /** Nothing to migrate: the tables are maps. */
  async migrate() {}
  async checkSchema() {}
  async ready(tx?: unknown) {
    refuseTx(tx);
  }
  async createRun(run: NewRun, tx?: unknown) {
    refuseTx(tx);
    return createRun(this.#db, run);
  }
  async addSignal(key: RunKey, signal: NewSignal, now: number, tx?: unknown) {
    refuseTx(tx);
    return addClientSignal(this.#db, key, signal, now);
  }
  async addSignalAndRead(key: RunKey, signal: NewSignal, now: number) {
    const sent = addClientSignal(this.#db, key, signal, now);
    return { sent, run: sent ? runSnapshot(this.#db, key) : undefined };
  }
  async completeToken(completion: TokenCompletionWrite, tx?: unknown) {
    refuseTx(tx);
    return completeToken(this.#db, completion);
  }
  async publishEvent(event: NewPublishedEvent, tx?: unknown) {
    refuseTx(tx);
    return publishEvent(this.#db, event);
  }
  async purgeEvents(namespace: string, before: number, limit: number) {
    return purgeEvents(this.#db, namespace, before, limit);
  }
  async signalWithStart(run: NewRun, signal: NewSignal, tx?: unknown) {
    refuseTx(tx);
    return signalWithStart(this.#db, run, signal);
  }
  async addRequest(key: RunKey, request: NewRequest, now: number) {
    return addRequest(this.#db, key, request, now);
  }
  async updateWithStart(run: NewRun, request: NewRequest) {
    return updateWithStart(this.#db, run, request);
  }
  async readRequest(key: RunKey, requestId: string) {
    return readRequest(this.#db, key, requestId);
  }
  async withdrawRequest(key: RunKey, requestId: string) {
    return withdrawRequest(this.#db, key, requestId);
  }
  async forgetRequest(key: RunKey, requestId: string) {
    forgetRequest(this.#db, key, requestId);
  }
  async listOrphanedSignals(namespace: string, limit: number) {
    return listOrphanedSignals(this.#db, namespace, limit);
  }
  async purgeOrphanedSignals(namespace: string, before: number) {
    return purgeOrphanedSignals(this.#db, namespace, before);
  }
  async requestCancel(key: RunKey, now: number) {
    return requestClientCancel(this.#db, key, now);
  }
  async getRun(key: RunKey) {
    return getRun(this.#db, key);
  }
  async resumeRun(key: RunKey, codeVersion: string | undefined, now: number) {
    resumeRun(this.#db, key, codeVersion, now);
  }
  async forkRun(request: ForkRequest) {
    return forkRun(this.#db, request);
  }
  async setPaused(key: RunKey, paused: boolean, now: number) {
    return setPaused(this.#db, key, paused, now);
  }
  async terminateRun(key: RunKey, reason: string, now: number, open?: OpenPayload) {
    return terminateRun(this.#db, key, reason, now, open);
  }
  async resetRun(key: RunKey, options: RunReset, now: number, open?: OpenPayload) {
    return resetRun(this.#db, key, options, now, open);
  }
  async openBulk(namespace: string, batchId: string, spec: BulkSpec) {
    return openBulk(this.#db, namespace, batchId, spec);
  }
  async addBulkItems(
    namespace: string,
    batchId: string,
    runs: readonly Pick<RunKey, "workflow" | "runId">[],
    cursor: string | undefined,
    listed: boolean,
  ) {
    addBulkItems(this.#db, namespace, batchId, runs, cursor, listed);
  }
  async pendingBulkItems(namespace: string, batchId: string, limit: number) {
    return pendingBulkItems(this.#db, namespace, batchId, limit);
  }
  async applyBulkItem(batch: BulkBatch, run: Pick<RunKey, "workflow" | "runId">, now: number, access?: PayloadAccess) {
    return applyBulkItem(this.#db, batch, run, now, access);
  }
  async bulkProgress(namespace: string, batchId: string) {
    return bulkProgress(this.#db, namespace, batchId);
  }

  async readBulk(namespace: string, batchId: string) {
    return readBulk(this.#db, namespace, batchId);
  }
  async listRuns(filter: ListRunsFilter) {
    return listRuns(this.#db, filter);
  }
  async listNamespaces() {
    return listNamespaces(this.#db);
  }
  async inspectRun(key: RunKey) {
    return inspectRun(this.#db, key);
  }
  async purgeRuns(request: PurgeRequest) {
    const purged = purgeRuns(this.#db, request);
    // No transaction to join: another payload store deletes the runs' payloads after the fact.
    if (purged.length > 0) await request.purging?.(purged);
    return purged.length;
  }
  async countRuns(filter: CountFilter, now: number) {
    return countRuns(this.#db, filter, now);
  }
  async queueState(namespace: string, now: number) {
    return queueState(this.#db, namespace, now);
  }
  async saveSchedule(spec: ScheduleSpec, nextTick: number | undefined, now: number) {
    saveSchedule(this.#db, spec, nextTick, now);
  }
  async getSchedule(namespace: string, id: string) {
    return getSchedule(this.#db, namespace, id);
  }
  async listSchedules(namespace: string) {
    return listSchedules(this.#db, namespace);
  }
  async setSchedulePaused(namespace: string, id: string, paused: boolean, nextTick: number | undefined, now: number) {
    return setSchedulePaused(this.#db, namespace, id, paused, nextTick, now);
  }
  async deleteSchedule(namespace: string, id: string) {
    return deleteSchedule(this.#db, namespace, id);
  }
  async recordScheduleRun(namespace: string, id: string, runId: string, now: number) {
    return recordScheduleRun(this.#db, namespace, id, runId, now);
  }
  async getHistory(key: RunKey, options?: HistoryOptions) {
    return getHistory(this.#db, key, options);
  }
  async lastEventId() {
    return lastEventId(this.#db);
  }
  async readEvents(cursor: number, filter: EventFilter) {
    return readEvents(this.#db, cursor, filter);
  }
  async loadCursor(namespace: string, consumer: string) {
    return this.#db.cursors.get(`${namespace}/${consumer}`);
  }
  async saveCursor(namespace: string, consumer: string, lastId: number) {
    this.#db.cursors.set(`${namespace}/${consumer}`, lastId);
  }
  async close() {}
}

/** Creates an empty in-memory store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}
