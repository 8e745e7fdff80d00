import type { RunKey } from "../history/index.js";
import type { QueueLimits } from "../store/rules/queue-picking.js";
import type { ClaimOptions, CountFilter, SlotRequest, Store, StreamResetRequest } from "../store/types.js";

/** The Store methods whose arguments and answers carry no payload: the codec boundary passes them on as they are. */
export type PayloadFreeMethod =
  | "nextWake"
  | "claimRun"
  | "claim"
  | "fireDebounces"
  | "purgeEvents"
  | "configureQueue"
  | "checkSchema"
  | "renewLeases"
  | "holdPresence"
  | "markStall"
  | "clearStalls"
  | "heldRuns"
  | "acquireSlot"
  | "releaseSlot"
  | "wakeSlotWaiters"
  | "renewSlots"
  | "setPaused"
  | "addBulkItems"
  | "pendingBulkItems"
  | "bulkProgress"
  | "readBulk"
  | "releaseAll"
  | "release"
  | "migrate"
  | "ready"
  | "listOrphanedSignals"
  | "purgeOrphanedSignals"
  | "requestCancel"
  | "resumeRun"
  | "listNamespaces"
  | "countRuns"
  | "queueState"
  | "setSchedulePaused"
  | "deleteSchedule"
  | "recordScheduleRun"
  | "lastEventId"
  | "loadCursor"
  | "saveCursor"
  | "close"
  | "resetStreamAttempts";

/**
 * The part of the codec boundary (CodecStore) that carries no payload: each method passes its
 * call to the store behind it as it is.
 */
export abstract class PassThroughStore<S extends Store> implements Pick<Store, PayloadFreeMethod> {
  readonly inner: S;

  constructor(inner: S) {
    this.inner = inner;
  }

  nextWake(
    namespace: string,
    now: number,
    queues: readonly string[],
    filter: Pick<ClaimOptions, "shards" | "version" | "can">,
  ) {
    return this.inner.nextWake(namespace, now, queues, filter);
  }
  claimRun(key: RunKey, version: number, options: { owner: string; now: number; leaseMs: number }) {
    return this.inner.claimRun(key, version, options);
  }
  claim(options: ClaimOptions) {
    return this.inner.claim(options);
  }
  fireDebounces(namespace: string, now: number, limit: number) {
    return this.inner.fireDebounces(namespace, now, limit);
  }
  purgeEvents(namespace: string, before: number, limit: number) {
    return this.inner.purgeEvents(namespace, before, limit);
  }
  configureQueue(namespace: string, queue: string, limits: QueueLimits, now: number) {
    return this.inner.configureQueue(namespace, queue, limits, now);
  }
  checkSchema() {
    return this.inner.checkSchema();
  }
  renewLeases(runs: readonly RunKey[], owner: string, until: number) {
    return this.inner.renewLeases(runs, owner, until);
  }
  holdPresence(owner: string) {
    return this.inner.holdPresence(owner);
  }
  markStall(key: RunKey, owner: string) {
    return this.inner.markStall(key, owner);
  }
  clearStalls(key: RunKey, owner: string) {
    return this.inner.clearStalls(key, owner);
  }
  heldRuns(runs: readonly RunKey[]) {
    return this.inner.heldRuns(runs);
  }
  acquireSlot(request: SlotRequest) {
    return this.inner.acquireSlot(request);
  }
  releaseSlot(key: RunKey, iteration: number, task: { readonly target: string; readonly seq: number }, now: number) {
    return this.inner.releaseSlot(key, iteration, task, now);
  }
  wakeSlotWaiters(namespace: string, queue: string, now: number) {
    return this.inner.wakeSlotWaiters(namespace, queue, now);
  }
  renewSlots(runs: readonly RunKey[], owner: string, until: number) {
    return this.inner.renewSlots(runs, owner, until);
  }
  setPaused(key: RunKey, paused: boolean, now: number) {
    return this.inner.setPaused(key, paused, now);
  }
  addBulkItems(
    namespace: string,
    batchId: string,
    runs: readonly Pick<RunKey, "workflow" | "runId">[],
    cursor: string | undefined,
    listed: boolean,
    now: number,
  ) {
    return this.inner.addBulkItems(namespace, batchId, runs, cursor, listed, now);
  }
  pendingBulkItems(namespace: string, batchId: string, limit: number) {
    return this.inner.pendingBulkItems(namespace, batchId, limit);
  }
  bulkProgress(namespace: string, batchId: string) {
    return this.inner.bulkProgress(namespace, batchId);
  }

  readBulk(namespace: string, batchId: string) {
    return this.inner.readBulk(namespace, batchId);
  }
  releaseAll(namespace: string, owner: string, now: number) {
    return this.inner.releaseAll(namespace, owner, now);
  }
  release(key: RunKey, owner: string, wakeAt: number | null) {
    return this.inner.release(key, owner, wakeAt);
  }
  migrate() {
    return this.inner.migrate();
  }
  ready(tx?: unknown) {
    return this.inner.ready(tx);
  }
  listOrphanedSignals(namespace: string, limit: number) {
    return this.inner.listOrphanedSignals(namespace, limit);
  }
  purgeOrphanedSignals(namespace: string, before: number) {
    return this.inner.purgeOrphanedSignals(namespace, before);
  }
  requestCancel(key: RunKey, now: number) {
    return this.inner.requestCancel(key, now);
  }
  /** The resumed event keeps the run's stored error as it is (encoded, if it was). */
  resumeRun(key: RunKey, codeVersion: string | undefined, now: number) {
    return this.inner.resumeRun(key, codeVersion, now);
  }
  listNamespaces() {
    return this.inner.listNamespaces();
  }
  countRuns(filter: CountFilter, now: number) {
    return this.inner.countRuns(filter, now);
  }
  queueState(namespace: string, now: number) {
    return this.inner.queueState(namespace, now);
  }
  setSchedulePaused(namespace: string, id: string, paused: boolean, nextTick: number | undefined, now: number) {
    return this.inner.setSchedulePaused(namespace, id, paused, nextTick, now);
  }
  deleteSchedule(namespace: string, id: string) {
    return this.inner.deleteSchedule(namespace, id);
  }
  recordScheduleRun(namespace: string, id: string, runId: string, now: number) {
    return this.inner.recordScheduleRun(namespace, id, runId, now);
  }
  lastEventId() {
    return this.inner.lastEventId();
  }
  loadCursor(namespace: string, consumer: string) {
    return this.inner.loadCursor(namespace, consumer);
  }
  saveCursor(namespace: string, consumer: string, lastId: number, now: number) {
    return this.inner.saveCursor(namespace, consumer, lastId, now);
  }
  close() {
    return this.inner.close();
  }
  /** A reset marker carries no value. */
  resetStreamAttempts(request: StreamResetRequest) {
    return this.inner.resetStreamAttempts(request);
  }
}
