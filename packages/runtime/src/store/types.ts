import type { EndStatus, HistoryEvent, NewEvent, RecordedEvent, RunKey, RunStatus } from "../history/index.js";
import type { CatchupPolicy, DueSchedule, OverlapPolicy, TickPlan } from "../schedule/plan.js";
import type { QueueLimits } from "./queue-rules.js";
import type { ListRunsFilter, RunInfo, RunInspection, RunPage, StreamEvent } from "./records.js";

/*
 * The storage seam. The worker and the client depend on these interfaces only; a store
 * (store/mysql, store/memory) implements all of them. Times are ms since the epoch, taken
 * by the caller from its clock; names and payloads arrive validated and encoded.
 */

/** A run just created in this process: everything its first step needs, so nothing is read. */
export interface FreshRun {
  readonly inputText: string;
  readonly createdAt: number;
  /** The code version the run was started for, if any. */
  readonly codeVersion?: string | undefined;
  /** When the run times out, if it has a timeout. */
  readonly deadline?: number | undefined;
  /** Its queue: a run in a queue is claimed through the queue's limits, never taken up in-process. */
  readonly queue?: string | undefined;
  /** Not before this time (a delayed start), ms since the epoch. */
  readonly startAt?: number | undefined;
  /** The tick of the schedule that started it. */
  readonly scheduledAt?: number | undefined;
  /** The trace context of the caller that started it (see NewRun.traceContext). */
  readonly traceContext?: string | undefined;
}

/** The state of a run a worker is about to advance. */
export interface ClaimedRun extends RunKey {
  readonly iteration: number;
  /** The fence: every committed step bumps it; a step written against an older one is refused. */
  readonly version: number;
  /** Position of the next event of the iteration's history. */
  readonly nextPos: number;
  /** Bumped by everything that wakes the run from outside (signal, cancel). */
  readonly wakeGen: number;
  readonly cancelRequested: boolean;
  /** The code version the run is pinned to; undefined: any worker may run it. */
  readonly codeVersion?: string | undefined;
  /** Seed of ctx.random()/uuid() when not the run's own (a fork keeps its source's). */
  readonly seed?: string | undefined;
  /** When the run times out (runWorkflow's `timeout`), ms since the epoch. */
  readonly deadline?: number | undefined;
  /** The run's queue; undefined: the default queue. */
  readonly queue?: string | undefined;
  /** The tick of the schedule that started the run. */
  readonly scheduledAt?: number | undefined;
  /** Workers in a row that froze running the run's code (see MAX_STALLS). */
  readonly stalls?: number | undefined;
  /** This claim took over a lease that another owner let run out (see EngineStore.markStall). */
  readonly takeover?: boolean | undefined;
  /** The activity the run waits for that its last worker lacked. */
  readonly wantedActivity?: string | undefined;
  /** The trace context stored with the run (see NewRun.traceContext). */
  readonly traceContext?: string | undefined;
  /** When the run became due (its wake time when claimed), ms since the epoch; for the schedule-to-start delay. */
  readonly dueAt?: number | undefined;
  /** Set when no step was committed yet: the history is just the created event. */
  readonly fresh?: FreshRun;
}

/**
 * What "fresh" means, in one place: a run no step has been committed for has version 0,
 * iteration 0, and its history is its created event (position 0).
 */
export const FRESH_VERSION = 0;

/** The claim state of a run created in this process a moment ago. */
export function freshClaim(key: RunKey, fresh: FreshRun): ClaimedRun {
  return {
    ...key,
    iteration: 0,
    version: FRESH_VERSION,
    nextPos: 1,
    wakeGen: 0,
    cancelRequested: false,
    codeVersion: fresh.codeVersion,
    deadline: fresh.deadline,
    queue: fresh.queue,
    scheduledAt: fresh.scheduledAt,
    traceContext: fresh.traceContext,
    dueAt: fresh.startAt ?? fresh.createdAt,
    fresh,
  };
}

/** A pending activity retry of a run (written when an attempt failed and the next must wait). */
export interface TaskRow {
  readonly target: string;
  readonly seq: number;
  readonly attempt: number;
  readonly readyAt: number;
  /** The details of the last heartbeat of an attempt, as JSON text. */
  readonly heartbeat?: string | null;
}

