import { RunTimeoutError } from "../errors.js";
import { newEvent } from "../history/index.js";
import type { AttemptResult } from "./activity-runner.js";
import { applyTimers } from "./attempts.js";
import { applyCompletions, type CompletionScope } from "./completions.js";
import type { RunInbox } from "./inbox.js";
import { waitedChildren, waitedEvents } from "./outbox.js";
import type { RunRequests } from "./run-requests.js";

/** What a step's deliveries need of the run's actor, besides what applying attempts' results does. */
export interface DeliveryScope extends CompletionScope {
  /** A cancel was requested: delivered once. */
  readonly cancelRequested: boolean;
  /** When the run times out (runWorkflow's `timeout`). */
  readonly deadline: number | undefined;
  /** Results of attempts that ended since the last step, in the order they ended. */
  readonly completions: AttemptResult[];
  readonly inbox: RunInbox;
  readonly requests: RunRequests;
  /** Whether the step delivers arrivals: not while the run is paused (rules/pause.ts: takesArrivals). */
  readonly takesArrivals: boolean;
  /** When each signal the step consumes was stored, for the signal-to-resume delay. */
  readonly signalArrivals: number[];
}

/**
 * Delivers to the workflow what happened: a cancel, its timeout, ended attempts, the inbox, due
 * timers and requests, into the step's changes. A paused run gets the ended attempts only: the
 * rest waits for its unpause. True when it delivered arrivals (anything besides those attempts).
 */
export async function deliverStep(scope: DeliveryScope): Promise<boolean> {
  const { key, executor, step, now, host, takesArrivals } = scope;
  let tookArrivals = false;
  if (takesArrivals && scope.cancelRequested && !executor.cancelDelivered && !executor.outcome) {
    // Cancelling a run cancels the children it waits for, and ends its event waits.
    step.cancelChildren.push(...waitedChildren(key, executor));
    step.eventWaitsEnded.push(...waitedEvents(executor));
    await executor.deliver(newEvent.cancelDelivered(host.now()), null);
    tookArrivals = true;
  }
  if (takesArrivals && scope.deadline !== undefined && now >= scope.deadline && !executor.outcome) {
    step.cancelChildren.push(...waitedChildren(key, executor));
    executor.failRun(new RunTimeoutError(key.runId, scope.deadline));
    tookArrivals = true;
  }
  await applyCompletions(scope.completions, scope);
  if (!takesArrivals) return tookArrivals;
  return (await deliverArrivals(scope)) || tookArrivals;
}

/** Delivers the inbox, due timers and requests; true when any moved the workflow. */
async function deliverArrivals(scope: DeliveryScope): Promise<boolean> {
  const { executor, step, now, host, inbox, requests } = scope;
  let tookArrivals = false;
  // A timer, signal or update may make the workflow wait for another signal: repeat until nothing moves.
  for (;;) {
    // Requests are taken up before the inbox is read, and the inbox is read again when any
    // came: a signal stored before an update was sent is delivered first, even when its
    // wake-up has not reached this actor yet (the update offered in-process, or found stored).
    if (await requests.arrive()) {
      inbox.recheck();
      tookArrivals = true;
    }
    const moved =
      (await inbox.apply(executor, step, scope.signalArrivals)) ||
      (await applyTimers(executor, step, now, () => host.now())) ||
      (await requests.apply(executor, step));
    if (moved) tookArrivals = true;
    if (!moved || executor.fault || executor.outcome) return tookArrivals;
  }
}
