import type { ActivityOptions, RetryPolicy } from "../api.js";
import { toMillis } from "../duration.js";
import { NonRetryableError } from "../errors.js";

const DEFAULT_INITIAL_MS = 1000;
const DEFAULT_COEFFICIENT = 2;
const DEFAULT_MAX_MS = 100_000;

/** Merges registration options with per-call options; the call wins. */
export function mergeOptions(
  registered: ActivityOptions | undefined,
  call: ActivityOptions | undefined,
): ActivityOptions {
  const retry = { ...registered?.retry, ...call?.retry };
  const timeout = call?.timeout ?? registered?.timeout;
  const heartbeatTimeout = call?.heartbeatTimeout ?? registered?.heartbeatTimeout;
  const scheduleToCloseTimeout = call?.scheduleToCloseTimeout ?? registered?.scheduleToCloseTimeout;
  const queue = call?.queue ?? registered?.queue;
  const concurrencyKey = call?.concurrencyKey ?? registered?.concurrencyKey;
  const streamBatch =
    registered?.streamBatch || call?.streamBatch ? { ...registered?.streamBatch, ...call?.streamBatch } : undefined;
  return {
    retry,
    ...(timeout === undefined ? {} : { timeout }),
    ...(heartbeatTimeout === undefined ? {} : { heartbeatTimeout }),
    ...(scheduleToCloseTimeout === undefined ? {} : { scheduleToCloseTimeout }),
    ...(queue === undefined ? {} : { queue }),
    ...(concurrencyKey === undefined ? {} : { concurrencyKey }),
    ...(streamBatch === undefined ? {} : { streamBatch }),
  };
}

/** The delay before attempt `attempt + 1`, or undefined when no attempt is left or the error says so. */
export function nextRetryDelay(policy: RetryPolicy | undefined, attempt: number, error: unknown): number | undefined {
  if (error instanceof NonRetryableError || (error as { nonRetryable?: unknown } | null)?.nonRetryable === true) {
    return undefined;
  }
  const maxAttempts = policy?.maxAttempts ?? Number.POSITIVE_INFINITY;
  if (attempt >= maxAttempts) return undefined;
  const initial = toMillis(policy?.initialInterval ?? DEFAULT_INITIAL_MS);
  const coefficient = policy?.backoffCoefficient ?? DEFAULT_COEFFICIENT;
  const max = toMillis(policy?.maxInterval ?? DEFAULT_MAX_MS);
  return Math.min(initial * coefficient ** Math.max(0, attempt - 1), max);
}