/** An unconsumed signal in a run's inbox. */
export interface InboxSignal {
  readonly id: number;
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string | null;
  /** When the signal was stored, ms since the epoch. */
  readonly createdAt: number;
}

/** A signal stored for a run that does not exist (yet): sent early, or to a mistyped run id. */
export interface OrphanedSignal {
  readonly workflow: string;
  readonly runId: string;
  readonly signal: string;
  readonly externalId: string;
  readonly createdAt: Date;
}

/** A run this worker holds a lease on, with what may have changed under it. */
export interface HeldRun {
  readonly key: RunKey;
  readonly wakeGen: number;
  readonly cancelRequested: boolean;
}

export interface ClaimOptions {
  readonly namespace: string;
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
  /** Only runs whose shard modulo `count` is `index`. */
  readonly shards?: { readonly count: number; readonly index: number } | undefined;
  /** Only runs of this code version and runs without one. */
  readonly version?: string | undefined;
  /** Claim from this queue, within its limits (see queue-rules.ts); undefined: the default queue. */
  readonly queue?: string | undefined;
  /** What this worker can run: only runs of these workflows, and none left waiting for another activity. */
  readonly can: WorkerAbilities;
  /**
   * Called (once per claim) when a claim of `queue` left due runs unclaimed because of the
   * queue's limits although the worker had room: a limit wait, for metrics.
   */
  readonly heldBack?: (() => void) | undefined;
}

/**
 * The workflows and activities a worker has. In a rolling deploy, a run of a workflow, or a run
 * waiting for an activity, that a worker lacks is left to a worker that has it.
 */
export interface WorkerAbilities {
  readonly workflows: readonly string[];
  readonly activities: readonly string[];
}

/** A retry to wait for, written with the step that saw the attempt fail. */
export interface TaskRetry extends TaskRow {
  readonly lastError: string;
}

/** How a step ends its run. */
export interface RunEnd {
  readonly status: EndStatus;
  readonly resultText: string | null;
  readonly errorText: string | null;
}

/** A child run a step starts, with the step, exactly once. */
export interface ChildStart {
  readonly key: RunKey;
  readonly inputText: string;
  /** The parent waits for its ending (runChild): it is delivered to the parent's inbox. */
  readonly waits: boolean;
  readonly codeVersion?: string | undefined;
  readonly deadline?: number | undefined;
  /** The queue the child runs through. */
  readonly queue?: string | undefined;
  /** The parent's workflow span, so the child joins its trace (see NewRun.traceContext). */
  readonly traceContext?: string | undefined;
}

/** A signal a step sends to another run, with the step. */
export interface SignalToSend {
  readonly key: RunKey;
  readonly signal: NewSignal;
}

/** What one engine commit writes for a run, all or nothing, fenced by the run's version. */
export interface StepWrite {
  readonly key: RunKey;
  readonly owner: string;
  readonly iteration: number;
  readonly expectedVersion: number;
  /** Position of the first of `events`. */
  readonly firstPos: number;
  readonly events: readonly NewEvent[];
  /** Retries to wait for: each writes the activity's row, or replaces the one there (a heartbeat's or an earlier retry's). */
  readonly taskWrites: readonly TaskRetry[];
  readonly taskDeletes: readonly { readonly target: string; readonly seq: number }[];
  readonly signalsConsumed: readonly { readonly id: number; readonly seq: number }[];
  readonly childStarts: readonly ChildStart[];
  readonly signalsSent: readonly SignalToSend[];
  /** Children whose cancellation the step asks for (the run was cancelled while it waited for them). */
  readonly cancelChildren: readonly RunKey[];
  /** The wake_gen the step read its inputs under; a newer one means something arrived since. */
  readonly observedWakeGen: number;
  readonly now: number;
  readonly end?: RunEnd;
  /** The iteration ends with restart(input): the next starts with this input. */
  readonly restart?: { readonly inputText: string };
  /** The iteration has rows in the tasks table (retries), to delete when it ends or restarts. */
  readonly hasTaskRows: boolean;
  /** Keep the lease (activities still run here) or release it with `wakeAt`. */
  readonly hold: boolean;
  /** An activity the run waits for that this worker lacks: the run is left to workers that have it. */
  readonly wantedActivity?: string | undefined;
  readonly leaseUntil: number;
  readonly wakeAt: number | null;
}

