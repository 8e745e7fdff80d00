import type { SerializedError } from "../errors.js";
import type { EventType, RunStatus, Tags } from "../history/index.js";

/** One run, as getRun and listRuns return it. */
export interface RunInfo {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly status: RunStatus;
  readonly iteration: number;
  /** Input of the current iteration. */
  readonly input: unknown;
  /** The workflow's return value, when completed. */
  readonly result?: unknown;
  /** Why it failed or got stuck. */
  readonly error?: SerializedError;
  readonly cancelRequested: boolean;
  /** The code version the run is pinned to, if any. */
  readonly version?: string;
  /** The run that started this one as its child. */
  readonly parent?: { readonly workflow: string; readonly runId: string };
  /** When the run times out. */
  readonly deadline?: Date;
  /** Its queue; absent: the default queue. */
  readonly queue?: string;
  readonly priority: number;
  readonly concurrencyKey?: string;
  /** The tick of the schedule that started it. */
  readonly scheduledAt?: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** A worker has committed a step of the run (false: no worker has taken it up yet). */
  readonly takenUp: boolean;
  /** Paused by pauseRun: it takes no new step until unpauseRun. */
  readonly paused: boolean;
  /** Its tags (runWorkflow's `tags`, those inherited from its parent, and ctx.setTags); {} when none. */
  readonly tags: Tags;
}

/** The order of a listing by creation: "asc" oldest first, "desc" newest first. */
export type RunOrder = "asc" | "desc";

export interface ListRunsFilter {
  readonly namespace: string;
  readonly workflow?: string;
  readonly status?: RunStatus;
  /** Only runs pinned to this code version. */
  readonly version?: string;
  /** Only runs of this queue (with `status`, a dead-letter listing: failed or stuck runs of the queue). */
  readonly queue?: string;
  /** Only runs created after this time (exclusive). */
  readonly createdAfter?: Date;
  /** Only runs created before this time (exclusive). */
  readonly createdBefore?: Date;
  /** Only runs whose id starts with this text (compared byte for byte, as ids are stored). */
  readonly runIdPrefix?: string;
  /**
   * Only runs with all of these tags (equal values: "1" and 1 differ). Served by the tag index:
   * a listing reads the runs that have the first tag, in creation order.
   */
  readonly tags?: Tags;
  /** By creation time, then workflow and run id: "asc" (default) oldest first, "desc" newest first. */
  readonly order?: RunOrder;
  /** Page size, 1..1000 (default 100). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface RunPage {
  readonly runs: readonly RunInfo[];
  /** Pass as `cursor` for the next page; undefined on the last page. */
  readonly nextCursor?: string;
}

/** An event of the log, as the stream yields it. */
export interface StreamEvent {
  /** Global, increasing in commit order; use as a cursor (`after`). */
  readonly id: number;
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly type: EventType;
  /** Activity, signal or output name; '' for run-level events. */
  readonly target: string;
  readonly seq: number;
  readonly payload: unknown;
  readonly createdAt: Date;
}

/** An activity's retry row, as an operator sees it. */
export interface TaskDetail {
  readonly target: string;
  readonly seq: number;
  /** Attempts made when the row was written: failed ones for a retry, the running one for a heartbeat. */
  readonly attempt: number;
  /** When the next attempt may start, ms since the epoch (0: at once). */
  readonly readyAt: number;
  /** The error of the last failed attempt (SerializedError as JSON text); null when none failed. */
  readonly lastError: string | null;
}

/** A signal in a run's inbox that no await has consumed yet. */
export interface InboxEntry {
  readonly id: number;
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string | null;
  readonly receivedAt: number;
}

/** What a store knows of a run beyond RunInfo: its lease, wake time, retry rows and inbox. */
export interface RunInspection {
  readonly run: RunInfo;
  readonly leaseOwner: string | null;
  /** ms since the epoch. */
  readonly leaseUntil: number | null;
  /** When a worker looks at the run next, ms since the epoch; null when nothing but a signal wakes it. */
  readonly wakeAt: number | null;
  /** The run's parent (run.parent) waits for its ending (runChild), rather than having started it and gone on. */
  readonly parentWaits: boolean;
  /** Retry rows of the current iteration. */
  readonly tasks: readonly TaskDetail[];
  /** Unconsumed signals, oldest first, at most INBOX_LIMIT of them. */
  readonly inbox: readonly InboxEntry[];
}

/** The most unconsumed signals an inspection returns. */
export const INBOX_LIMIT = 100;
