import type {
  AwaitResultOptions,
  BulkDescription,
  BulkOptions,
  BulkResult,
  Client,
  Clock,
  ForkOptions,
  ListRunsFilter,
  LocalBus,
  PublishOptions,
  PurgeEventsOptions,
  PurgeOptions,
  QueryOptions,
  ReadStreamOptions,
  ResetOptions,
  ResumeOptions,
  RunInfo,
  RunOptions,
  RunPage,
  ScheduleOptions,
  StreamChunk,
  StreamEvent,
  StreamInfo,
  StreamOptions,
  Timers,
  UpdateHandle,
  UpdateOptions,
  UpdateWithStartOptions,
  WriteOptions,
} from "../api.js";
import { toMillis } from "../duration.js";
import type { HistoryEvent } from "../history/index.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, validateName } from "../json.js";
import type { RunDescription } from "../ops/description.js";
import { CodecStore } from "../payload/codec-store.js";
import { type PayloadOptions, resolvePayloadOptions } from "../payload/options.js";
import { PayloadPipeline } from "../payload/pipeline.js";
import { type QueueInfo, queueInfos } from "../store/queue-records.js";
import type { CountFilter, HistoryOptions, OrphanedSignal, RunCounts, ScheduleInfo, Store } from "../store/types.js";
import { defaultLogger } from "../telemetry/logging.js";
import { ClientMetrics, replaykitMeter } from "../telemetry/metrics.js";
import { Tracing } from "../telemetry/tracing.js";
import { refuseUpdateTx, runKey } from "./arguments.js";
import { awaitRunResult, type ResultSource } from "./await-result.js";
import { describeBulk, runBulk } from "./bulk.js";
import { EventLogReads } from "./event-log.js";
import { createLocalBus } from "./local-bus.js";
import { RunManagement } from "./management.js";
import type { ClientOptions } from "./options.js";
import { RequestCalls } from "./requests.js";
import { RunControls } from "./run-controls.js";
import { ScheduleCalls } from "./schedules.js";
import { RunStarts, signalRow } from "./starts.js";
import { realTimers } from "./timers.js";
import { startedUpdate } from "./update-handle.js";
import { TokensAndEvents } from "./waits.js";

/** A client, plus `ready()`. */
export interface StoreClient extends Client {
  /**
   * Resolves once the store answered (and, on MySQL, the default clock measured its offset
   * to the database clock). Optional: every write awaits it on first use. Rejects with
   * DatabaseUnreachableError when the server cannot be reached.
   */
  ready(): Promise<void>;
}

/** Told when an `awaitResult` call begins waiting and when it ends, however it ends. */
export interface AwaitResultObserver {
  awaitBegan(): void;
  awaitEnded(): void;
}

export interface StoreClientOptions extends Omit<ClientOptions, "prefix"> {
  /** Checks the store before the first write (on the caller's `tx`, when given); default `store.ready`. */
  readonly ready?: (tx?: unknown) => Promise<void>;
  /** Watches `awaitResult` calls: the test environment skips time only while one waits. */
  readonly awaitObserver?: AwaitResultObserver;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * A client on any Store: the MySQL client (`createClient`) and the test environment
 * (`createTestEnv`) are this over their stores. Validates names and payloads before
 * anything is written, and wakes workers in this process through the local bus.
 *
 * @example
 * const client = createStoreClient(myStore, { clock });
 * const worker = createWorker({ client, namespace: "shop", workflows, activities });
 */
export function createStoreClient(store: Store, options: StoreClientOptions = {}): StoreClient {
  return new ReplayClient(store, options);
}

/** The client on a Store; see createStoreClient. Every method checks its arguments before it touches the store. */
export class ReplayClient implements StoreClient {
  /** The client's store behind its payload boundary (see CodecStore): workers built on the client use it too. */
  readonly store: CodecStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly maxPayloadBytes: number;
  readonly local: LocalBus;
  readonly #defaultVersion: string | undefined;
  readonly #check: (tx?: unknown) => Promise<void>;
  readonly #tracing: Tracing;
  readonly #metrics: ClientMetrics;
  readonly #management: RunManagement;
  readonly #controls: RunControls;
  readonly #waits: TokensAndEvents;
  readonly #results: ResultSource;
  readonly #requests: RequestCalls;
  readonly #starts: RunStarts;
  readonly #schedules: ScheduleCalls;
  readonly #eventLog: EventLogReads;
  readonly #awaitObserver: AwaitResultObserver | undefined;
  #readiness: Promise<void> | undefined;

