import type { Clock } from "../api.js";

/** A clock that moves only when told to; for tests (e.g. to finish a one-year sleep at once). */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the time to `ms` since the epoch. */
  set(ms: number): void;
}

/**
 * @example
 * const clock = manualClock(Date.parse("2030-01-01T00:00:00Z"));
 * const client = createClient({ pool }, { clock });
 * clock.advance(365 * 86_400_000);
 */
export function manualClock(startMs: number = Date.now()): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}
