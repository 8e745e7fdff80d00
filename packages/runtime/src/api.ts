import type { Connection, PoolConnection } from "mysql2/promise";
import type { BulkOptions, BulkResult, ResetOptions, RunOperations } from "./api-operations.js";
import type { EventTrigger, PurgeEventsOptions, TokenOptions, WaitForEventOptions } from "./api-waits.js";
import type { Duration } from "./duration.js";
import type { SerializedError } from "./errors.js";
import type { EndStatus, HistoryEvent, RunStatus, Tags, TagValue } from "./history/index.js";
import type { RunDescription } from "./ops/description.js";
import type {
  LocalRequest,
  LocalRequestRef,
  LocalRequestState,
  LocalTicket,
  RequestsClient,
  RequestsContext,
  UpdateOptions,
} from "./request-api.js";
import type { CatchupPolicy, OverlapPolicy } from "./schedule/plan.js";
import type { BulkAction, BulkFailure, BulkProgress } from "./store/bulk-records.js";
import type { QueueInfo } from "./store/queue-records.js";
import type { ListRunsFilter, RunInfo, RunOrder, RunPage, StreamEvent } from "./store/records.js";
import type {
  CountFilter,
  FreshRun,
  HistoryOptions,
  OrphanedSignal,
  RunCounts,
  ScheduleInfo,
  Store,
} from "./store/types.js";
import type { LocalStreamRef, ReadStreamOptions, StreamBatchOptions, StreamChunk, StreamInfo } from "./stream-api.js";
import type { MeterProvider, TracerProvider } from "./telemetry/providers.js";

export type * from "./api-waits.js";
export type * from "./request-api.js";
export type { QueueInfo, QueueKeyLoad, QueueRunCounts, QueueSlotCounts } from "./store/queue-records.js";
export type { LocalStreamRef, ReadStreamOptions, StreamBatchOptions, StreamChunk, StreamInfo } from "./stream-api.js";
export type {
  BulkAction,
  BulkFailure,
  BulkOptions,
  BulkProgress,
  BulkResult,
  ListRunsFilter,
  ResetOptions,
  RunInfo,
  RunOrder,
  RunPage,
  StreamEvent,
  Tags,
  TagValue,
};

/** The caller's open transaction, for the MySQL store: a mysql2 connection on which BEGIN was issued. */
export type Transaction = Connection | PoolConnection;

/** Options of a write that may join the caller's transaction. */
export interface WriteOptions {
  /** Write on this connection inside the caller's open transaction; commit/rollback is the caller's. */
  readonly tx?: Transaction;
}

/** Options of publishEvent. */
export interface PublishOptions extends WriteOptions {
  /** Waits with this key receive it (a user id, an order id), and triggers group by it. */
  readonly key?: string;
  /** Its id, unique in the namespace: a second publish with one id is dropped (answered false). Default: a random UUID. */
  readonly eventId?: string;
}

/** Options of runWorkflow. */
export interface RunOptions extends WriteOptions {
  /** Pin the run to workers of this code version; default: the client's `version` option. */
  readonly version?: string;
  /** The run ends as failed with RunTimeoutError when it runs longer (its activities are aborted). */
  readonly timeout?: Duration;
  /** Run it through this queue and its limits (the workers that serve it declare them); default: none. */
  readonly queue?: string;
  /** Within its queue, lower runs first; ties in the order runs became due. An integer; default 0. */
  readonly priority?: number;
  /** Within its queue, `keyConcurrency` limits runs per key (e.g. a tenant or customer id). */
  readonly concurrencyKey?: string;
  /** Not started before this time (the database clock). */
  readonly startAt?: Date;
  /** Not started before this long from now (the database clock). */
  readonly delay?: Duration;
  /** Labels to find the run by (listRuns, countRuns, bulk; indexed): at most 32; its children inherit them. */
  readonly tags?: Tags;
}

