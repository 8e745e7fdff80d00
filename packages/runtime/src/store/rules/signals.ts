import { RunEndedError } from "../../errors.js";
import { isEnded, type RunKey } from "../../history/index.js";

/**
 * Whether a client's signal to a run in `status` is stored (undefined: the run does not exist
 * yet, and the signal waits for it). A run that has ended takes no signals: see refusedSignal.
 */
export function takesSignals(status: string | undefined): boolean {
  return status === undefined || !isEnded(status);
}

/**
 * The answer to a client's signal that an ended run did not take: false when the same signal
 * (run, name, external id) was stored before, since the call is a retry of one that got
 * through; RunEndedError otherwise, storing nothing.
 */
export function refusedSignal(key: RunKey, status: string, signal: string, storedBefore: boolean): false {
  if (storedBefore) return false;
  throw new RunEndedError(key.namespace, key.workflow, key.runId, status, signal);
}

/**
 * More unconsumed signals than this, and a run read for a worker (EngineStore.readRun) comes
 * without its inbox: the worker reads the signals it awaits by name instead, so a run with a
 * backlog is never read whole on the way.
 */
export const INBOX_READ_ALONG = 16;

/** A run's unconsumed signals (in arrival order) as readRun hands them along, or undefined when there are too many. */
export function inboxReadAlong<T>(unconsumed: readonly T[]): T[] | undefined {
  return unconsumed.length > INBOX_READ_ALONG ? undefined : [...unconsumed];
}
