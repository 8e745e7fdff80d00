import type { ActivityRegistration, LocalRunEnding, Timers } from "../api.js";
import type { RunKey } from "../history/index.js";
import type { RunExecutor } from "../replay/executor.js";
import type { ChildStart, ClaimedRun, StepResult, StepWrite } from "../store/types.js";
import type { RunLogRef } from "../telemetry/logging.js";
import type { WorkerMetrics } from "../telemetry/metrics.js";
import type { WorkflowSpan } from "../telemetry/tracing.js";
import type { AttemptEnvironment } from "./activity-runner.js";
import type { SlotsHost } from "./activity-slots.js";
import type { InboxHost } from "./inbox.js";
import type { PendingActivity } from "./pending-activities.js";
import type { FailedAttempt } from "./retry-log.js";
import type { RunRequestsHost } from "./run-requests.js";

/** A run to replay, with what its executor needs besides its history. */
export type ReplayTarget = RunKey & {
  readonly seed?: string | undefined;
  readonly seedIteration?: number | undefined;
  readonly scheduledAt?: number | undefined;
};

/** What survives between claims in the cache. */
export interface CachedRun {
  readonly executor: RunExecutor;
  readonly version: number;
  readonly iteration: number;
  readonly nextPos: number;
  /** The run's pending activities, by activityKey. */
  readonly pending: Map<string, PendingActivity>;
  /** The run's workflow span, open while the run waits in the cache (see WorkflowSpan). */
  readonly span: WorkflowSpan;
  /** When the step that let the run go asked for it to be woken (its next timer or retry); null: by something else. */
  readonly wakeAt: number | null;
  /** The run as its last step here left it: what taking it up again without a read starts from (see LocalRequests). */
  readonly claim: ClaimedRun;
  /** The request_gen its requests were last read under (see RunRequests). */
  readonly requestsReadGen: number | undefined;
}

/**
 * The claim a cached run is taken up again with, without a read: the one it was taken up with,
 * with the state its last step here left (see LocalRequests).
 */
export function claimOfCached(
  taken: ClaimedRun,
  state: Pick<ClaimedRun, "version" | "nextPos" | "wakeGen" | "requestGen" | "cancelRequested">,
): ClaimedRun {
  const { fresh: _, takeover: __, stalls: ___, dueAt: ____, ...claim } = taken;
  return { ...claim, ...state };
}

/** What an actor takes a run up with: from the cache, or just replayed. */
export type LoadedRun = Pick<CachedRun, "executor" | "nextPos" | "pending" | "span"> &
  Partial<Pick<CachedRun, "requestsReadGen">> & {
    /** Taken up from the cache without a read (see RunLoader.activateCached): a pause since is unknown. */
    readonly unread?: boolean;
  };

/** What the actor needs from its worker. */
export interface ActorHost extends AttemptEnvironment, InboxHost, SlotsHost, RunRequestsHost {
  readonly owner: string;
  readonly leaseMs: number;
  readonly timers: Timers;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  readonly metrics: WorkerMetrics;
  /** The cache is off: rebuild the executor from history before every step. */
  readonly replayEveryStep: boolean;
  /** A fresh executor replayed from the stored history of the iteration. */
  replay(run: ReplayTarget, iteration: number): Promise<RunExecutor>;
  /** Writes the step, batched with other runs' steps into one transaction. */
  commit(step: StepWrite): Promise<StepResult>;
  /** In-process wake-ups for the runs a committed step reached (children, signal targets, a parent). */
  wakeOthers(starts: readonly ChildStart[], result: Extract<StepResult, { ok: true }>, createdAt: number): void;
  /** The run's code ran a step without blocking: its stall count goes back to 0; never throws. */
  clearStalls(key: RunKey): void;
  /** Gives up the run's lease, to be woken at `wakeAt`; never throws (the lease ends by itself). */
  release(key: RunKey, wakeAt: number | null): Promise<void>;
  isStopping(): boolean;
  /** The actor let go of the run; `cached` is its state when it may be reused. */
  released(actor: ReleasedActor, cached: CachedRun | undefined, ending?: LocalRunEnding): void;
  /** Parks the run as stuck; fenced by `version` when given (the version its actor last saw). */
  park(run: RunLogRef, error: unknown, version?: number): Promise<void>;
  logError(message: string, error: unknown, run: RunLogRef): void;
  logInfo(message: string, run: RunLogRef): void;
  /** The run's workflow code is about to run (named if the event loop turns out to be blocked). */
  stepping(key: RunKey): void;
  /** The run waits for an activity this worker does not have: it is left to a worker that has it. */
  lacksActivity(key: RunKey, activity: string): void;
  /** An attempt failed and will be retried at `retryAt` (a throttled warning). */
  logRetry(failure: FailedAttempt): void;
}

/** What the host reads of an actor that let go of its run (RunActor is one). */
export interface ReleasedActor {
  readonly key: RunKey;
  /** The run's version when the actor let go of it: the last it committed or was claimed at. */
  readonly version: number;
  /** The run's queue: a queued run is claimed through its limits, never taken up again locally. */
  readonly queue: string | undefined;
}
