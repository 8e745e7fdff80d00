import type { SerializedError } from "../errors.js";
import type { EventType, RunStatus } from "../history/index.js";

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
}

export interface ListRunsFilter {
  readonly namespace: string;
  readonly workflow?: string;
  readonly status?: RunStatus;
  /** Only runs pinned to this code version. */
  readonly version?: string;
  /** Only runs of this queue (with `status`, a dead-letter listing: failed or stuck runs of the queue). */
  readonly queue?: string;
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
