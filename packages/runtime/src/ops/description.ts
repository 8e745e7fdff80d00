import type { SerializedError } from "../errors.js";
import type { RunInfo } from "../store/records.js";

/**
 * Where a run stands, in the words of countRuns: queued (due, no worker yet), active (a worker
 * holds it), waiting, paused (pauseRun; a worker may still finish the step it was in), or ended.
 */
export type RunState = "queued" | "active" | "waiting" | "paused" | "ended";

/** An activity the workflow waits for. */
export interface PendingActivity {
  readonly activity: string;
  readonly seq: number;
  readonly input: unknown;
  /** When the workflow asked for it. */
  readonly requestedAt: Date;
  /** Attempts that failed so far. */
  readonly failedAttempts: number;
  /** The error of the last failed attempt. */
  readonly lastError?: SerializedError;
  /** When the next attempt may start; in the past when it is due. */
  readonly nextAttemptAt: Date;
  /** "backoff": waiting for its retry time; "running": the lease holder runs it; "due": waiting for a worker. */
  readonly state: "backoff" | "running" | "due";
}

/** A signal await of the workflow (awaitSignal), until its timeout. */
export interface PendingSignalAwait {
  readonly signal: string;
  readonly seq: number;
  readonly since: Date;
  readonly until: Date;
}

/** A sleep of the workflow. */
export interface PendingTimer {
  readonly seq: number;
  readonly since: Date;
  readonly until: Date;
}

/** A child run the workflow waits for (runChild). */
export interface PendingChild {
  readonly workflow: string;
  readonly runId: string;
  readonly since: Date;
}

/** A completion token the workflow awaits (ctx.awaitToken). */
export interface PendingTokenAwait {
  readonly tokenId: string;
  readonly since: Date;
  /** When the token times out; absent: never. */
  readonly until?: Date;
}

/** A published event the workflow waits for (ctx.waitForEvent). */
export interface PendingEventWait {
  readonly event: string;
  /** Only events with this key; absent: any. */
  readonly key?: string;
  readonly seq: number;
  readonly since: Date;
  readonly until: Date;
}

/** What the run's workflow waits for now; every list is empty once the run ended. */
export interface WaitingFor {
  readonly activities: readonly PendingActivity[];
  readonly signals: readonly PendingSignalAwait[];
  readonly timers: readonly PendingTimer[];
  readonly children: readonly PendingChild[];
  readonly tokens: readonly PendingTokenAwait[];
  readonly events: readonly PendingEventWait[];
}

/** A signal in the run's inbox that no await consumed yet. */
export interface ReceivedSignal {
  readonly signal: string;
  readonly externalId: string;
  readonly message: unknown;
  readonly receivedAt: Date;
}

/** A run with what it waits for: describeRun's answer. */
export interface RunDescription extends RunInfo {
  readonly state: RunState;
  /** The worker that holds the run now, and until when (absent when no lease is live). */
  readonly lease?: { readonly owner: string; readonly until: Date };
  /** When a worker looks at the run next; absent when only a signal or a cancel wakes it. */
  readonly wakeAt?: Date;
  readonly waitingFor: WaitingFor;
  /** Signals received and not consumed yet, oldest first (at most 100). */
  readonly inbox: readonly ReceivedSignal[];
  /**
   * Runs that wait for each other with this one, none of which can end: this run first, then
   * the child it waits for, and so on around the cycle (each waits for the next, the last for
   * this one). Absent when the run is in no such cycle (looked for up to 64 runs away).
   */
  readonly waitCycle?: readonly { readonly workflow: string; readonly runId: string }[];
}