/** A schedule: `cron` ticks start runs of `workflow` with `input` (see createSchedule). */
export interface ScheduleOptions {
  /** Unique in the namespace; each tick's run id is `<id>@<tick time, ISO 8601 UTC>`. */
  readonly id: string;
  readonly workflow: string;
  /** 5 fields ("min hour day month weekday"), or 6 with seconds first. */
  readonly cron: string;
  /** An IANA time zone for the cron fields, e.g. "Europe/Berlin"; default UTC. */
  readonly timezone?: string;
  readonly input: unknown;
  /** While the previous run is in progress, "skip" (default) starts no run; "allow" starts it anyway. */
  readonly overlap?: OverlapPolicy;
  /** Ticks missed while no worker ran: "none", "latest" (default) or "all"; see schedule/plan.ts. */
  readonly catchup?: CatchupPolicy;
}

/** The limits of a queue, held across every worker on the database. */
export interface QueueOptions {
  /** Runs of the queue in progress at once (a worker holds them: a step or activities run). */
  readonly concurrency?: number;
  /** Runs in progress at once per concurrency key. */
  readonly keyConcurrency?: number;
  /** At most `limit` starts per sliding `period`. */
  readonly rateLimit?: { readonly limit: number; readonly period: Duration };
}

/** Which ended runs purgeRuns deletes. */
export interface PurgeOptions {
  /** Runs that ended before this time. */
  readonly endedBefore: Date;
  /** Only runs that ended so; default completed, failed and cancelled (stuck runs are kept unless named). */
  readonly status?: EndStatus | readonly EndStatus[];
  /** Runs looked at per round, 1..10000 (default 500); each round deletes them in a few short transactions. */
  readonly batchSize?: number;
  /** Called after each round with the number of runs deleted so far. */
  readonly onProgress?: (purged: number) => void;
}

export interface ResumeOptions {
  /** Pin the run to workers of this code version from now on (e.g. the one with the fix). */
  readonly version?: string;
}

export interface ForkOptions {
  /** Run id of the new run; false is returned when it exists. */
  readonly newRunId: string;
  /**
   * The first step to execute again: steps (the commands the source recorded in its current
   * iteration: activities, sleeps, signal awaits, outputs, patch markers) are numbered from 0,
   * and those before `fromStep` are reused with their recorded results. Default 0: all again.
   */
  readonly fromStep?: number;
  /** Pin the fork to this code version; default: the client's `version`, else the source's. */
  readonly version?: string;
  /**
   * The fork keeps the source's start options (queue, priority, concurrency key, timeout), so
   * re-driving failed runs of a queue goes through that queue's limits; each of these replaces
   * one. `null` takes the fork out of a queue, drops its concurrency key, or its timeout.
   */
  readonly queue?: string | null;
  readonly priority?: number;
  readonly concurrencyKey?: string | null;
  /** The fork's run timeout, from its start; the source's timeout (its length) by default. */
  readonly timeout?: Duration | null;
}

/** A source of time in milliseconds since the epoch. The default follows the database clock. */
export interface Clock {
  now(): number;
}

/** Where the runtime's timers come from: real timers by default, virtual time in `createTestEnv`. */
export interface Timers {
  /** Calls `fn` once the client's clock reads `time` or later. Returns a function that cancels it. */
  at(time: number, fn: () => void): () => void;
  /**
   * Virtual time (`createTestEnv`): it moves only when told to, once every run has done what it
   * can, so a worker holds no run to wait for a timer here (see the worker's local wake-ups).
   */
  readonly virtual?: boolean;
}

export interface StreamOptions {
  readonly namespace: string;
  readonly workflow?: string;
  readonly runId?: string;
  /** Start after this event id (exclusive). Default 0: from the beginning. */
  readonly after?: number;
  /** Keep waiting for new events instead of ending at the current end of the log. */
  readonly follow?: boolean;
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Stop following when this signal aborts. */
  readonly signal?: AbortSignal;
}

/** Options of updateWithStart: those of the run it may start, and of the update. */
export interface UpdateWithStartOptions extends Omit<RunOptions, "tx">, UpdateOptions {}

