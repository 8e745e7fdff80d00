import { RunNotFoundError, RunTerminatedError } from "../../errors.js";
import { isEnded, newEvent, type RunKey, RunStatus } from "../../history/index.js";
import type { SignalToSend } from "../step-write.js";
import { endingToParent } from "./children.js";
import type { ParentLink, PlacedEvent } from "./new-run.js";

/** What terminating reads of a run. */
export interface TerminableRun {
  readonly status: string;
  readonly iteration: number;
  readonly version: number;
  readonly parent: ParentLink | null;
}

/** A terminated run's new state, its `terminated` event, and the ending its waiting parent receives. */
export interface Termination {
  readonly set: {
    readonly status: RunStatus;
    readonly errorText: string;
    readonly resultText: null;
    readonly wakeAt: null;
    readonly leaseOwner: null;
    readonly leaseUntil: null;
    /** One up: the step of a worker still running the run is refused (the fence). */
    readonly version: number;
    readonly updatedAt: number;
  };
  readonly event: PlacedEvent;
  /** Delivered to the parent that waits for the run (runChild), as a ChildWorkflowFailure there. */
  readonly toParent: SignalToSend | undefined;
}

/**
 * See Client.terminateRun: any run that has not ended ends as terminated with the reason, a
 * stuck one included, whatever it was doing: its lease is cleared and its version moves on, so
 * a worker that holds it has its next commit refused and aborts what it runs (it notices at its
 * next lease renewal, or at once in the process that terminated it). Its retry rows and queue
 * slots are deleted with it. Undefined when the run has ended already; throws RunNotFoundError.
 */
export function termination(
  key: RunKey,
  run: TerminableRun | undefined,
  reason: string,
  now: number,
): Termination | undefined {
  if (run === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  if (isEnded(run.status)) return undefined;
  // No stack: where the store happened to be when it terminated the run says nothing.
  const { name, message, code } = new RunTerminatedError(key.runId, reason);
  const errorText = JSON.stringify({ name, message, code });
  return {
    set: {
      status: RunStatus.Terminated,
      errorText,
      resultText: null,
      wakeAt: null,
      leaseOwner: null,
      leaseUntil: null,
      version: run.version + 1,
      updatedAt: now,
    },
    event: { iteration: run.iteration, pos: null, event: newEvent.terminated(reason, now) },
    toParent: endingToParent(key, run.parent, { status: RunStatus.Terminated, resultText: null, errorText }),
  };
}