  constructor(store: Store, options: StoreClientOptions = {}) {
    this.store = payloadBoundary(store, options);
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? realTimers(this.clock);
    this.local = options.local ?? createLocalBus();
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.#defaultVersion = options.version === undefined ? undefined : validateName("version", options.version);
    this.#check = options.ready ?? ((tx?: unknown) => this.store.ready(tx));
    this.#tracing = new Tracing(options.tracerProvider);
    this.#metrics = new ClientMetrics(replaykitMeter(options.meterProvider));
    this.#management = new RunManagement(this.store, this.clock);
    this.#controls = new RunControls(this.store, this.clock, this.local, () => this.#ready());
    this.#waits = new TokensAndEvents({
      store: this.store,
      clock: this.clock,
      local: this.local,
      maxPayloadBytes: this.maxPayloadBytes,
      ready: (tx) => this.#ready(tx),
    });
    this.#awaitObserver = options.awaitObserver;
    this.#results = {
      local: this.local,
      logger: options.logger ?? defaultLogger("client"),
      getRun: (namespace, workflow, runId) => this.getRun(namespace, workflow, runId),
      explainWait: (key) => this.#management.explainWait(key),
    };
    this.#starts = new RunStarts({
      store: this.store,
      local: this.local,
      clock: this.clock,
      tracing: this.#tracing,
      metrics: this.#metrics,
      maxPayloadBytes: this.maxPayloadBytes,
      defaultVersion: this.#defaultVersion,
      ready: (tx) => this.#ready(tx),
    });
    this.#schedules = new ScheduleCalls({
      store: this.store,
      clock: this.clock,
      local: this.local,
      maxPayloadBytes: this.maxPayloadBytes,
      starts: this.#starts,
      ready: () => this.#ready(),
    });
    this.#eventLog = new EventLogReads({ store: this.store, clock: this.clock, local: this.local });
    this.#requests = new RequestCalls({
      store: this.store,
      local: this.local,
      maxPayloadBytes: this.maxPayloadBytes,
      now: () => this.clock.now(),
      ready: () => this.#ready(),
      waiting: (work) => this.#waiting(work),
    });
  }

  async ready(): Promise<void> {
    return this.#ready();
  }

  async migrate(): Promise<void> {
    return this.store.migrate();
  }

  async runWorkflow(
    namespace: string,
    workflow: string,
    runId: string,
    input: unknown,
    opts: RunOptions = {},
  ): Promise<boolean> {
    const key = runKey(namespace, workflow, runId);
    return this.#starts.start(key, opts.tx, this.#starts.newRun(key, input, opts));
  }

  async signalWithStart(
    namespace: string,
    workflow: string,
    runId: string,
    input: unknown,
    signal: string,
    message: unknown,
    externalId: string,
    opts: RunOptions = {},
  ): Promise<boolean> {
    const key = runKey(namespace, workflow, runId);
    return this.#starts.withSignal(key, input, signalRow(signal, message, externalId, this.maxPayloadBytes), opts);
  }

  async executeUpdate(
    namespace: string,
    workflow: string,
    runId: string,
    update: string,
    input: unknown,
    opts: UpdateOptions = {},
  ): Promise<unknown> {
    const outgoing = this.#requests.update(runKey(namespace, workflow, runId), update, input, opts);
    const state = await this.#requests.sendUpdate(outgoing, "settled", opts.updateId !== undefined);
    return this.#requests.outcome(outgoing, state);
  }

  async startUpdate(
    namespace: string,
    workflow: string,
    runId: string,
    update: string,
    input: unknown,
    opts: UpdateOptions = {},
  ): Promise<UpdateHandle> {
    const outgoing = this.#requests.update(runKey(namespace, workflow, runId), update, input, opts);
    const state = await this.#requests.sendUpdate(outgoing, "accepted", opts.updateId !== undefined);
    return startedUpdate(this.#requests, outgoing, state);
  }

  async updateWithStart(
    namespace: string,
    workflow: string,
    runId: string,
    input: unknown,
    update: string,
    updateInput: unknown,
    opts: UpdateWithStartOptions = {},
  ): Promise<unknown> {
    const key = runKey(namespace, workflow, runId);
    refuseUpdateTx(opts);
    const outgoing = this.#requests.update(key, update, updateInput, opts);
    const arrival = await this.#starts.withRequest(key, input, outgoing.request, opts);
    return this.#requests.outcome(outgoing, await this.#requests.awaitStored(outgoing, arrival, "settled"));
  }

  async queryRun(
    namespace: string,
    workflow: string,
    runId: string,
    query: string,
    input?: unknown,
    opts: QueryOptions = {},
  ): Promise<unknown> {
    return this.#requests.query(runKey(namespace, workflow, runId), query, input, opts.timeout);
  }

  async signalRun(
    namespace: string,
    workflow: string,
    runId: string,
    signal: string,
    message: unknown,
    externalId: string,
    opts: WriteOptions = {},
  ): Promise<boolean> {
    const row = signalRow(signal, message, externalId, this.maxPayloadBytes);
    return this.#starts.signal(runKey(namespace, workflow, runId), row, opts);
  }

  async completeToken(tokenId: string, value: unknown, opts?: WriteOptions): Promise<boolean> {
    return this.#waits.completeToken(tokenId, value, opts);
  }

  async failToken(tokenId: string, error: unknown, opts?: WriteOptions): Promise<boolean> {
    return this.#waits.failToken(tokenId, error, opts);
  }

  async publishEvent(namespace: string, name: string, data: unknown, opts?: PublishOptions): Promise<boolean> {
    return this.#waits.publishEvent(namespace, name, data, opts);
  }

  async purgeEvents(namespace: string, opts: PurgeEventsOptions): Promise<number> {
    return this.#waits.purgeEvents(namespace, opts);
  }

  async cancelRun(namespace: string, workflow: string, runId: string): Promise<boolean> {
    return this.#controls.cancel(runKey(namespace, workflow, runId));
  }

  async getRun(namespace: string, workflow: string, runId: string): Promise<RunInfo | undefined> {
    return this.store.getRun(runKey(namespace, workflow, runId));
  }

  async resumeRun(namespace: string, workflow: string, runId: string, opts: ResumeOptions = {}): Promise<void> {
    return this.#controls.resume(runKey(namespace, workflow, runId), opts);
  }

  async forkRun(namespace: string, workflow: string, runId: string, opts: ForkOptions): Promise<boolean> {
    return this.#starts.fork(runKey(namespace, workflow, runId), opts);
  }

  async pauseRun(namespace: string, workflow: string, runId: string): Promise<boolean> {
    return this.#controls.setPaused(runKey(namespace, workflow, runId), true);
  }

  async unpauseRun(namespace: string, workflow: string, runId: string): Promise<boolean> {
    return this.#controls.setPaused(runKey(namespace, workflow, runId), false);
  }

  async terminateRun(namespace: string, workflow: string, runId: string, reason: string): Promise<boolean> {
    return this.#controls.terminate(runKey(namespace, workflow, runId), reason);
  }

  async resetRun(namespace: string, workflow: string, runId: string, opts: ResetOptions): Promise<number> {
    return this.#controls.reset(runKey(namespace, workflow, runId), opts);
  }

  async bulk(namespace: string, options: BulkOptions): Promise<BulkResult> {
    return runBulk(this.#bulkHost(), namespace, options);
  }

  async describeBulk(namespace: string, batchId: string): Promise<BulkDescription | undefined> {
    return describeBulk(this.#bulkHost(), namespace, batchId);
  }

  #bulkHost() {
    const { store, clock, local, maxPayloadBytes } = this;
    return { store, clock, local, maxPayloadBytes, ready: () => this.#ready() };
  }

  async listRuns(filter: ListRunsFilter): Promise<RunPage> {
    return this.#management.listRuns(filter);
  }

  async countRuns(filter: CountFilter): Promise<RunCounts> {
    return this.#management.countRuns(filter);
  }

  async listNamespaces(): Promise<string[]> {
    return this.#management.listNamespaces();
  }

  async listQueues(namespace: string): Promise<QueueInfo[]> {
    const ns = validateName("namespace", namespace);
    await this.#ready();
    const now = this.clock.now();
    return queueInfos(await this.store.queueState(ns, now), now);
  }

  async describeRun(namespace: string, workflow: string, runId: string): Promise<RunDescription | undefined> {
    return this.#management.describeRun(runKey(namespace, workflow, runId));
  }

  async purgeRuns(namespace: string, options: PurgeOptions): Promise<number> {
    return this.#management.purgeRuns(namespace, options);
  }

  async createSchedule(namespace: string, schedule: ScheduleOptions): Promise<void> {
    return this.#schedules.create(namespace, schedule);
  }

  async listSchedules(namespace: string): Promise<ScheduleInfo[]> {
    return this.#schedules.list(namespace);
  }

  async pauseSchedule(namespace: string, id: string): Promise<void> {
    return this.#schedules.pause(namespace, id);
  }

  async resumeSchedule(namespace: string, id: string): Promise<void> {
    return this.#schedules.resume(namespace, id);
  }

  async deleteSchedule(namespace: string, id: string): Promise<boolean> {
    return this.#schedules.delete(namespace, id);
  }

  async triggerSchedule(namespace: string, id: string): Promise<string> {
    return this.#schedules.trigger(namespace, id);
  }

  async listOrphanedSignals(namespace: string, opts: { readonly limit?: number } = {}): Promise<OrphanedSignal[]> {
    return this.#management.listOrphanedSignals(namespace, opts);
  }

  async purgeOrphanedSignals(namespace: string, opts: { readonly olderThan: Date }): Promise<number> {
    return this.#management.purgeOrphanedSignals(namespace, opts);
  }

  async getHistory(
    namespace: string,
    workflow: string,
    runId: string,
    opts: HistoryOptions = {},
  ): Promise<HistoryEvent[]> {
    return this.#management.getHistory(runKey(namespace, workflow, runId), opts);
  }

  async awaitResult(
    namespace: string,
    workflow: string,
    runId: string,
    opts: AwaitResultOptions = {},
  ): Promise<unknown> {
    const key = runKey(namespace, workflow, runId);
    const timeoutMs = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
    return this.#waiting(() => awaitRunResult(this.#results, key, timeoutMs));
  }

  /** Runs a wait of a caller, telling the observer (the test environment skips time only then). */
  async #waiting<T>(work: () => Promise<T>): Promise<T> {
    this.#awaitObserver?.awaitBegan();
    try {
      return await work();
    } finally {
      this.#awaitObserver?.awaitEnded();
    }
  }

  async lastEventId(): Promise<number> {
    return this.store.lastEventId();
  }

  stream(opts: StreamOptions): AsyncIterable<StreamEvent> {
    return this.#eventLog.stream(opts);
  }

  async consume(consumer: string, opts: StreamOptions, handler: (event: StreamEvent) => Promise<void>): Promise<void> {
    return this.#eventLog.consume(consumer, opts, handler);
  }

  readStream(
    namespace: string,
    workflow: string,
    runId: string,
    key: string,
    opts: ReadStreamOptions = {},
  ): AsyncIterable<StreamChunk> {
    return this.#eventLog.readStream(namespace, workflow, runId, key, opts);
  }

  async listStreams(namespace: string, workflow: string, runId: string): Promise<StreamInfo[]> {
    return this.#eventLog.listStreams(namespace, workflow, runId);
  }

  async close(): Promise<void> {
    return this.store.close();
  }

  /** Resolves once the store answered; `via` = the caller's tx, if any. */
  #ready(via?: unknown): Promise<void> {
    this.#readiness ??= this.#check(via).catch((error: unknown) => {
      this.#readiness = undefined; // let the next call try again
      throw error;
    });
    return this.#readiness;
  }
}

/**
 * The store behind the client's payload options (a CodecStore given is unwrapped first: payloads
 * are encoded once). A view of a client's boundary (see payloadView) is used as it is.
 */
function payloadBoundary(given: Store, options: PayloadOptions): CodecStore {
  if (given instanceof CodecStore && given.payloads.sealer !== undefined) return given;
  const store = given instanceof CodecStore ? given.inner : given;
  const resolved = resolvePayloadOptions(options, store.payloadTable);
  return new CodecStore(store, new PayloadPipeline(resolved), resolved.payloadStore);
}