export interface AwaitResultOptions {
  /** Give up after this long (ResultTimeoutError). Default: wait forever. */
  readonly timeout?: Duration;
}

/** The untyped client: what app code and the generated helpers call. */
export interface Client extends RunOperations, RequestsClient {
  /** Where runs live; workers built on this client use it too. */
  readonly store: Store;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly maxPayloadBytes: number;
  /** In-process notifications between this client and workers built on it. */
  readonly local: LocalBus;

  /** Creates or updates the tables. Idempotent; safe from several processes at once. */
  migrate(): Promise<void>;
  /** Starts a run. `true` when created, `false` when it already exists (also after it ended). */
  runWorkflow(namespace: string, workflow: string, runId: string, input: unknown, opts?: RunOptions): Promise<boolean>;
  /**
   * Sends a signal. `true` means it is stored: the run reads it when its code waits for that
   * signal, and a run that does not exist yet gets it when it starts (so a mistyped run id keeps
   * it too: see listOrphanedSignals). `false` when (run, signal, externalId) was sent before.
   * Throws RunEndedError, storing nothing, when the run has completed, failed or been cancelled.
   */
  signalRun(
    namespace: string,
    workflow: string,
    runId: string,
    signal: string,
    message: unknown,
    externalId: string,
    opts?: WriteOptions,
  ): Promise<boolean>;
  /**
   * Starts the run unless it exists, then sends the signal (as signalRun), in one transaction:
   * what signalRun answers (false: this externalId was sent before).
   */
  signalWithStart(
    namespace: string,
    workflow: string,
    runId: string,
    input: unknown,
    signal: string,
    message: unknown,
    externalId: string,
    opts?: RunOptions,
  ): Promise<boolean>;
  /** Starts the run unless it exists, and sends the update, in one transaction; then as executeUpdate. */
  updateWithStart(
    namespace: string,
    workflow: string,
    runId: string,
    input: unknown,
    update: string,
    updateInput: unknown,
    opts?: UpdateWithStartOptions,
  ): Promise<unknown>;
  getRun(namespace: string, workflow: string, runId: string): Promise<RunInfo | undefined>;
  /** A stuck run replays again, e.g. once a worker with fixed code runs. Throws RunNotResumableError when it is not stuck. */
  resumeRun(namespace: string, workflow: string, runId: string, opts?: ResumeOptions): Promise<void>;
  /** A new run with the same input that reuses the recorded steps before `fromStep`. False when `newRunId` exists. */
  forkRun(namespace: string, workflow: string, runId: string, opts: ForkOptions): Promise<boolean>;
  listRuns(filter: ListRunsFilter): Promise<RunPage>;
  /** Namespaces that have runs. */
  listNamespaces(): Promise<string[]>;
  /**
   * The namespace's queues (those a worker declared limits for, and those with running runs or
   * activity attempts), by name: their limits, rate window, and runs and activity attempts by
   * state, in all and per concurrency key. A read for operators (the inspector's queues page).
   */
  listQueues(namespace: string): Promise<QueueInfo[]>;
  /**
   * The run with what it waits for: pending activities (failed attempts, last error, next
   * attempt), signal awaits, timers and children, its lease holder and its unconsumed signals.
   * Undefined when the run does not exist.
   */
  describeRun(namespace: string, workflow: string, runId: string): Promise<RunDescription | undefined>;
  /**
   * Deletes runs that ended before `endedBefore` with their events, signals, retry rows, tokens
   * and event waits, in rounds of short transactions (it never holds locks for long), and returns
   * how many it deleted. The namespace's published events from before `endedBefore` go too.
   */
  purgeRuns(namespace: string, options: PurgeOptions): Promise<number>;
  /** How many runs there are by status (tags filter through the tag index), and of the running ones how many are queued (due, no worker yet), active, waiting or paused. */
  countRuns(filter: CountFilter): Promise<RunCounts>;
  /**
   * Creates a schedule, or updates the one with this id (cron, time zone, input, policies);
   * the next tick is counted from now. Any worker of the namespace fires its ticks.
   */
  createSchedule(namespace: string, schedule: ScheduleOptions): Promise<void>;
  listSchedules(namespace: string): Promise<ScheduleInfo[]>;
  /** Stops the schedule's ticks until resumeSchedule. Throws ScheduleNotFoundError. */
  pauseSchedule(namespace: string, id: string): Promise<void>;
  /** Ticks again from the next one after now (ticks while paused are not caught up). */
  resumeSchedule(namespace: string, id: string): Promise<void>;
  /** False when there was no such schedule. Runs it started are kept. */
  deleteSchedule(namespace: string, id: string): Promise<boolean>;
  /** Starts one run of the schedule now (run id `<id>@<now>`); returns the run id. */
  triggerSchedule(namespace: string, id: string): Promise<string>;
  /**
   * Signals stored for runs that do not exist, oldest first (default at most 100): sent before
   * their run was started, or to a run id that is wrong.
   */
  listOrphanedSignals(namespace: string, opts?: { readonly limit?: number }): Promise<OrphanedSignal[]>;
  /** Deletes the signals of runs that do not exist, stored before `olderThan`; returns how many. */
  purgeOrphanedSignals(namespace: string, opts: { readonly olderThan: Date }): Promise<number>;
  /**
   * Completes a token (ctx.createToken): the run's awaitToken resolves with `value`. `true` when
   * stored (also before the run awaits it), `false` when completed or failed before. Throws
   * UnknownTokenError, or TokenExpiredError (past its timeout, its run ended), storing nothing.
   */
  completeToken(tokenId: string, value: unknown, opts?: WriteOptions): Promise<boolean>;
  /** Like completeToken, but the run's awaitToken rejects with `error` (its name, message and code). */
  failToken(tokenId: string, error: unknown, opts?: WriteOptions): Promise<boolean>;
  /** Publishes an event: every run waiting for (name, key) receives it once; triggers start runs. `false`: `eventId` seen before. */
  publishEvent(namespace: string, name: string, data: unknown, opts?: PublishOptions): Promise<boolean>;
  /** Deletes the namespace's published events from before `publishedBefore`; returns how many. */
  purgeEvents(namespace: string, opts: PurgeEventsOptions): Promise<number>;
  /** Asks a run to stop; recorded as an event; the engine acts on it. `false` when the run already ended or was asked before. */
  cancelRun(namespace: string, workflow: string, runId: string): Promise<boolean>;
  /** The workflow's return value once the run completed; throws RunFailedError when it failed, got stuck or was cancelled. */
  awaitResult(namespace: string, workflow: string, runId: string, opts?: AwaitResultOptions): Promise<unknown>;
  /** The run's events in log order (the current iteration unless `iteration` says otherwise). Throws RunNotFoundError. */
  getHistory(namespace: string, workflow: string, runId: string, opts?: HistoryOptions): Promise<HistoryEvent[]>;
  /** The id of the newest event: pass it as `after` to stream only what happens from now on. */
  lastEventId(): Promise<number>;
  /** Events in commit order. A gap left by a transaction still open is waited for, never skipped. */
  stream(opts: StreamOptions): AsyncIterable<StreamEvent>;
  /**
   * A named consumer: yields events after the cursor stored for `consumer`, and stores the
   * cursor after `handler` returns for each event (at least once across crashes).
   */
  consume(consumer: string, opts: StreamOptions, handler: (event: StreamEvent) => Promise<void>): Promise<void>;
  /**
   * The chunks of the run's stream `key` after `opts.after`, in offset order; with `follow`, until
   * the stream closes or the run ends. Throws RunNotFoundError when the run does not exist.
   */
  readStream(
    namespace: string,
    workflow: string,
    runId: string,
    key: string,
    opts?: ReadStreamOptions,
  ): AsyncIterable<StreamChunk>;
  /**
   * The streams of a run that were written to (or closed), by key, with their length and whether
   * they are closed; empty for a run without streams. Throws RunNotFoundError when the run does not exist.
   */
  listStreams(namespace: string, workflow: string, runId: string): Promise<StreamInfo[]>;
  /** Releases what the client owns (e.g. a pool it created). */
  close(): Promise<void>;
}