export type StepResult =
  | {
      readonly ok: true;
      readonly version: number;
      readonly nextPos: number;
      readonly wakeGen: number;
      readonly cancelRequested: boolean;
      /** Children this step created (started children that existed already are not here). */
      readonly createdChildren?: readonly RunKey[];
      /** Other runs the step gave something to do: a parent told of its child's end, signal targets, cancelled children. */
      readonly woken?: readonly RunKey[];
    }
  | { readonly ok: false; readonly reason: string };

/** What the worker needs: claims and leases, histories and inboxes, fenced commits. */
/** A worker's presence on the store (see EngineStore.holdPresence). */
export interface Presence {
  /** Ends the presence: the worker stopped. */
  close(): Promise<void>;
}

export interface EngineStore {
  /** Leases up to `limit` runs that are due and not leased by anyone else. */
  claim(options: ClaimOptions): Promise<ClaimedRun[]>;
  /**
   * Reads a run's state without leasing it, for a worker told in-process that the run has
   * work; its first commit is then fenced by version alone. Undefined when the run ended
   * or another owner holds a live lease.
   */
  readRun(key: RunKey, owner: string, now: number): Promise<ClaimedRun | undefined>;
  /**
   * Leases one run by key, when it is still as a step of this worker left it: at `version`,
   * held by nobody, not in a queue (those are claimed through their queue's limits). The
   * worker that let a run go to wait for a timer takes it up with this when the timer fires,
   * instead of a claim round. Undefined when the run moved on, ended, or is held or queued.
   */
  claimRun(
    key: RunKey,
    version: number,
    options: { owner: string; now: number; leaseMs: number },
  ): Promise<ClaimedRun | undefined>;
  /**
   * The earliest wake time of a default-queue run nobody holds a live lease on, due or not,
   * and of a run of `queues` that is not due yet (a due queued run may be held back by a
   * limit, so it is looked for by polling, not by its wake time).
   */
  nextWake(
    namespace: string,
    now: number,
    queues: readonly string[],
    can: WorkerAbilities,
  ): Promise<number | undefined>;
  /**
   * Starts a run for each due tick of the namespace's schedules, as `plan` decides (see
   * schedule/plan.ts), and moves each schedule to its next tick, in one transaction per look,
   * so a tick starts its run once across all workers.
   */
  fireSchedules(namespace: string, now: number, plan: (due: DueSchedule) => TickPlan): Promise<FiredSchedules>;
  /** Stores a queue's limits, which every claim of the queue then applies. */
  configureQueue(namespace: string, queue: string, limits: QueueLimits, now: number): Promise<void>;
  /** The iteration's replay history: events with a position, in position order. */
  loadHistory(key: RunKey, iteration: number): Promise<RecordedEvent[]>;
  loadTasks(key: RunKey, iteration: number): Promise<TaskRow[]>;
  /** Unconsumed signals of the run with these names, in arrival order. */
  loadSignals(key: RunKey, names: readonly string[]): Promise<InboxSignal[]>;
  /** Throws SchemaNotMigratedError when the tables are missing or older than this code needs. */
  checkSchema(): Promise<void>;
  /** Extends the leases this owner still holds on `runs` (all of one namespace). */
  renewLeases(runs: readonly RunKey[], owner: string, until: number): Promise<number>;
  /**
   * Says, for as long as the returned handle is open, that the worker `owner` is alive, so that
   * a takeover can tell a holder that froze (still there, not renewing) from one that died
   * (gone): only a freeze counts a stall (see MAX_STALLS). Resolves after the first attempt;
   * while the database is unreachable it keeps trying in the background.
   */
  holdPresence(owner: string): Promise<Presence>;
  /**
   * Marks a run this owner took over as about to run its workflow code: should this worker
   * freeze before clearStalls, still present, the next takeover counts a stall (see MAX_STALLS).
   */
  markStall(key: RunKey, owner: string): Promise<void>;
  /**
   * Sets the stall count and mark of a run this owner holds back to 0: its workflow code ran a
   * step without blocking the event loop (see MAX_STALLS).
   */
  clearStalls(key: RunKey, owner: string): Promise<void>;
  /** Those of `runs` (all of one namespace) this owner holds, with what may have changed under them. */
  heldRuns(runs: readonly RunKey[], owner: string): Promise<HeldRun[]>;
  /** Gives up every lease this owner holds, leaving the runs due now. */
  releaseAll(namespace: string, owner: string, now: number): Promise<number>;
  /** Gives up one run's lease, to be woken at `wakeAt`. */
  release(key: RunKey, owner: string, wakeAt: number): Promise<void>;
  /** Keeps the details of an activity attempt's heartbeat for the next attempt (no fence: advisory). */
  recordHeartbeat(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number; readonly attempt: number },
    detailsText: string,
    now: number,
  ): Promise<void>;
  /**
   * Status stuck with the error, lease released, never woken again. Refused (false) when
   * another owner holds a live lease, or when `version` is given and the run moved past it: a
   * run taken up without a lease (in-process, see readRun) is parked by whoever found the fault.
   */
  park(key: RunKey, owner: string, errorText: string, now: number, version?: number): Promise<boolean>;
  /**
   * Writes steps of several runs of one namespace, at most one step per run, in one
   * transaction where the store has them. Each step is fenced on its own: a refused step
   * leaves the others written.
   */
  commit(steps: readonly StepWrite[]): Promise<StepResult[]>;
}

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
}

