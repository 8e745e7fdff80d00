import type { ActivityOptions, ActivityRegistration } from "../api.js";
import { toMillis } from "../duration.js";
import { ActivityTimeoutError } from "../errors.js";
import { errorText, newEvent, type RunKey } from "../history/index.js";
import { decodePayload } from "../json.js";
import type { RunExecutor } from "../replay/executor.js";
import { serializeError } from "../serialize-error.js";
import type { AttemptResult } from "./activity-runner.js";
import { activityKey, attemptOptions, closeByOf, type PendingActivity } from "./pending-activities.js";
import { nextRetryDelay } from "./retry.js";
import type { FailedAttempt } from "./retry-log.js";
import type { StepChanges } from "./step-changes.js";

/** What a failed attempt leads to: another attempt at `at`, or the failure the workflow gets. */
export type AfterFailure = { readonly retryAt: number } | { readonly failure: unknown };

/**
 * Decides what a failed attempt leads to: a retry by the activity's policy, unless the error
 * is final (no retry may help) or the retry would start at or after the scheduleToClose
 * deadline `closeBy`, which fails the activity for good with an ActivityTimeoutError.
 */
export function afterFailure(
  failed: { readonly target: string; readonly attempt: number; readonly error: unknown; readonly final: boolean },
  options: ActivityOptions,
  closeBy: number | undefined,
  now: number,
): AfterFailure {
  const delay = failed.final ? undefined : nextRetryDelay(options.retry, failed.attempt, failed.error);
  if (delay === undefined) return { failure: failed.error };
  if (closeBy === undefined || now + delay < closeBy) return { retryAt: now + delay };
  // No attempt fits before scheduleToCloseTimeout: the activity fails for good.
  const ms = toMillis(options.scheduleToCloseTimeout ?? 0);
  const failure = new ActivityTimeoutError(failed.target, ms, "scheduleToClose");
  failure.cause = failed.error;
  return { failure };
}

/** What applying the results of attempts needs of the run's actor. */
export interface CompletionScope {
  readonly key: RunKey;
  readonly executor: RunExecutor;
  readonly pending: Map<string, PendingActivity>;
  readonly step: StepChanges;
  /** The step's time: a retry waits from then. */
  readonly now: number;
  /** The activities this worker has: the options of their registrations apply. */
  readonly registered: Readonly<Record<string, ActivityRegistration>>;
  readonly host: {
    /** The time of the events delivered. */
    now(): number;
    /** A throttled warning that an attempt failed and will be retried. */
    logRetry(failure: FailedAttempt): void;
  };
}

/**
 * Applies the results of attempts that ended, in the order they ended: a result or a failure
 * for good is delivered to the workflow (and its tasks row, if any, deleted with the step);
 * a failure that will be retried becomes a tasks row that waits for its time.
 */
export async function applyCompletions(completions: AttemptResult[], scope: CompletionScope): Promise<void> {
  for (let completion = completions.shift(); completion; completion = completions.shift()) {
    const { target, seq, attempt } = completion;
    const activity = scope.pending.get(activityKey(target, seq));
    if (activity) activity.controller = undefined;
    if ("resultText" in completion) {
      forgetActivity(scope, target, seq);
      const result = decodePayload(completion.resultText, `result of activity ${target}#${seq}`);
      const payload = { result, attempts: attempt };
      const event = newEvent.activityResult(target, seq, completion.resultText, attempt, scope.host.now());
      await scope.executor.deliver(event, payload);
      continue;
    }
    const options = attemptOptions(scope.registered[target], scope.executor, target, seq);
    const closeBy = closeByOf(options, scope.executor, target, seq);
    const next = afterFailure(completion, options, closeBy, scope.now);
    if ("retryAt" in next && activity) {
      scheduleRetry(scope, activity, completion, next.retryAt);
      continue;
    }
    const error = serializeError("failure" in next ? next.failure : completion.error);
    forgetActivity(scope, target, seq);
    const event = newEvent.activityError(target, seq, error, attempt, scope.host.now());
    await scope.executor.deliver(event, { error, attempts: attempt });
  }
}

/** The next attempt waits for `retryAt`: a tasks row says so, written with the step. */
function scheduleRetry(
  scope: CompletionScope,
  activity: PendingActivity,
  failed: { readonly attempt: number; readonly error: unknown },
  retryAt: number,
): void {
  const { target, seq } = activity;
  const { attempt, error } = failed;
  activity.attempt = attempt;
  activity.readyAt = retryAt;
  const lastError = errorText(serializeError(error));
  scope.step.taskWrites.push({ target, seq, attempt, readyAt: retryAt, lastError });
  activity.persisted = true;
  scope.host.logRetry({ key: scope.key, activity: target, seq, attempt, error, retryAt });
}

/** The activity was answered: it is pending no more, and its tasks row (if any) goes with the step. */
function forgetActivity(scope: CompletionScope, target: string, seq: number): void {
  const key = activityKey(target, seq);
  if (scope.pending.get(key)?.persisted) scope.step.taskDeletes.push({ target, seq });
  scope.pending.delete(key);
}