/** A run named in an in-process wake-up. */
export interface LocalRunRef {
  readonly workflow: string;
  readonly runId: string;
  /** Set when the run was just created: its input and creation time, so no read is needed. */
  readonly fresh?: FreshRun;
}

/** How a run ended, as a worker in this process reports it. */
export interface LocalRunEnding {
  readonly status: RunStatus;
  readonly result?: unknown;
  readonly error?: SerializedError;
}

/** In-process wake-ups, so a local producer does not wait for a poll. */
export interface LocalBus {
  /**
   * Something in `namespace` may have work now (a run started, signalled, cancelled). `run`
   * names the run when the write has committed, so a worker may take it up at once.
   */
  wake(namespace: string, run?: LocalRunRef): void;
  onWake(namespace: string, listener: (run?: LocalRunRef) => void): () => void;
  /** A run ended (completed, failed, cancelled, stuck); `ending` saves a read when given. */
  runEnded(namespace: string, workflow: string, runId: string, ending?: LocalRunEnding): void;
  onRunEnded(
    listener: (namespace: string, workflow: string, runId: string, ending?: LocalRunEnding) => void,
  ): () => void;
  /** Chunks of a run's stream `key` were committed (or it was closed): readers in this process read at once. */
  streamWritten(run: LocalStreamRef): void;
  onStreamWritten(run: LocalStreamRef, listener: () => void): () => void;
  /**
   * Offers an update or query to the workers of `namespace` in this process: one that holds or
   * caches the run takes it (returning its ticket) and reports on it with requestSettled; none
   * does: undefined, and the caller stores the request instead.
   */
  offerRequest(namespace: string, request: LocalRequest): LocalTicket | undefined;
  onRequest(namespace: string, listener: (request: LocalRequest) => LocalTicket | undefined): () => void;
  /** A worker in this process wrote (or dropped) what became of a request. */
  requestSettled(namespace: string, request: LocalRequestRef, state: LocalRequestState): void;
  onRequestSettled(
    namespace: string,
    request: LocalRequestRef,
    listener: (state: LocalRequestState) => void,
  ): () => void;
}

