import type { Pool } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { ReplayError } from "../../errors.js";
import type { RunKey } from "../../history/index.js";
import type { DueSchedule, TickPlan } from "../../schedule/plan.js";
import type { BulkBatch, BulkSpec } from "../bulk-records.js";
import type { OpenPayload, PayloadAccess } from "../open-events.js";
import type { ListRunsFilter } from "../records.js";
import type { WorkerFilter } from "../rules/claim-filter.js";
import { runCreation } from "../rules/new-run.js";
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
  SignalAndRun,
  SlotRequest,
  StepWrite,
  Store,
  StreamResetRequest,
  TokenCompletionWrite,
  TriggerPlanner,
} from "../types.js";
import { addBulkItems, applyBulkItem, bulkProgress, openBulk, pendingBulkItems, readBulk } from "./bulk.js";
import { claimRun, claimRuns, configureQueue, nextWake, readRun } from "./claim.js";
import { isGaleraServer } from "./cluster-lock.js";
import { retryOnConflict } from "./conflicts.js";
import { countRuns } from "./counts.js";
import { loadCursor, saveCursor } from "./cursors.js";
import { type Endpoint, isNodeNotReady, mapDbError } from "./db-errors.js";
import { lastEventId, readBatch } from "./event-reader.js";
import { dispatchEvents, publishEvent, purgeEvents } from "./events.js";
import type { EndpointRing } from "./failover.js";
import { loadHistory, loadSignals, loadTasks, recordHeartbeat, selectHistory } from "./history.js";
import { inspectRun } from "./inspect.js";
import { type Lane, openLane } from "./lane.js";
import { addRequestOnLane, addSignalOnLane, createRunOnLane } from "./lane-writes.js";
import { clearStalls, heldRuns, markStall, park, release, releaseAll, renewLeases } from "./leases.js";
import { checkSchema, migrate } from "./migrate.js";
import { forkRun, resetRun, resumeRun, setPaused, terminateRun } from "./operations.js";
import { listOrphanedSignals, purgeOrphanedSignals } from "./orphans.js";
import { packetBudget, readMaxPacket } from "./packet.js";
import { MySqlPayloadTable } from "./payload-table.js";
import { holdPresence } from "./presence.js";
import { purgeRuns } from "./purge.js";
import { queueState } from "./queue-state.js";
import { selectNamespaces, selectRun, selectRunPage } from "./reads.js";
import { addRequest, forgetRequest, loadRequests, readRequest, withdrawRequest } from "./requests.js";
import {
  deleteSchedule,
  fireSchedules,
  getSchedule,
  listSchedules,
  recordScheduleRun,
  saveSchedule,
  setSchedulePaused,
} from "./schedules.js";
import { acquireSlot, releaseSlot, renewSlots, wakeSlotWaiters } from "./slots.js";
import { type PacketLimit, type StepLane, writeSteps } from "./step-writer.js";
import { appendStreamBatch, listStreams, readStream, resetStreamAttempts } from "./streams.js";
import { completeToken } from "./tokens.js";
import { inTransaction } from "./transaction.js";
import { fireDebounces } from "./triggers.js";
import { insertClientSignal, insertRun, requestCancel } from "./writes.js";

/**
 * The Store on MySQL 8 / MariaDB 10.6+: the only place with SQL. Every call turns a lost or
 * refused connection into DatabaseUnreachableError naming the endpoint.
 */
export class MySqlStore implements Store {
  readonly description: string;
  readonly pool: Pool;
  readonly prefix: string;
  readonly #endpoint: Endpoint;
  readonly #ownsPool: boolean;
  readonly #ring: EndpointRing | undefined;
  /** Connections that take a step's statements in one round trip (see lane.ts). */
  readonly #lane: Lane | undefined;
  /** Whether the lane may be used: not on Galera (see #usableLane); asked once. */
  #laneAllowed: Promise<boolean> | undefined;
  /** The server's max_allowed_packet, read once for the size of group commits (packet.ts). */
  #maxPacket: Promise<number> | undefined;
  /** The payloads table: tablePayloadStore() on this store. */
  readonly payloadTable: MySqlPayloadTable;

