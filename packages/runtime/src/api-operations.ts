import type { BulkAction, BulkDescription, BulkProgress } from "./store/bulk-records.js";
import type { ListRunsFilter } from "./store/records.js";

/* The options of the client's run operations at scale: resetRun and bulk (see Client). */

export interface ResetOptions {
  /**
   * The first step the new iteration executes again: the steps before it (numbered from 0 as
   * forkRun's `fromStep` counts them) are reused with their recorded results.
   */
  readonly toStep: number;
  /** Pin the run to workers of this code version from now on (e.g. the one with the fix). */
  readonly version?: string;
}

/** What a bulk action does to which runs (see Client.bulk). */
export interface BulkOptions {
  /** The runs to act on: listRuns's filter (namespace aside), tags included. */
  readonly filter: Omit<ListRunsFilter, "namespace" | "order" | "limit" | "cursor">;
  readonly action: BulkAction;
  /** Continue the batch with this id (after a crash), or give a new batch this id; default: a new random id. */
  readonly batchId?: string;
  /** `signal`: the signal's name; each run gets it once, with the batch id as its external id. */
  readonly signal?: string;
  /** `signal`: the message. */
  readonly message?: unknown;
  /** `reset`: the step to go back to; default: each run's first failing step (all of its steps for a stuck run). */
  readonly toStep?: number;
  /** `resume` and `reset`: the code version to pin the runs to. */
  readonly version?: string;
  /** `terminate`: the reason stored with each run. */
  readonly reason?: string;
  /** Called after each batch of runs with the progress so far (e.g. for a progress bar); awaited. */
  readonly onProgress?: (progress: BulkProgress) => void | Promise<void>;
}

/** How a bulk action ended: the runs it matched, did, skipped (stopped matching, or nothing to change) and failed on. */
export interface BulkResult extends BulkProgress {}

/** The client's operations on runs at scale: pause, terminate, reset, bulk actions (part of Client). */
export interface RunOperations {
  /**
   * The run takes no new step until unpauseRun: a step already running finishes and is committed,
   * signals and cancels still arrive and are kept, timers that come due wait. False when it was
   * paused already or has ended. Throws RunNotFoundError.
   */
  pauseRun(namespace: string, workflow: string, runId: string): Promise<boolean>;
  /** Lets a paused run go on at once (timers due meanwhile fire now). False when it was not paused. */
  unpauseRun(namespace: string, workflow: string, runId: string): Promise<boolean>;
  /**
   * Ends a run that has not ended, a stuck one included, as `terminated` with `reason`: its
   * activities in flight are aborted and a parent waiting for it gets a ChildWorkflowFailure.
   * False when it had ended already. Throws RunNotFoundError.
   */
  terminateRun(namespace: string, workflow: string, runId: string, reason: string): Promise<boolean>;
  /**
   * Starts the run's next iteration (same run id) from its current one: the steps before
   * `toStep` are reused with their results, and the signals it consumed after that point are
   * delivered again in their order. Works on any run (stuck, failed, terminated, running:
   * a worker still running it has its next commit refused). The old iteration stays readable
   * with getHistory({ iteration }). Returns the new iteration's number. Throws RunNotFoundError.
   */
  resetRun(namespace: string, workflow: string, runId: string, opts: ResetOptions): Promise<number>;
  /**
   * Does `action` to every run `filter` selects, in batches, resumable: a call with the same
   * `batchId` after a crash goes on where the first stopped, and does nothing twice (each run's
   * action and its record are one transaction). A run that stopped matching since it was listed
   * is skipped (the filter is checked again under the run's lock).
   */
  bulk(namespace: string, options: BulkOptions): Promise<BulkResult>;
  /**
   * A batch's action and progress as stored, from any process (e.g. after the one that ran it
   * stopped): `finished` once every run it listed was acted on; one cut short goes on with
   * `bulk(namespace, { ..., batchId })`. Undefined when no batch has this id in the namespace.
   */
  describeBulk(namespace: string, batchId: string): Promise<BulkDescription | undefined>;
}