/** Retry policy of an activity. Default: retry forever, 1 s doubling to at most 100 s. */
export interface RetryPolicy {
  readonly initialInterval?: Duration;
  readonly backoffCoefficient?: number;
  readonly maxInterval?: Duration;
  /** Attempts in all, including the first. Default: unlimited. */
  readonly maxAttempts?: number;
}

/** Options of a child run. */
export interface ChildOptions {
  /** The child ends as failed with RunTimeoutError when it runs longer. */
  readonly timeout?: Duration;
  /** Run the child through this queue and its limits; default: none. */
  readonly queue?: string;
  /** Tags of the child over those it inherits from this run. */
  readonly tags?: Tags;
}

export interface ActivityOptions {
  readonly retry?: RetryPolicy;
  /** Each attempt is aborted (ctx.signal) and counted as failed after this long. */
  readonly timeout?: Duration;
  /** An attempt that calls no ctx.heartbeat() for this long is aborted and counts as failed (it is retried). */
  readonly heartbeatTimeout?: Duration;
  /** All attempts together, from the request: past it, the activity fails for good with ActivityTimeoutError. */
  readonly scheduleToCloseTimeout?: Duration;
  /** Attempts go through this queue's limits (createWorker's `queues`); a run waiting for a slot holds no worker. */
  readonly queue?: string;
  /** With `queue`: `keyConcurrency` limits attempts per key (e.g. a tenant id). A per-call option. */
  readonly concurrencyKey?: string;
  /** How the activity's stream writes are batched; default: the worker's `streamBatch`. */
  readonly streamBatch?: StreamBatchOptions;
}