  /** `ring`: the endpoints of a client given several (`createClient({ uris })`). */
  constructor(pool: Pool, prefix: string, endpoint: Endpoint, ownsPool: boolean, ring?: EndpointRing) {
    this.pool = pool;
    this.prefix = prefix;
    this.#endpoint = endpoint;
    this.#ownsPool = ownsPool;
    this.#ring = ring;
    this.#lane = openLane(pool, ring && ((own) => ring.watch(own as unknown as Parameters<EndpointRing["watch"]>[0])));
    this.payloadTable = new MySqlPayloadTable(pool, prefix, {
      guard: (work) => this.#guard(work),
      budget: async () => (await this.#packetLimit(pool)).budget,
    });
    this.description = ring
      ? `MySQL at ${ring.endpoints.map((e) => `${e.host}:${e.port}`).join(", ")}`
      : `MySQL at ${endpoint.host}:${endpoint.port}`;
  }

  async #guard<T>(work: (pool: Pool, prefix: string) => Promise<T>): Promise<T> {
    try {
      return await work(this.pool, this.prefix);
    } catch (error) {
      // Named after the endpoint that failed, before the ring moves on.
      const mapped = mapDbError(error, this.#endpoint);
      // A Galera node that cannot serve: move the pool's connections to the next endpoint.
      if (this.#ring && isNodeNotReady(error)) this.#ring.avoidCurrent();
      throw mapped;
    }
  }

  /** What a group commit may send in one packet; read once, and again after a failed read. */
  async #packetLimit(pool: Pool): Promise<PacketLimit> {
    this.#maxPacket ??= readMaxPacket(pool).catch((error: unknown) => {
      this.#maxPacket = undefined;
      throw error;
    });
    const maxPacket = await this.#maxPacket;
    return { maxPacket, budget: packetBudget(maxPacket) };
  }

  /**
   * The lane, unless the server is a Galera node. There, a transaction that a replicated write
   * aborts (a brute-force abort, on a conflict) in the middle of a multi-statement query is
   * rolled back, and the statements after that point run on without a transaction and answer
   * OK: a step's events were lost while its run update stood, and the worker saw a success
   * (test/galera/cluster.test.ts). Statement by statement, the next statement reports
   * the abort (errno 1213) instead. Asked once per store; a failed question is asked again.
   */
  async #usableLane(pool: Pool): Promise<Lane | undefined> {
    const lane = this.#lane;
    if (lane === undefined) return undefined;
    this.#laneAllowed ??= isGaleraServer(pool).then((galera) => !galera);
    try {
      return (await this.#laneAllowed) ? lane : undefined;
    } catch (error) {
      this.#laneAllowed = undefined;
      throw error;
    }
  }

  /**
   * The lane for steps, and whether it is a Galera node's. There, a step goes out one statement
   * per round trip from its first lock-taking statement on (see #usableLane), and only a lean
   * step takes the lane (see writeSteps).
   */
  async #stepLane(pool: Pool): Promise<StepLane | undefined> {
    const lane = this.#lane;
    if (lane === undefined) return undefined;
    const multi = await this.#usableLane(pool);
    return { lane, galera: multi === undefined };
  }

  /** Whether steps and client writes go out several statements per round trip (false on Galera; see #usableLane). */
  async usesMultiStatementWrites(): Promise<boolean> {
    return this.#guard(async (pool) => (await this.#usableLane(pool)) !== undefined);
  }

  /**
   * A client write in a transaction: ours is retried after a lock conflict (see retryOnConflict),
   * the caller's is not. Ours goes over the lane in one round trip when `fast` can tell it wrote
   * (see lane-writes.ts), else statement by statement.
   */
  #write<T>(
    tx: unknown,
    work: (conn: Transaction, prefix: string) => Promise<T>,
    fast?: (lane: Lane, prefix: string) => Promise<T | undefined>,
  ): Promise<T> {
    return this.#guard(async (pool, p) => {
      const callers = asTransaction(tx);
      const once = () => inTransaction(pool, callers, (conn) => work(conn, p));
      if (callers) return once();
      const lane = fast === undefined ? undefined : await this.#usableLane(pool);
      if (fast === undefined || lane === undefined) return retryOnConflict(once);
      return retryOnConflict(async () => (await fast(lane, p)) ?? (await once()));
    });
  }

  claim(options: ClaimOptions) {
    return this.#guard((pool, p) => claimRuns(pool, p, options));
  }
  readRun(key: RunKey, owner: string, now: number) {
    return this.#guard((pool, p) => readRun(pool, p, key, owner, now));
  }
  claimRun(key: RunKey, version: number, options: { owner: string; now: number; leaseMs: number }) {
    return this.#guard((pool, p) => claimRun(pool, p, key, version, options));
  }
  nextWake(namespace: string, now: number, queues: readonly string[], filter: WorkerFilter) {
    return this.#guard((pool, p) => nextWake(pool, p, namespace, now, queues, filter));
  }
  fireSchedules(namespace: string, now: number, plan: (due: DueSchedule) => TickPlan) {
    return this.#guard((pool, p) => fireSchedules(pool, p, namespace, now, plan));
  }
  saveSchedule(spec: ScheduleSpec, nextTick: number | undefined, now: number) {
    return this.#guard((pool, p) => saveSchedule(pool, p, spec, nextTick, now));
  }
  getSchedule(namespace: string, id: string) {
    return this.#guard((pool, p) => getSchedule(pool, p, namespace, id));
  }
  listSchedules(namespace: string) {
    return this.#guard((pool, p) => listSchedules(pool, p, namespace));
  }
  setSchedulePaused(namespace: string, id: string, paused: boolean, nextTick: number | undefined, now: number) {
    return this.#guard((pool, p) => setSchedulePaused(pool, p, namespace, id, paused, nextTick, now));
  }
  deleteSchedule(namespace: string, id: string) {
    return this.#guard((pool, p) => deleteSchedule(pool, p, namespace, id));
  }
  recordScheduleRun(namespace: string, id: string, runId: string, now: number) {
    return this.#guard((pool, p) => recordScheduleRun(pool, p, namespace, id, runId, now));
  }
  // Retried after a lock conflict: a dispatch and a step that begins a wait of the same run
  // may deadlock (see events.ts), and InnoDB then rolls one back; nothing of it was written.
  dispatchEvents(namespace: string, now: number, limit: number, plan: TriggerPlanner) {
    return this.#guard((pool, p) => retryOnConflict(() => dispatchEvents(pool, p, namespace, now, limit, plan)));
  }
  fireDebounces(namespace: string, now: number, limit: number) {
    return this.#guard((pool, p) => retryOnConflict(() => fireDebounces(pool, p, namespace, now, limit)));
  }
  configureQueue(namespace: string, queue: string, limits: QueueLimits, now: number) {
    return this.#guard((pool, p) => configureQueue(pool, p, namespace, queue, limits, now));
  }
  loadHistory(key: RunKey, iteration: number) {
    return this.#guard((pool, p) => loadHistory(pool, p, key, iteration));
  }
  loadTasks(key: RunKey, iteration: number) {
    return this.#guard((pool, p) => loadTasks(pool, p, key, iteration));
  }
  loadSignals(key: RunKey, names: readonly string[]) {
    return this.#guard((pool, p) => loadSignals(pool, p, key, names));
  }
  loadRequests(key: RunKey) {
    return this.#guard((pool, p) => loadRequests(pool, p, key));
  }
  holdPresence(owner: string) {
    return holdPresence(this.pool, this.prefix, owner);
  }
  markStall(key: RunKey, owner: string) {
    return this.#guard((pool, p) => markStall(pool, p, key, owner));
  }
  clearStalls(key: RunKey, owner: string) {
    return this.#guard((pool, p) => clearStalls(pool, p, key, owner));
  }
  // Lease updates are retried after a lock conflict: on Galera, any commit to one of the rows
  // on another node fails this one's certification (1213), and a missed renewal costs a lease.
  renewLeases(runs: readonly RunKey[], owner: string, until: number) {
    return this.#guard((pool, p) => retryOnConflict(() => renewLeases(pool, p, runs, owner, until)));
  }
  heldRuns(runs: readonly RunKey[]) {
    return this.#guard((pool, p) => heldRuns(pool, p, runs));
  }
  // Slot decisions lock their queue's row and may meet a step's locks: retried after a conflict.
  acquireSlot(request: SlotRequest) {
    return this.#guard((pool, p) => retryOnConflict(() => acquireSlot(pool, p, request)));
  }
  releaseSlot(key: RunKey, iteration: number, task: { readonly target: string; readonly seq: number }, now: number) {
    return this.#guard((pool, p) => retryOnConflict(() => releaseSlot(pool, p, key, iteration, task, now)));
  }
  wakeSlotWaiters(namespace: string, queue: string, now: number) {
    return this.#guard((pool, p) => retryOnConflict(() => wakeSlotWaiters(pool, p, namespace, queue, now)));
  }
  renewSlots(runs: readonly RunKey[], owner: string, until: number) {
    return this.#guard((pool, p) => retryOnConflict(() => renewSlots(pool, p, runs, owner, until)));
  }
  releaseAll(namespace: string, owner: string, now: number) {
    return this.#guard((pool, p) => retryOnConflict(() => releaseAll(pool, p, namespace, owner, now)));
  }
  release(key: RunKey, owner: string, wakeAt: number | null) {
    return this.#guard((pool, p) => retryOnConflict(() => release(pool, p, key, owner, wakeAt)));
  }
  recordHeartbeat(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number; readonly attempt: number },
    detailsText: string,
    now: number,
  ) {
    return this.#guard((pool, p) => recordHeartbeat(pool, p, key, iteration, task, detailsText, now));
  }
  park(key: RunKey, owner: string, errorText: string, now: number, version?: number) {
    return this.#guard((pool, p) => retryOnConflict(() => park(pool, p, key, { owner, errorText, now, version })));
  }
  commit(steps: readonly StepWrite[]) {
    return this.#guard(async (pool, p) =>
      writeSteps(pool, await this.#stepLane(pool), p, steps, await this.#packetLimit(pool)),
    );
  }
  appendStreamBatch(batch: ActivityStreamBatch) {
    return this.#guard((pool, p) => appendStreamBatch(pool, p, batch));
  }
  resetStreamAttempts(request: StreamResetRequest) {
    return this.#guard((pool, p) => resetStreamAttempts(pool, p, request));
  }
  readStream(run: RunKey, key: string, after: number, limit: number) {
    return this.#guard((pool, p) => readStream(pool, p, run, key, after, limit));
  }
  listStreams(run: RunKey) {
    return this.#guard((pool, p) => listStreams(pool, p, run));
  }

  migrate() {
    return migrate(this.pool, { prefix: this.prefix });
  }
  checkSchema() {
    return this.#guard((pool, p) => checkSchema(pool, p));
  }
  ready(tx?: unknown) {
    return this.#guard(async (pool) => {
      await (asTransaction(tx) ?? pool).query("SELECT 1");
    });
  }
  createRun(run: NewRun, tx?: unknown) {
    return this.#write(
      tx,
      (conn, p) => insertRun(conn, p, runCreation(run)),
      (lane, p) => createRunOnLane(lane, p, run),
    );
  }
  addSignal(key: RunKey, signal: NewSignal, now: number, tx?: unknown) {
    return this.#write(
      tx,
      (conn, p) => insertClientSignal(conn, p, key, signal, now),
      async (lane, p) => (await addSignalOnLane(lane, p, key, signal, now))?.sent,
    );
  }
  addSignalAndRead(key: RunKey, signal: NewSignal, now: number): Promise<SignalAndRun> {
    return this.#write(
      undefined,
      async (conn, p) => ({ sent: await insertClientSignal(conn, p, key, signal, now) }),
      (lane, p) => addSignalOnLane(lane, p, key, signal, now, true),
    );
  }
  completeToken(completion: TokenCompletionWrite, tx?: unknown) {
    return this.#write(tx, (conn, p) => completeToken(conn, p, completion));
  }
  publishEvent(event: NewPublishedEvent, tx?: unknown) {
    return this.#write(tx, (conn, p) => publishEvent(conn, p, event));
  }
  purgeEvents(namespace: string, before: number, limit: number) {
    return this.#guard((pool, p) => purgeEvents(pool, p, namespace, before, limit));
  }
  signalWithStart(run: NewRun, signal: NewSignal, tx?: unknown) {
    return this.#write(tx, async (conn, p) => {
      const created = await insertRun(conn, p, runCreation(run));
      return { created, sent: await insertClientSignal(conn, p, run.key, signal, run.now) };
    });
  }
  addRequest(key: RunKey, request: NewRequest, now: number) {
    return this.#write(
      undefined,
      (conn, p) => addRequest(conn, p, key, request, now),
      async (lane, p) => ((await addRequestOnLane(lane, p, key, request, now)) ? { added: true as const } : undefined),
    );
  }
  updateWithStart(run: NewRun, request: NewRequest) {
    return this.#write(undefined, async (conn, p) => {
      const created = await insertRun(conn, p, runCreation(run));
      return { created, arrival: await addRequest(conn, p, run.key, request, run.now) };
    });
  }
  readRequest(key: RunKey, requestId: string) {
    return this.#guard((pool, p) => readRequest(pool, p, key, requestId));
  }
  withdrawRequest(key: RunKey, requestId: string) {
    return this.#guard((pool, p) => retryOnConflict(() => withdrawRequest(pool, p, key, requestId)));
  }
  forgetRequest(key: RunKey, requestId: string) {
    return this.#guard((pool, p) => forgetRequest(pool, p, key, requestId));
  }
  listOrphanedSignals(namespace: string, limit: number) {
    return this.#guard((pool, p) => listOrphanedSignals(pool, p, namespace, limit));
  }
  purgeOrphanedSignals(namespace: string, before: number) {
    return this.#guard((pool, p) => purgeOrphanedSignals(pool, p, namespace, before));
  }
  requestCancel(key: RunKey, now: number) {
    return this.#write(undefined, async (conn, p) => (await requestCancel(conn, p, key, now)).length > 0);
  }
  getRun(key: RunKey) {
    return this.#guard((pool, p) => selectRun(pool, p, key));
  }
  resumeRun(key: RunKey, codeVersion: string | undefined, now: number) {
    return this.#guard((pool, p) =>
      inTransaction(pool, undefined, (conn) => resumeRun(conn, p, key, codeVersion, now)),
    );
  }
  forkRun(request: ForkRequest) {
    return this.#guard((pool, p) => inTransaction(pool, undefined, (conn) => forkRun(conn, p, request)));
  }
  setPaused(key: RunKey, paused: boolean, now: number) {
    return this.#write(undefined, (conn, p) => setPaused(conn, p, key, paused, now));
  }
  terminateRun(key: RunKey, reason: string, now: number, open?: OpenPayload) {
    return this.#write(undefined, (conn, p) => terminateRun(conn, p, key, reason, now, open));
  }
  resetRun(key: RunKey, options: RunReset, now: number, open?: OpenPayload) {
    return this.#write(undefined, (conn, p) => resetRun(conn, p, key, options, now, open));
  }
  openBulk(namespace: string, batchId: string, spec: BulkSpec, now: number) {
    return this.#guard((pool, p) => openBulk(pool, p, namespace, batchId, spec, now));
  }
  addBulkItems(
    namespace: string,
    batchId: string,
    runs: readonly Pick<RunKey, "workflow" | "runId">[],
    cursor: string | undefined,
    listed: boolean,
    now: number,
  ) {
    return this.#guard((pool, p) =>
      retryOnConflict(() => addBulkItems(pool, p, namespace, batchId, runs, cursor, listed, now)),
    );
  }
  pendingBulkItems(namespace: string, batchId: string, limit: number) {
    return this.#guard((pool, p) => pendingBulkItems(pool, p, namespace, batchId, limit));
  }
  applyBulkItem(batch: BulkBatch, run: Pick<RunKey, "workflow" | "runId">, now: number, access?: PayloadAccess) {
    return this.#guard((pool, p) => retryOnConflict(() => applyBulkItem(pool, p, batch, run, now, access)));
  }
  bulkProgress(namespace: string, batchId: string) {
    return this.#guard((pool, p) => bulkProgress(pool, p, namespace, batchId));
  }

  readBulk(namespace: string, batchId: string) {
    return this.#guard((pool, p) => readBulk(pool, p, namespace, batchId));
  }
  listRuns(filter: ListRunsFilter) {
    return this.#guard((pool, p) => selectRunPage(pool, p, filter));
  }
  listNamespaces() {
    return this.#guard((pool, p) => selectNamespaces(pool, p));
  }
  inspectRun(key: RunKey) {
    return this.#guard((pool, p) => inspectRun(pool, p, key));
  }
  purgeRuns(request: PurgeRequest) {
    return this.#guard((pool, p) => purgeRuns(pool, p, request));
  }
  countRuns(filter: CountFilter, now: number) {
    return this.#guard((pool, p) => countRuns(pool, p, filter, now));
  }
  queueState(namespace: string, now: number) {
    return this.#guard((pool, p) => queueState(pool, p, namespace, now));
  }
  getHistory(key: RunKey, options?: HistoryOptions) {
    return this.#guard((pool, p) => selectHistory(pool, p, key, options));
  }
  lastEventId() {
    return this.#guard((pool, p) => lastEventId(pool, p));
  }
  readEvents(cursor: number, filter: EventFilter) {
    return this.#guard((pool, p) => readBatch(pool, p, cursor, filter));
  }
  loadCursor(namespace: string, consumer: string) {
    return this.#guard((pool, p) => loadCursor(pool, p, namespace, consumer));
  }
  saveCursor(namespace: string, consumer: string, lastId: number, now: number) {
    return this.#guard((pool, p) => saveCursor(pool, p, namespace, consumer, lastId, now));
  }
  async close() {
    await this.#lane?.end();
    if (this.#ownsPool) await this.pool.end();
  }
}

/** The caller's `{ tx }`: a mysql2/promise connection, or a clear error. */
export function asTransaction(tx: unknown): Transaction | undefined {
  if (tx === undefined) return undefined;
  if (typeof tx === "object" && tx !== null && typeof (tx as { query?: unknown }).query === "function") {
    return tx as Transaction;
  }
  throw new ReplayError(
    "INVALID_TX",
    `invalid { tx }: expected a mysql2/promise connection on which you began a transaction, got ${tx === null ? "null" : typeof tx}`,
  );
}
