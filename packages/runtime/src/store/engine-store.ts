import type { RecordedEvent, RunKey } from "../history/index.js";
import type { DueSchedule, TickPlan } from "../schedule/plan.js";
import type { ClaimedRun, InboxSignal } from "./claimed-run.js";

export type { InboxSignal } from "./claimed-run.js";

import type { DispatchedEvents, FiredDebounces, TriggerPlanner } from "./event-records.js";
import type { StoredRequest } from "./request-records.js";
import type { QueueLimits } from "./rules/queue-picking.js";
import type { FiredSchedules } from "./schedule-records.js";
import type { StepResult, StepWrite, TaskRow } from "./step-write.js";

/*
 * The engine's side of the storage seam: what the worker needs of a store.
 */

/** A run this worker works on, with what may have changed under it. */
export interface HeldRun {
  readonly key: RunKey;
  readonly wakeGen: number;
  readonly requestGen?: number;
  readonly cancelRequested: boolean;
  /** Paused by pauseRun: its holder starts nothing new and lets go (see rules/pause.ts). */
  readonly paused: boolean;
  /** Its status now: a holder of a run that is no longer running lets go (terminated, say). */
  readonly status: string;
  /** Its fence now: a version its holder did not commit means the run was taken from it (a reset). */
  readonly version: number;
}

/** An attempt of an activity with a queue, asking for a slot of it (see rules/queue-slots.ts). */
export interface SlotRequest {
  readonly key: RunKey;
  readonly iteration: number;
  readonly target: string;
  readonly seq: number;
  readonly queue: string;
  readonly concurrencyKey: string | null;
  readonly owner: string;
  readonly now: number;
  /** How long the slot is held without renewal (renewSlots), like the run's lease. */
  readonly leaseUntil: number;
}

/** Whether the attempt got its slot, and the runs woken to take theirs (for in-process wake-ups). */
export interface SlotAnswer {
  readonly granted: boolean;
  readonly woken: readonly RunKey[];
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
  /** Claim from this queue, within its limits (see rules/queue-picking.ts); undefined: the default queue. */
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

/** A worker's presence on the store (see EngineStore.holdPresence). */
export interface Presence {
  /** Ends the presence: the worker stopped. */
  close(): Promise<void>;
}

/** What the worker needs: claims and leases, histories and inboxes, fenced commits. */
export interface EngineStore {
  /** Leases up to `limit` runs that are due and not leased by anyone else. */
  claim(options: ClaimOptions): Promise<ClaimedRun[]>;
  /**
   * Reads a run's state without leasing it, for a worker told in-process that the run has
   * work; its first commit is then fenced by version alone. Undefined when the run ended
   * or another owner holds a live lease. A store may read the run's unconsumed signals along,
   * in the same read (ClaimedRun.signals), so that the step the read leads to needs no inbox read.
   */
  readRun(key: RunKey, owner: string, now: number): Promise<ClaimedRun | undefined>;
  /**
   * Leases one run by key, when it is still as a step of this worker left it: at `version`,
   * held by nobody but `owner` (see leasableByKey), not in a queue (those are claimed through
   * their queue's limits). The worker that let a run go to wait for a timer takes it up with
   * this when the timer fires, instead of a claim round. Undefined when the run moved on,
   * ended, or is held by another owner, or queued.
   */
  claimRun(
    key: RunKey,
    version: number,
    options: { owner: string; now: number; leaseMs: number },
  ): Promise<ClaimedRun | undefined>;
  /**
   * The earliest wake time of a default-queue run nobody holds a live lease on, due or not,
   * and of a run of `queues` that is not due yet (a due queued run may be held back by a
   * limit, so it is looked for by polling, not by its wake time); of runs the worker's claim
   * filter passes only (rules/claim-filter.ts workerTakes: its shards, version and abilities),
   * so a worker never polls for runs it may not take.
   */
  nextWake(
    namespace: string,
    now: number,
    queues: readonly string[],
    filter: Pick<ClaimOptions, "shards" | "version" | "can">,
  ): Promise<number | undefined>;
  /**
   * Starts a run for each due tick of the namespace's schedules, as `plan` decides (see
   * schedule/plan.ts), and moves each schedule to its next tick, in one transaction per look,
   * so a tick starts its run once across all workers.
   */
  fireSchedules(namespace: string, now: number, plan: (due: DueSchedule) => TickPlan): Promise<FiredSchedules>;
  /**
   * Dispatches up to `limit` of the namespace's published events that no worker dispatched yet,
   * each exactly once across workers, in one transaction per look: delivers each to the runs
   * whose registered waits it matches (rules/events.ts), and starts the runs that `plan` (the
   * worker's triggers) gives it, debounced or singleton as planned (rules/triggers.ts).
   */
  dispatchEvents(namespace: string, now: number, limit: number, plan: TriggerPlanner): Promise<DispatchedEvents>;
  /** Starts the run of each debounce window of the namespace due by `now`, once across workers. */
  fireDebounces(namespace: string, now: number, limit: number): Promise<FiredDebounces>;
  /** Stores a queue's limits, which every claim of the queue then applies. */
  configureQueue(namespace: string, queue: string, limits: QueueLimits, now: number): Promise<void>;
  /** The iteration's replay history: events with a position, in position order. */
  loadHistory(key: RunKey, iteration: number): Promise<RecordedEvent[]>;
  loadTasks(key: RunKey, iteration: number): Promise<TaskRow[]>;
  /** Unconsumed signals of the run with these names, in arrival order. */
  loadSignals(key: RunKey, names: readonly string[]): Promise<InboxSignal[]>;
  /** The run's update and query requests no worker has taken up yet, in arrival order. */
  loadRequests(key: RunKey): Promise<StoredRequest[]>;
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
  /**
   * `runs` (all of one namespace) as they are now, whoever holds them, with what may have
   * changed under their holder; runs that do not exist any more are left out.
   */
  heldRuns(runs: readonly RunKey[]): Promise<HeldRun[]>;
  /**
   * A slot of an activity queue for one attempt (see rules/queue-slots.ts), in one transaction
   * that serialises the queue's decisions across workers: granted, or the attempt waits in the
   * queue's line; waiting attempts whose turn came are woken. A queue without limits grants at once.
   */
  acquireSlot(request: SlotRequest): Promise<SlotAnswer>;
  /** Gives back the slot of an attempt that ended and wakes the waiting attempts whose turn came; the runs woken. */
  releaseSlot(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number },
    now: number,
  ): Promise<RunKey[]>;
  /**
   * Wakes the waiting attempts of `queue` whose turn came: a slot whose holder died ran out, or
   * the rate window moved on. Cheap when nothing waits. The runs woken.
   */
  wakeSlotWaiters(namespace: string, queue: string, now: number): Promise<RunKey[]>;
  /** Extends the slots this owner holds for attempts of `runs`. */
  renewSlots(runs: readonly RunKey[], owner: string, until: number): Promise<void>;
  /** Gives up every lease this owner holds, leaving the runs due now. */
  releaseAll(namespace: string, owner: string, now: number): Promise<number>;
  /** Gives up one run's lease (and the queue slots it holds), to be woken at `wakeAt` unless paused. */
  release(key: RunKey, owner: string, wakeAt: number | null): Promise<void>;
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