/** What an activity receives besides backends and input. */
export interface ActivityContext {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly activity: string;
  readonly seq: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Stable across retries of one request: namespace/workflow/runId/iteration/activity/seq. */
  readonly idempotencyKey: string;
  /** Fires on timeout and on worker shutdown. */
  readonly signal: AbortSignal;
  /**
   * Says the attempt is alive, with optional progress `details` (JSON) that the next attempt
   * of this request sees as `lastHeartbeat`. Throttled: calling it in a hot loop is fine.
   */
  heartbeat(details?: unknown): void;
  /** The details of the last heartbeat of an earlier attempt (e.g. the row an import reached); undefined when none. */
  readonly lastHeartbeat: unknown;
  /**
   * Appends `value` (JSON) to the run's stream `key`, tagged with this attempt; resolves once
   * queued for the next batch (StreamBatchOptions). A retry first resets this attempt's chunks.
   */
  writeStream(key: string, value: unknown): Promise<void>;
  /** Closes the run's stream `key` after the chunks written before; resolves once they are all written. */
  closeStream(key: string): Promise<void>;
}

export type ActivityFn = (ctx: ActivityContext, backends: never, input: never) => Promise<unknown>;
export type ActivityRegistration = ActivityFn | ({ readonly fn: ActivityFn } & ActivityOptions);

/** The run context: everything a workflow may use for time, randomness, waiting and side effects. */
export interface RunContext extends RequestsContext {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  execActivity(name: string, input: unknown, opts?: ActivityOptions): Promise<unknown>;
  /** The next message of `signal` in arrival order, or undefined after `timeout`. */
  awaitSignal(signal: string, timeout: Duration): Promise<unknown>;
  sleep(duration: Duration): Promise<void>;
  emitOutput(output: string, message: unknown): Promise<void>;
  /**
   * Ends this iteration and starts the next with `input` (continue-as-new). While update
   * handlers run, it waits for them to finish first; updates that arrive meanwhile are left for
   * the next iteration.
   */
  restart(input: unknown): Promise<never>;
  /**
   * Starts a run of `workflow` (same namespace) and resolves with its result; a child that
   * failed or was cancelled rejects with ChildWorkflowFailure. Recorded: on replay the child is
   * not started again. A run id that exists already is waited for, not an error.
   */
  runChild(workflow: string, runId: string, input: unknown, opts?: ChildOptions): Promise<unknown>;
  /** Starts a run of `workflow` and goes on without waiting for it. */
  startChild(workflow: string, runId: string, input: unknown, opts?: ChildOptions): Promise<void>;
  /** Sends a signal to another run, durably, with the next commit; sent once, also on replay. */
  signalRun(workflow: string, runId: string, signal: string, message: unknown, externalId: string): Promise<void>;
  /**
   * True on runs that reach this point with the new code (a marker is recorded); false when
   * replaying a run recorded before the patch existed. The same answer every time in a run.
   */
  patched(patchId: string): boolean;
  /** Step 2 of 3 of removing a patch: accepts histories with or without its marker, records nothing. */
  deprecatePatch(patchId: string): void;
  /** Sets tags of this run, over those it has; recorded (a replay sets the same); later children inherit them. */
  setTags(tags: Tags): Promise<void>;
  /**
   * Creates a completion token: an unguessable id (144 random bits) that whoever holds it
   * completes (completeToken, failToken, a tokenUrl). Recorded: replay gets the same id back.
   */
  createToken(opts?: TokenOptions): Promise<{ readonly id: string }>;
  /** completeToken's value for a token of this run; rejects with TokenTimeoutError, or failToken's error. */
  awaitToken(tokenId: string): Promise<unknown>;
  /**
   * The data of the next event `name` (with `key`, when given), or undefined after `timeout`; with
   * `lookback`, one published up to that long before the wait began counts too.
   */
  waitForEvent(name: string, opts: WaitForEventOptions): Promise<unknown>;
  /** Appends `value` (JSON) to the run's stream `key`, with the step; replay does not write it again. */
  writeStream(key: string, value: unknown): Promise<void>;
  /** Closes the run's stream `key` (the run's end closes every stream of the run anyway). */
  closeStream(key: string): Promise<void>;
  /** Deterministic: the same on replay. */
  now(): Date;
  random(): number;
  uuid(): string;
  /** The tick of the schedule that started this run; undefined for runs not started by a schedule. */
  readonly scheduledAt: Date | undefined;
}

