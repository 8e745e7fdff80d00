import type { EndStatus, HistoryEvent, RunKey, RunStatus, Tags } from "../history/index.js";
import type { BulkStore } from "./bulk-records.js";
import type { ClaimedRun } from "./claimed-run.js";
import type { CompletedToken, NewPublishedEvent, TokenCompletionWrite } from "./event-records.js";
import type { OpenPayload } from "./open-events.js";
import type { QueueState } from "./queue-records.js";
import type { ListRunsFilter, RunInfo, RunInspection, RunPage, StreamEvent } from "./records.js";
import type { NewRequest, RequestArrival, RequestState } from "./request-records.js";
import type { RunSnapshot } from "./rules/lease.js";
import type { ScheduleInfo, ScheduleSpec } from "./schedule-records.js";

/*
 * The client's side of the storage seam: what the client and the management API need of a store.
 */

export interface NewRun {
  readonly key: RunKey;
  readonly inputText: string;
  readonly now: number;
  /** Pin the run to workers of this code version. */
  readonly codeVersion?: string | undefined;
  /** The run fails with RunTimeoutError at this time, ms since the epoch. */
  readonly deadline?: number | undefined;
  /** The run that started this one (a child). */
  readonly parent?: { readonly workflow: string; readonly runId: string; readonly waits: boolean } | undefined;
  readonly queue?: string | undefined;
  /** Lower runs first within the queue; default 0. */
  readonly priority?: number | undefined;
  readonly concurrencyKey?: string | undefined;
  /** Not before this time, ms since the epoch (default: now). */
  readonly startAt?: number | undefined;
  /** The tick of the schedule that started it, ms since the epoch. */
  readonly scheduledAt?: number | undefined;
  /**
   * The trace context of the caller (opaque text of at most 512 characters, written by
   * telemetry/trace-context.ts), stored with the run so that the spans of every worker that
   * runs it are children of the caller's span.
   */
  readonly traceContext?: string | undefined;
  /** The run's tags (checked by checkTags); a child's are merged over its parent's by childTags. */
  readonly tags?: Tags | undefined;
}

export interface NewSignal {
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string;
}

/** A signal stored for a run that does not exist (yet): sent early, or to a mistyped run id. */
export interface OrphanedSignal {
  readonly workflow: string;
  readonly runId: string;
  readonly signal: string;
  readonly externalId: string;
  readonly createdAt: Date;
}

/** Counts of runs, as countRuns returns them. */
export interface RunCounts {
  readonly statuses: Readonly<Partial<Record<RunStatus, number>>>;
  /** The same counts per workflow. */
  readonly workflows: Readonly<Record<string, Readonly<Partial<Record<RunStatus, number>>>>>;
  /** Running runs due now that no worker holds: waiting for a worker or a free slot of their queue. */
  readonly queued: number;
  /** Running runs a worker holds now (a step or activities in progress). */
  readonly active: number;
  /** Running runs waiting for a signal, a timer or a retry (paused ones included). */
  readonly waiting: number;
  /** Running runs paused by pauseRun (counted in `waiting` too, or in `active` while a worker finishes their step). */
  readonly paused: number;
}

export interface CountFilter {
  readonly namespace: string;
  readonly workflow?: string | undefined;
  readonly queue?: string | undefined;
  /** Only runs with all of these tags (see ListRunsFilter.tags). */
  readonly tags?: Tags | undefined;
}

/** What forkRun copies: `fromStep` counts the recorded commands of the source's current iteration from 0. */
export interface ForkRequest {
  readonly source: RunKey;
  readonly target: RunKey;
  readonly fromStep: number;
  readonly codeVersion?: string | undefined;
  /** Start options that replace the source's (see forkCreation); null removes one. */
  readonly overrides?: ForkOverrides | undefined;
  readonly now: number;
}

/** Start options of a fork that replace its source's; null removes the queue, key or timeout. */
export interface ForkOverrides {
  readonly queue?: string | null | undefined;
  readonly priority?: number | undefined;
  readonly concurrencyKey?: string | null | undefined;
  /** The run timeout in ms from the fork's start. */
  readonly timeoutMs?: number | null | undefined;
}

/** What resetRun asks of a store. */
export interface RunReset {
  readonly toStep: number | undefined;
  readonly codeVersion?: string | undefined;
}

/** Which ended runs purgeRuns deletes, and how many at most in one call. */
export interface PurgeRequest {
  readonly namespace: string;
  /** Runs that ended (their last update) before this time, ms since the epoch. */
  readonly endedBefore: number;
  readonly statuses: readonly EndStatus[];
  /** Delete at most this many runs in this call. */
  readonly limit: number;
  /**
   * Called with the runs a purge transaction deletes, before it commits (after, on a store
   * without transactions): a payload store outside the database deletes their payloads then.
   * Should it fail, the transaction rolls back and the runs stay.
   */
  readonly purging?: ((runs: readonly RunKey[]) => Promise<void>) | undefined;
}

