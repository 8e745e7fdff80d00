import type { Clock, LocalBus, Timers } from "./api-local.js";
import type { RunOperations } from "./api-operations.js";
import type {
  AwaitResultOptions,
  ForkOptions,
  PublishOptions,
  PurgeOptions,
  ResumeOptions,
  RunOptions,
  ScheduleOptions,
  StreamOptions,
  UpdateWithStartOptions,
  WriteOptions,
} from "./api-options.js";
import type { PurgeEventsOptions } from "./api-waits.js";
import type { HistoryEvent } from "./history/index.js";
import type { RunDescription } from "./ops/description.js";
import type { RequestsClient } from "./request-api.js";
import type { QueueInfo } from "./store/queue-records.js";
import type { ListRunsFilter, RunInfo, RunPage, StreamEvent } from "./store/records.js";
import type { CountFilter, HistoryOptions, OrphanedSignal, RunCounts, ScheduleInfo, Store } from "./store/types.js";
import type { ReadStreamOptions, StreamChunk, StreamInfo } from "./stream-api.js";

/*
 * The untyped client (see api-options.ts for its options).
 */

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
