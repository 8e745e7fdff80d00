import type {
  AwaitResultOptions,
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
import { ReplayError, RunNotFoundError, ScheduleNotFoundError } from "../errors.js";
import type { HistoryEvent } from "../history/index.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, encodePayload, validateName } from "../json.js";
import type { RunDescription } from "../ops/description.js";
import { CodecStore } from "../payload/codec-store.js";
import { type PayloadOptions, resolvePayloadOptions } from "../payload/options.js";
import { PayloadPipeline } from "../payload/pipeline.js";
import { CronSchedule } from "../schedule/cron.js";
import { tickRunId } from "../schedule/plan.js";
import { pageLimit } from "../store/paging.js";
import { type QueueInfo, queueInfos } from "../store/queue-records.js";
import type { CountFilter, HistoryOptions, OrphanedSignal, RunCounts, ScheduleInfo, Store } from "../store/types.js";
import { defaultLogger } from "../telemetry/logging.js";
import { ClientMetrics, replaykitMeter } from "../telemetry/metrics.js";
import { SpanAttr, SpanName } from "../telemetry/names.js";
import { runSpanAttributes, Tracing } from "../telemetry/tracing.js";
import {
  forkOverridesOf,
  refuseUpdateTx,
  runKey,
  scheduleIdOf,
  scheduleSpecOf,
  validateStreamOptions,
} from "./arguments.js";
import { awaitRunResult, type ResultSource } from "./await-result.js";
import { runBulk } from "./bulk.js";
import { createLocalBus } from "./local-bus.js";
import { RunManagement } from "./management.js";
import type { ClientOptions } from "./options.js";
import { readStreamChunks, validateReadOptions } from "./read-stream.js";
import { RequestCalls } from "./requests.js";
import { RunControls } from "./run-controls.js";
import { RunStarts, signalRow } from "./starts.js";
import { streamEvents } from "./stream.js";
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
/** How many run ids (one a millisecond from now) triggerSchedule tries before it gives up. */
const MAX_TRIGGER_TRIES = 1000;

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
    this.#requests = new RequestCalls({
      store: this.store,
      local: this.local,
      maxPayloadBytes: this.maxPayloadBytes,
      now: () => this.clock.now(),
      ready: () => this.#ready(),
      waiting: (work) => this.#waiting(work),
    });
  }

  ready(): Promise<void> {
    return this.#ready();
  }

  migrate(): Promise<void> {
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
    const key = runKey(namespace, workflow, runId);
    const row = signalRow(signal, message, externalId, this.maxPayloadBytes);
    const attributes = () => ({ ...runSpanAttributes(key), [SpanAttr.Signal]: row.signal });
    return this.#tracing.producer(SpanName.Signal, attributes, async () => {
      await this.#ready(opts.tx);
      const sent = await this.store.addSignal(key, row, this.clock.now(), opts.tx);
      if (sent) this.local.wake(key.namespace, opts.tx ? undefined : key);
      return sent;
    });
  }

  completeToken(tokenId: string, value: unknown, opts?: WriteOptions): Promise<boolean> {
    return this.#waits.completeToken(tokenId, value, opts);
  }

  failToken(tokenId: string, error: unknown, opts?: WriteOptions): Promise<boolean> {
    return this.#waits.failToken(tokenId, error, opts);
  }

  publishEvent(namespace: string, name: string, data: unknown, opts?: PublishOptions): Promise<boolean> {
    return this.#waits.publishEvent(namespace, name, data, opts);
  }

  purgeEvents(namespace: string, opts: PurgeEventsOptions): Promise<number> {
    return this.#waits.purgeEvents(namespace, opts);
  }

  async cancelRun(namespace: string, workflow: string, runId: string): Promise<boolean> {
    const key = runKey(namespace, workflow, runId);
    await this.#ready();
    const requested = await this.store.requestCancel(key, this.clock.now());
    if (requested) this.local.wake(key.namespace, key);
    return requested;
  }

  async getRun(namespace: string, workflow: string, runId: string): Promise<RunInfo | undefined> {
    return this.store.getRun(runKey(namespace, workflow, runId));
  }

  async resumeRun(namespace: string, workflow: string, runId: string, opts: ResumeOptions = {}): Promise<void> {
    const key = runKey(namespace, workflow, runId);
    const codeVersion = opts.version === undefined ? undefined : validateName("version", opts.version);
    await this.#ready();
    await this.store.resumeRun(key, codeVersion, this.clock.now());
    this.local.wake(key.namespace, key);
  }

  async forkRun(namespace: string, workflow: string, runId: string, opts: ForkOptions): Promise<boolean> {
    const source = runKey(namespace, workflow, runId);
    const target = runKey(namespace, workflow, opts?.newRunId);
    const fromStep = opts.fromStep ?? 0;
    if (!Number.isInteger(fromStep) || fromStep < 0) {
      throw new ReplayError("INVALID_STEP", `invalid fromStep ${String(fromStep)}: use a whole number from 0`);
    }
    const version = opts.version ?? this.#defaultVersion;
    const codeVersion = version === undefined ? undefined : validateName("version", version);
    const overrides = forkOverridesOf(opts);
    await this.#ready();
    const forked = await this.store.forkRun({
      source,
      target,
      fromStep,
      codeVersion,
      overrides,
      now: this.clock.now(),
    });
    if (forked) {
      this.#metrics.runStarted(target.namespace, target.workflow);
      this.local.wake(target.namespace, target);
    }
    return forked;
  }

  pauseRun(namespace: string, workflow: string, runId: string): Promise<boolean> {
    return this.#controls.setPaused(runKey(namespace, workflow, runId), true);
  }

  unpauseRun(namespace: string, workflow: string, runId: string): Promise<boolean> {
    return this.#controls.setPaused(runKey(namespace, workflow, runId), false);
  }

  terminateRun(namespace: string, workflow: string, runId: string, reason: string): Promise<boolean> {
    return this.#controls.terminate(runKey(namespace, workflow, runId), reason);
  }

  resetRun(namespace: string, workflow: string, runId: string, opts: ResetOptions): Promise<number> {
    return this.#controls.reset(runKey(namespace, workflow, runId), opts);
  }

  bulk(namespace: string, options: BulkOptions): Promise<BulkResult> {
    return runBulk(this.#bulkHost(), namespace, options);
  }

  #bulkHost() {
    const { store, clock, local, maxPayloadBytes } = this;
    return { store, clock, local, maxPayloadBytes, ready: () => this.#ready() };
  }

  listRuns(filter: ListRunsFilter): Promise<RunPage> {
    return this.#management.listRuns(filter);
  }

  countRuns(filter: CountFilter): Promise<RunCounts> {
    return this.#management.countRuns(filter);
  }

  listNamespaces(): Promise<string[]> {
    return this.#management.listNamespaces();
  }

  async listQueues(namespace: string): Promise<QueueInfo[]> {
    const ns = validateName("namespace", namespace);
    await this.#ready();
    const now = this.clock.now();
    return queueInfos(await this.store.queueState(ns, now), now);
  }

  describeRun(namespace: string, workflow: string, runId: string): Promise<RunDescription | undefined> {
    return this.#management.describeRun(runKey(namespace, workflow, runId));
  }

  purgeRuns(namespace: string, options: PurgeOptions): Promise<number> {
    return this.#management.purgeRuns(namespace, options);
  }

  async createSchedule(namespace: string, schedule: ScheduleOptions): Promise<void> {
    const spec = scheduleSpecOf(validateName("namespace", namespace), schedule, this.maxPayloadBytes);
    const cron = new CronSchedule(spec.cron, spec.timezone);
    await this.#ready();
    const now = this.clock.now();
    await this.store.saveSchedule(spec, cron.next(now), now);
    // Workers that idle until a later wake-up look again, so the first tick is on time.
    this.local.wake(spec.namespace);
  }

  async listSchedules(namespace: string): Promise<ScheduleInfo[]> {
    return this.store.listSchedules(validateName("namespace", namespace));
  }

  async pauseSchedule(namespace: string, id: string): Promise<void> {
    const known = await this.#existingSchedule(namespace, id);
    if (!(await this.store.setSchedulePaused(known.namespace, known.id, true, undefined, this.clock.now()))) {
      throw new ScheduleNotFoundError(known.namespace, known.id);
    }
  }

  async resumeSchedule(namespace: string, id: string): Promise<void> {
    const known = await this.#existingSchedule(namespace, id);
    const now = this.clock.now();
    const next = new CronSchedule(known.cron, known.timezone).next(now);
    if (!(await this.store.setSchedulePaused(known.namespace, known.id, false, next, now))) {
      throw new ScheduleNotFoundError(known.namespace, known.id);
    }
    this.local.wake(known.namespace);
  }

  async deleteSchedule(namespace: string, id: string): Promise<boolean> {
    return this.store.deleteSchedule(validateName("namespace", namespace), validateName("schedule id", id));
  }

  /**
   * Starts a run of the schedule now, with run id `<id>@<now>`; when a run has that id already
   * (a tick, or another trigger in the same millisecond), the next millisecond's, so each call
   * starts a run of its own. The run is recorded as the schedule's last, so overlap "skip" counts it.
   */
  async triggerSchedule(namespace: string, id: string): Promise<string> {
    const known = await this.#existingSchedule(namespace, id);
    scheduleIdOf(known.id);
    // Ready before the clock is read: the run id is the time, and on MySQL ready() syncs the clock.
    await this.#ready();
    const now = this.clock.now();
    const inputText = encodePayload("input", known.input, this.maxPayloadBytes);
    for (let at = now; at < now + MAX_TRIGGER_TRIES; at++) {
      const key = { namespace: known.namespace, workflow: known.workflow, runId: tickRunId(known.id, at) };
      if (!(await this.#starts.start(key, undefined, () => ({ key, inputText, now, scheduledAt: now })))) continue;
      await this.store.recordScheduleRun(known.namespace, known.id, key.runId, now);
      return key.runId;
    }
    throw new ReplayError(
      "INVALID_SCHEDULE",
      `schedule ${known.id} was not triggered: runs exist for each of its run ids from ${tickRunId(known.id, now)} on; trigger it again`,
    );
  }

  async listOrphanedSignals(namespace: string, opts: { readonly limit?: number } = {}): Promise<OrphanedSignal[]> {
    return this.store.listOrphanedSignals(validateName("namespace", namespace), pageLimit(opts.limit));
  }

  async purgeOrphanedSignals(namespace: string, opts: { readonly olderThan: Date }): Promise<number> {
    const before = opts?.olderThan;
    if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
      throw new ReplayError(
        "INVALID_ARGUMENT",
        "purgeOrphanedSignals needs { olderThan: Date }, e.g. new Date(Date.now() - 86_400_000)",
      );
    }
    return this.store.purgeOrphanedSignals(validateName("namespace", namespace), before.getTime());
  }

  async getHistory(
    namespace: string,
    workflow: string,
    runId: string,
    opts: HistoryOptions = {},
  ): Promise<HistoryEvent[]> {
    const key = runKey(namespace, workflow, runId);
    const history = await this.store.getHistory(key, opts);
    if (history === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
    return history;
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

  lastEventId(): Promise<number> {
    return this.store.lastEventId();
  }

  stream(opts: StreamOptions): AsyncIterable<StreamEvent> {
    validateStreamOptions(opts);
    return streamEvents({ store: this.store, local: this.local }, opts);
  }

  async consume(consumer: string, opts: StreamOptions, handler: (event: StreamEvent) => Promise<void>): Promise<void> {
    const name = validateName("consumer", consumer);
    validateStreamOptions(opts);
    const stored = await this.store.loadCursor(opts.namespace, name);
    // A stored cursor wins over opts.after: `after` only places a new consumer.
    const after = stored ?? opts.after ?? 0;
    for await (const event of this.stream({ ...opts, after })) {
      await handler(event);
      await this.store.saveCursor(opts.namespace, name, event.id, this.clock.now());
    }
  }

  readStream(
    namespace: string,
    workflow: string,
    runId: string,
    key: string,
    opts: ReadStreamOptions = {},
  ): AsyncIterable<StreamChunk> {
    const ref = { ...runKey(namespace, workflow, runId), key: validateName("stream key", key) };
    validateReadOptions(opts);
    return readStreamChunks({ store: this.store, local: this.local }, ref, opts);
  }

  async listStreams(namespace: string, workflow: string, runId: string): Promise<StreamInfo[]> {
    const streams = await this.store.listStreams(runKey(namespace, workflow, runId));
    if (streams === undefined) throw new RunNotFoundError(namespace, workflow, runId);
    return streams.map((stream) => ({ key: stream.key, chunks: stream.nextOffset, closed: stream.closed }));
  }

  close(): Promise<void> {
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

  async #existingSchedule(namespace: string, id: string): Promise<ScheduleInfo> {
    const found = await this.store.getSchedule(validateName("namespace", namespace), validateName("schedule id", id));
    if (found === undefined) throw new ScheduleNotFoundError(namespace, id);
    return found;
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