/** A schedule as the client stores it. */
export interface ScheduleSpec {
  readonly namespace: string;
  readonly id: string;
  readonly workflow: string;
  readonly cron: string;
  readonly timezone: string;
  readonly inputText: string;
  readonly overlap: OverlapPolicy;
  readonly catchup: CatchupPolicy;
}

/** A schedule as listSchedules returns it. */
export interface ScheduleInfo {
  readonly namespace: string;
  readonly id: string;
  readonly workflow: string;
  readonly cron: string;
  readonly timezone: string;
  readonly input: unknown;
  readonly overlap: OverlapPolicy;
  readonly catchup: CatchupPolicy;
  readonly paused: boolean;
  /** The next tick that will start a run (none while paused). */
  readonly nextTick?: Date;
  /** The last tick that started a run, and that run's id. */
  readonly lastTick?: Date;
  readonly lastRunId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What firing due schedules started, and when the next tick of any schedule is. */
export interface FiredSchedules {
  readonly started: readonly RunKey[];
  readonly nextTick: number | undefined;
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
  /** Running runs waiting for a signal, a timer or a retry. */
  readonly waiting: number;
}

export interface CountFilter {
  readonly namespace: string;
  readonly workflow?: string | undefined;
  readonly queue?: string | undefined;
}

/** What forkRun copies: `fromStep` counts the recorded commands of the source's current iteration from 0. */
export interface ForkRequest {
  readonly source: RunKey;
  readonly target: RunKey;
  readonly fromStep: number;
  readonly codeVersion?: string | undefined;
  readonly now: number;
}

/** Which ended runs purgeRuns deletes, and how many at most in one call. */
export interface PurgeRequest {
  readonly namespace: string;
  /** Runs that ended (their last update) before this time, ms since the epoch. */
  readonly endedBefore: number;
  readonly statuses: readonly EndStatus[];
  /** Delete at most this many runs in this call. */
  readonly limit: number;
}

export interface NewSignal {
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string;
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
}

/**
 * What the client needs. `tx` is an open transaction of the store's own kind (for MySQL, a
 * mysql2 connection after BEGIN) that the write joins; a store without transactions refuses it.
 */
export interface ClientStore {
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
  listRuns(filter: ListRunsFilter): Promise<RunPage>;
  /** Namespaces that have runs, in byte order. */
  listNamespaces(): Promise<string[]>;
  /** The run with its lease, wake time, retry rows and unconsumed signals; undefined when it does not exist. */
  inspectRun(key: RunKey): Promise<RunInspection | undefined>;
  /**
   * Deletes up to `limit` ended runs matching the request with their events, signals and retry
   * rows, each run all or nothing, in transactions small enough not to hold locks for long.
   * Returns how many runs it deleted; fewer than `limit` means none is left.
   */
  purgeRuns(request: PurgeRequest): Promise<number>;
  /** How many runs there are by status, and of the running ones how many are queued, active or waiting. */
  countRuns(filter: CountFilter, now: number): Promise<RunCounts>;
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

/** A complete store: one implementation serves both the client and the worker. */
export interface Store extends EngineStore, ClientStore {
  /** For messages, e.g. "MySQL at 127.0.0.1:3306" or "in-memory store". */
  readonly description: string;
}
