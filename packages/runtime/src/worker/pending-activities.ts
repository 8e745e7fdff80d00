import type { ActivityOptions, ActivityRegistration } from "../api.js";
import { toMillis } from "../duration.js";
import type { RunExecutor } from "../replay/executor.js";
import { mergeOptions } from "./retry.js";

/**
 * An activity a run has requested and that has no answer yet, as the worker holding the run
 * tracks it. Not to be confused with a row of the store's `tasks` table (TaskRow, TaskRetry):
 * such a row exists only for a pending activity whose retry waits or that sent a heartbeat.
 */
export interface PendingActivity {
  readonly target: string;
  readonly seq: number;
  /** Attempts made so far. */
  attempt: number;
  /** When the next attempt may start, ms since the epoch. */
  readyAt: number;
  /** Set while an attempt runs here (and until its completion is applied). */
  controller: AbortController | undefined;
  /** A row in the store's tasks table exists (written when a retry was scheduled, or by a heartbeat). */
  persisted: boolean;
  /** Details of the last heartbeat (JSON text), handed to the next attempt. */
  lastHeartbeat: string | null | undefined;
  /**
   * The activity queue its attempts go through (see ActivitySlots), once known: undefined until
   * looked up, null for none.
   */
  queue?: string | null | undefined;
  /** An attempt of it holds a slot of its queue (from when it was granted until the attempt ends). */
  slot?: boolean | undefined;
  /** Its next attempt waits for a slot of its queue: it is not due until this step asks again and gets one. */
  awaitingSlot?: boolean | undefined;
}

/** The map key of an activity of a run: its name and sequence. */
export function activityKey(target: string, seq: number): string {
  return `${target}\u0000${seq}`;
}

/** A pending activity with no attempt made yet, due at `readyAt`. */
export function newPendingActivity(target: string, seq: number, readyAt: number): PendingActivity {
  return { target, seq, attempt: 0, readyAt, controller: undefined, persisted: false, lastHeartbeat: undefined };
}

/** Where an activity's request is recorded: the executor of its run (see RunExecutor.activityInput). */
type RequestSource = Pick<RunExecutor, "activityInput">;

/** The options the attempts of a requested activity run with: its registration's, overridden by the call's. */
export function attemptOptions(
  registration: ActivityRegistration | undefined,
  requests: RequestSource,
  target: string,
  seq: number,
): ActivityOptions {
  const registered = typeof registration === "function" ? undefined : registration;
  return mergeOptions(registered, requests.activityInput(target, seq)?.options);
}

/** When every attempt of the activity must have ended (scheduleToCloseTimeout from its request), if ever. */
export function closeByOf(
  options: ActivityOptions,
  requests: RequestSource,
  target: string,
  seq: number,
): number | undefined {
  const { scheduleToCloseTimeout } = options;
  const issuedAt = requests.activityInput(target, seq)?.issuedAt;
  if (scheduleToCloseTimeout === undefined || issuedAt === undefined) return undefined;
  return issuedAt + toMillis(scheduleToCloseTimeout);
}
