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