export type WorkflowFn = (ctx: RunContext, input: never) => Promise<unknown>;

export interface WorkerOptions {
  readonly client: Client;
  readonly namespace: string;
  readonly workflows: Readonly<Record<string, WorkflowFn>>;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  readonly backends?: unknown;
  /** Runs held at once (each may have several activities in flight). Default 16. */
  readonly concurrency?: number;
  /** Claim only runs whose shard (hash of run id) modulo `count` is `index`. */
  readonly shards?: { readonly count: number; readonly index: number };
  /** Written as lease owner; default host:pid:random. */
  readonly identity?: string;
  /** How long a claim lasts without renewal. Default 30 s. */
  readonly leaseMs?: number;
  /**
   * The code version this worker runs: it claims only runs pinned to this version and runs
   * pinned to none. Default: none (it claims every run).
   */
  readonly version?: string;
  /**
   * The queues this worker serves, with their limits; runs of other queues are left to the
   * workers that serve them. Limits are stored in the database and hold across workers:
   * give every worker of a queue the same ones.
   */
  readonly queues?: Readonly<Record<string, QueueOptions>>;
  /**
   * Schedules this worker keeps in the database (a manifest's): when it starts, each one that is
   * missing is created and each that differs is updated (createSchedule); one that is the same is
   * left alone, so its next tick, the ticks it missed and a pause are kept. Others are not touched.
   */
  readonly schedules?: readonly ScheduleOptions[];
  /** Runs started by published events, by workflow name (see EventTrigger). */
  readonly triggers?: Readonly<Record<string, EventTrigger>>;
  /** Published events older than this are deleted: the longest `lookback` plus a margin; default "7d". */
  readonly eventRetention?: Duration;
  /** How activities' stream writes are batched (an activity's own `streamBatch` wins). */
  readonly streamBatch?: StreamBatchOptions;
  /** Suspended runs kept in memory. Default 1000; 0 turns the cache off. */
  readonly cacheSize?: number;
  /** Longest pause between polls when idle. Default 1000 ms. */
  readonly maxPollIntervalMs?: number;
  /** How long stop() waits for work in flight before releasing it. Default 10 s. */
  readonly stopTimeoutMs?: number;
  /** Default: text lines on stderr (JSON lines with REPLAY_LOG_FORMAT=json); see createJsonLogger. */
  readonly logger?: Logger;
  /** Where the worker's spans go; default: the global tracer provider of @opentelemetry/api. */
  readonly tracerProvider?: TracerProvider;
  /** Where the worker's metrics go; default: the global meter provider of @opentelemetry/api. */
  readonly metrics?: WorkerMetricsOptions;
}

/** A worker's metrics: a provider of yours, or a Prometheus endpoint of the worker's own. */
export interface WorkerMetricsOptions {
  /**
   * Serve this worker's metrics at http://host:port/metrics for Prometheus, from a meter
   * provider of its own, started by start() and stopped by stop(); 0 picks a free port (see
   * `worker.metricsUrl`). Needs @opentelemetry/sdk-metrics and @opentelemetry/exporter-prometheus.
   */
  readonly port?: number;
  /**
   * The address the endpoint listens on; default 127.0.0.1 (only this machine can scrape it).
   * "0.0.0.0" serves every interface, for a Prometheus on another machine.
   */
  readonly host?: string;
  /** Record through this provider instead of the global one (not together with `port`). */
  readonly meterProvider?: MeterProvider;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Worker {
  readonly identity: string;
  start(): Promise<void>;
  /** Stops claiming, finishes or releases what it holds within stopTimeoutMs. */
  stop(): Promise<void>;
}

export type { Duration, RunStatus, SerializedError };