/** Which events a stream wants. */
export interface EventFilter {
  readonly namespace: string;
  readonly workflow?: string;
  readonly runId?: string;
  readonly types?: readonly string[];
}

/** One read of the event log after a cursor. */
export interface EventBatch {
  readonly events: readonly StreamEvent[];
  /** The new cursor: every id up to it is resolved (read, filtered out, or never committed). */
  readonly cursor: number;
  /** True when the reader stopped at an id that an open transaction holds. */
  readonly blocked: boolean;
  /** True when more may be read at once. */
  readonly more: boolean;
}

export interface HistoryOptions {
  /** An iteration number, or "all"; default: the run's current iteration. */
  readonly iteration?: number | "all";
  /**
   * Payloads as stored, not decoded: bytes and objects with "$" keys in {"$wire": ...} envelopes,
   * encoded payloads as {"$encoded": {...}} (docs/payloads.md). JSON-serialisable
   * as they are: the form to keep a history in a file (replayHistory takes it with `raw: true`).
   */
  readonly raw?: boolean;
}

/**
 * What the client needs. `tx` is an open transaction of the store's own kind (for MySQL, a
 * mysql2 connection after BEGIN) that the write joins; a store without transactions refuses it.
 */
export interface ClientStore extends BulkStore {
  /** Creates or updates the store's tables; idempotent. */
  migrate(): Promise<void>;
  /** Resolves once the store answers (on `tx` when given). */
  ready(tx?: unknown): Promise<void>;
  /** Creates the run and its created event; false when the run exists. */
  createRun(run: NewRun, tx?: unknown): Promise<boolean>;
  /**
   * Stores a signal and wakes its run; false when (run, signal, externalId) was sent before.
   * Throws RunEndedError (storing nothing) when the run has completed, failed or been cancelled.
   */
  addSignal(key: RunKey, signal: NewSignal, now: number, tx?: unknown): Promise<boolean>;
  /**
   * addSignal outside a caller's transaction that also reads the run back as the signal left it,
   * with its unconsumed signals, as EngineStore.readRun reads it (before the reader's checks,
   * takenByRead in rules/lease.ts), in the same transaction: a worker in this process takes the
   * run up from that without a read of its own (see LocalWakes). `run` is undefined when the
   * store did not read it back (the run is then woken by name).
   */
  addSignalAndRead(key: RunKey, signal: NewSignal, now: number): Promise<SignalAndRun>;
  /**
   * Completes or fails a token and delivers the completion to its run (see rules/tokens.ts):
   * `completed` false when it was completed before. Throws UnknownTokenError or
   * TokenExpiredError, storing nothing.
   */
  completeToken(completion: TokenCompletionWrite, tx?: unknown): Promise<CompletedToken>;
  /** Stores a published event for dispatch; false when its id was published before in the namespace. */
  publishEvent(event: NewPublishedEvent, tx?: unknown): Promise<boolean>;
  /** Deletes up to `limit` published events of the namespace published before `before`; how many. */
  purgeEvents(namespace: string, before: number, limit: number): Promise<number>;
  /**
   * Starts the run unless it exists, then stores the signal (as addSignal), in one transaction.
   * `created`: the run was started; `sent`: what addSignal answers.
   */
  signalWithStart(run: NewRun, signal: NewSignal, tx?: unknown): Promise<{ created: boolean; sent: boolean }>;
  /**
   * Stores an update or query request for the run and wakes it (see rules/requests.ts), or
   * answers with the request stored under its id before. Throws RunNotFoundError, or
   * RunEndedError when the run ended.
   */
  addRequest(key: RunKey, request: NewRequest, now: number): Promise<RequestArrival>;
  /** Starts the run unless it exists, then adds the request (as addRequest), in one transaction. */
  updateWithStart(run: NewRun, request: NewRequest): Promise<{ created: boolean; arrival: RequestArrival }>;
  /** Where the request stands; undefined when there is none (never stored, withdrawn or forgotten). */
  readRequest(key: RunKey, requestId: string): Promise<RequestState | undefined>;
  /**
   * The caller gave up: deletes the request if no worker took it up yet (see withdrawal in
   * rules/requests.ts). Returns the request as it was; undefined when there was none.
   */
  withdrawRequest(key: RunKey, requestId: string): Promise<RequestState | undefined>;
  /** Deletes the request whatever its status (a query whose caller read the answer). */
  forgetRequest(key: RunKey, requestId: string): Promise<void>;
  /** Signals of the namespace whose run does not exist, oldest first, at most `limit`. */
  listOrphanedSignals(namespace: string, limit: number): Promise<OrphanedSignal[]>;
  /** Deletes the signals of the namespace whose run does not exist, stored before `before`; how many. */
  purgeOrphanedSignals(namespace: string, before: number): Promise<number>;
  /** Marks the run as asked to cancel; false when it ended or was asked before. Throws RunNotFoundError. */
  requestCancel(key: RunKey, now: number): Promise<boolean>;
  getRun(key: RunKey): Promise<RunInfo | undefined>;
  /**
   * Makes a stuck run run again: status running, error cleared, due now, a `resumed` event;
   * `codeVersion` (when given) re-pins it. Throws RunNotFoundError, or RunNotResumableError
   * when the run is not stuck.
   */
  resumeRun(key: RunKey, codeVersion: string | undefined, now: number): Promise<void>;
  /**
   * Starts `target` with the source's current input and the events of its first `fromStep`
   * steps (see ForkRequest), so they are not executed again. False when `target` exists.
   * Throws RunNotFoundError when the source does not.
   */
  forkRun(request: ForkRequest): Promise<boolean>;
  /**
   * Pauses the run (`paused` true) or lets it go on (see rules/pause.ts); false when it was so
   * already, or (pausing) has ended. Throws RunNotFoundError.
   */
  setPaused(key: RunKey, paused: boolean, now: number): Promise<boolean>;
  /**
   * Ends the run as terminated (see rules/terminate.ts); false when it had ended. Throws
   * RunNotFoundError. `open` reads the encoded payloads of its child requests (see OpenPayload).
   */
  terminateRun(key: RunKey, reason: string, now: number, open?: OpenPayload): Promise<boolean>;
  /**
   * Starts the run's next iteration from its current one (see rules/reset.ts) and returns its
   * number. `toStep` undefined: the first failing step (firstFailingStep). Throws RunNotFoundError.
   * `open` reads the encoded payloads of its responses; the copied events stay as stored.
   */
  resetRun(key: RunKey, request: RunReset, now: number, open?: OpenPayload): Promise<number>;
  listRuns(filter: ListRunsFilter): Promise<RunPage>;
  /** Namespaces that have runs, in byte order. */
  listNamespaces(): Promise<string[]>;
  /** The run with its lease, wake time, retry rows and unconsumed signals; undefined when it does not exist. */
  inspectRun(key: RunKey): Promise<RunInspection | undefined>;
  /**
   * Deletes up to `limit` ended runs matching the request with their events, signals, retry
   * rows, requests, tokens and event waits, each run all or nothing, in transactions small
   * enough not to hold locks for long.
   * Returns how many runs it deleted; fewer than `limit` means none is left.
   */
  purgeRuns(request: PurgeRequest): Promise<number>;
  /** How many runs there are by status, and of the running ones how many are queued, active or waiting. */
  countRuns(filter: CountFilter, now: number): Promise<RunCounts>;
  /** The namespace's queue rows, and its queues' running runs and activity slots by key and state (see queueInfos). */
  queueState(namespace: string, now: number): Promise<QueueState>;
  /** Creates the schedule, or updates it (cron, time zone, input, policies) when its id exists; `nextTick` restarts it. */
  saveSchedule(spec: ScheduleSpec, nextTick: number | undefined, now: number): Promise<void>;
  getSchedule(namespace: string, id: string): Promise<ScheduleInfo | undefined>;
  listSchedules(namespace: string): Promise<ScheduleInfo[]>;
  /** Pauses, or resumes from `nextTick`. False when the schedule does not exist. */
  setSchedulePaused(
    namespace: string,
    id: string,
    paused: boolean,
    nextTick: number | undefined,
    now: number,
  ): Promise<boolean>;
  /** False when the schedule does not exist. */
  deleteSchedule(namespace: string, id: string): Promise<boolean>;
  /**
   * Records `runId` as the schedule's last run (triggerSchedule): its overlap policy then counts
   * it as the schedule's own. False when the schedule does not exist.
   */
  recordScheduleRun(namespace: string, id: string, runId: string, now: number): Promise<boolean>;
  /** The run's events in log order, or undefined when the run does not exist. */
  getHistory(key: RunKey, options?: HistoryOptions): Promise<HistoryEvent[] | undefined>;
  /**
   * The id of the newest event of the log (0 when it is empty): where a stream that wants only
   * what happens from now on starts. Events of transactions still open may get lower ids.
   */
  lastEventId(): Promise<number>;
  /** The next events after `cursor`, never past an id that may still commit. */
  readEvents(cursor: number, filter: EventFilter): Promise<EventBatch>;
  loadCursor(namespace: string, consumer: string): Promise<number | undefined>;
  saveCursor(namespace: string, consumer: string, lastId: number, now: number): Promise<void>;
  /** Releases what the store owns (a pool it created). */
  close(): Promise<void>;
}

/** What addSignalAndRead answers: addSignal's answer, and the run as the signal left it. */
export interface SignalAndRun {
  readonly sent: boolean;
  readonly run?: RunSnapshot<ClaimedRun> | undefined;
}
