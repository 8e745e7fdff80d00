import { RunNotFoundError, RunTerminatedError } from "../../errors.js";
import { type ChildRequest, EventType, isEnded, newEvent, type RunKey, RunStatus } from "../../history/index.js";
import type { SignalToSend } from "../step-write.js";
import { endingToParent } from "./children.js";
import { readPayload, type SourceEvent } from "./fork.js";
import type { ParentLink, PlacedEvent } from "./new-run.js";

/** What terminating reads of a run. */
export interface TerminableRun {
  readonly status: string;
  readonly iteration: number;
  readonly version: number;
  readonly parent: ParentLink | null;
  /** The events of its current iteration: the children it waits for are asked to cancel. */
  readonly events: readonly SourceEvent[];
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
  /** The children the run waits for (runChild) that have not ended: asked to cancel, as the parent close policy has it. */
  readonly cancelChildren: readonly RunKey[];
}

/**
 * See Client.terminateRun: any run that has not ended ends as terminated with the reason, a
 * stuck one included, whatever it was doing: its lease is cleared and its version moves on, so
 * a worker that holds it has its next commit refused and aborts what it runs (it notices at its
 * next lease renewal, or at once in the process that terminated it). Its retry rows and queue
 * slots and event waits are deleted with it, its open update and query requests end and its
 * streams close as when a step ends a run (requestsAtEnd, in rules/requests.ts), and the children it waits for are asked to cancel (the
 * parent close policy, see childrenToCancelOnEnd); those started with startChild live on. Undefined when the
 * run has ended already; throws RunNotFoundError.
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
    cancelChildren: waitedChildrenIn(key.namespace, run.events),
  };
}

/** The children an iteration's events wait for (runChild requests without a response), in request order. */
export function waitedChildrenIn(namespace: string, events: readonly SourceEvent[]): RunKey[] {
  const answered = new Set<string>();
  for (const event of events) {
    if (event.type === EventType.ChildResponse) answered.add(`${event.target}#${event.seq}`);
  }
  const waited: RunKey[] = [];
  for (const event of events) {
    if (event.type !== EventType.ChildRequest || answered.has(`${event.target}#${event.seq}`)) continue;
    const request = readPayload(event) as ChildRequest;
    if (request.wait) waited.push({ namespace, workflow: event.target, runId: request.runId });
  }
  return waited;
}
