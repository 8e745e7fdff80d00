import type { Clock, Logger } from "../api.js";
import type { RunKey } from "../history/index.js";
import { serializeError } from "../serialize-error.js";

/** An attempt that failed and will be retried. */
export interface FailedAttempt {
  readonly key: RunKey;
  readonly activity: string;
  readonly seq: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly error: unknown;
  /** When the next attempt may start, ms since the epoch. */
  readonly retryAt: number;
}

/** One warning per activity name per window; the first failure of an activity is always logged. */
export const RETRY_LOG_WINDOW_MS = 30_000;

/**
 * Warns about failed attempts that will be retried, so an activity that fails on every
 * attempt (retried forever by default) is not silent. Throttled per activity name: within a
 * window, further failures of the same activity are counted, and the next warning says how
 * many there were.
 */
export class RetryLog {
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #windowMs: number;
  /** Per "namespace/activity": when it was last logged and the failures since. Bounded by the activity names. */
  readonly #last = new Map<string, { at: number; unlogged: number }>();

  constructor(logger: Logger, clock: Clock, windowMs = RETRY_LOG_WINDOW_MS) {
    this.#logger = logger;
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  failed(failure: FailedAttempt): void {
    const now = this.#clock.now();
    const name = `${failure.key.namespace}/${failure.activity}`;
    const last = this.#last.get(name);
    if (last !== undefined && now - last.at < this.#windowMs) {
      last.unlogged++;
      return;
    }
    this.#last.set(name, { at: now, unlogged: 0 });
    this.#logger.warn(messageOf(failure, last?.unlogged ?? 0, this.#windowMs), fieldsOf(failure, last?.unlogged ?? 0));
  }
}

function messageOf(failure: FailedAttempt, unlogged: number, windowMs: number): string {
  const { key, activity, seq, attempt, retryAt } = failure;
  const error = serializeError(failure.error);
  const more =
    unlogged === 0
      ? ""
      : `; ${unlogged} other failed ${unlogged === 1 ? "attempt" : "attempts"} of activity ${activity} since the last warning (one warning per activity every ${windowMs / 1000} s)`;
  return `activity ${activity}#${seq} of run ${key.workflow}/${key.runId} failed on attempt ${attempt} with ${error.name}: ${error.message}; retrying at ${new Date(retryAt).toISOString()}${more}`;
}

function fieldsOf(failure: FailedAttempt, unlogged: number): Record<string, unknown> {
  const { key, activity, seq, attempt, retryAt } = failure;
  const error = serializeError(failure.error);
  return {
    runId: key.runId,
    workflow: key.workflow,
    activity,
    seq,
    attempt,
    retryAt: new Date(retryAt).toISOString(),
    error: { name: error.name, message: error.message },
    ...(unlogged === 0 ? {} : { unlogged }),
  };
}
