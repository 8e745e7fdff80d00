import type { ActivityFn, ActivityRegistration } from "../api.js";
import type { RunKey } from "../history/index.js";
import type { RunExecutor } from "../replay/executor.js";
import type { WorkflowSpan } from "../telemetry/tracing.js";
import type { Attempt } from "./activity-runner.js";
import { attemptOptions, closeByOf, type PendingActivity } from "./pending-activities.js";
import type { StepChanges } from "./step-changes.js";
import { timeoutOf } from "./timeouts.js";

/*
 * What a run actor's step hands to an attempt and to its timers: pure helpers over the run's
 * executor, kept apart from the actor's own protocol.
 */

/** The run an attempt belongs to, as the attempt sees it. */
export interface AttemptScope {
  readonly key: RunKey;
  readonly iteration: number;
  readonly executor: RunExecutor;
  readonly registered: Readonly<Record<string, ActivityRegistration>>;
  readonly span: WorkflowSpan;
}

/**
 * The next attempt of `activity`, or undefined when this worker lacks it or the workflow no
 * longer waits for it. Marks the activity as running (its `controller`), which it stays until
 * the completion is applied, so no step sees it as due again.
 */
export function attemptOf(scope: AttemptScope, activity: PendingActivity): Attempt | undefined {
  const { key, iteration, executor, span } = scope;
  const { target, seq } = activity;
  const registration = scope.registered[target];
  const stored = executor.activityInput(target, seq);
  if (!registration || !stored) return undefined;
  const fn: ActivityFn = typeof registration === "function" ? registration : registration.fn;
  const controller = new AbortController();
  activity.controller = controller;
  const options = attemptOptions(registration, executor, target, seq);
  return {
    key,
    iteration,
    target,
    seq,
    attempt: activity.attempt + 1,
    inputText: stored.inputText,
    options,
    fn,
    controller,
    lastHeartbeat: activity.lastHeartbeat,
    closeBy: closeByOf(options, executor, target, seq),
    onHeartbeat: (detailsText) => {
      activity.lastHeartbeat = detailsText;
      // The heartbeat writes a row (see recordHeartbeat): delete it with the answer.
      activity.persisted = true;
    },
    // So does the attempt's first stream write (see AttemptStreams).
    onStreamed: () => {
      activity.persisted = true;
    },
    span,
  };
}

/**
 * Fires the expired sleeps, and signal, condition, token and event timeouts of `executor` at
 * `now`, earliest first (see timeoutOf: what a timeout also changes in `step`); true when it fired any.
 */
export async function applyTimers(
  executor: RunExecutor,
  step: StepChanges,
  now: number,
  clock: () => number,
): Promise<boolean> {
  let delivered = false;
  for (;;) {
    const expired = executor
      .pending()
      .filter((command) => command.deadline !== undefined && command.deadline <= now)
      .sort((a, b) => (a.deadline ?? 0) - (b.deadline ?? 0) || a.seq - b.seq);
    const first = expired[0];
    if (!first) return delivered;
    delivered = true;
    const timedOut = timeoutOf(first, step, clock());
    await executor.deliver(timedOut, timedOut.payloadText === null ? null : { timedOut: true });
  }
}
