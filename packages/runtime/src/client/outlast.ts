import { DatabaseUnreachableError } from "../errors.js";
import { waitFor } from "./wait.js";

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** Where a long wait stands while the database is away. */
export interface OutlastOptions {
  /** Give up (rethrow the last DatabaseUnreachableError) at this Date.now() value. */
  readonly deadline?: number | undefined;
  /** Stop retrying when aborted; `read` then resolves to undefined. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs `read`, retrying with back-off (100 ms doubling to 5 s) while it throws
 * DatabaseUnreachableError, so a wait documented to last outlasts a database restart.
 * Other errors are rethrown at once. Resolves to undefined when `signal` aborts.
 */
export async function outlastOutage<T>(read: () => Promise<T>, opts: OutlastOptions = {}): Promise<T | undefined> {
  let retryMs = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof DatabaseUnreachableError)) throw error;
      const left = (opts.deadline ?? Number.POSITIVE_INFINITY) - Date.now();
      if (left <= 0) throw error;
      await waitFor(Math.min(retryMs, left), opts.signal);
      if (opts.signal?.aborted) return undefined;
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }
}
