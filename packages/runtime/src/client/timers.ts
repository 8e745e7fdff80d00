import type { Clock, Timers } from "../api.js";

/** Node's timers overflow above 2^31 - 1 ms (about 24.8 days) and fire at once; wait in pieces below it. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Timers on real time, aimed at the client's clock: `at(time)` fires once `clock.now()` has
 * reached `time`, however far away (never synchronously), and reads the clock again each
 * time Node's timer fires, so a clock corrected meanwhile is followed. Timers do not keep
 * the process alive.
 */
export function realTimers(clock: Clock): Timers {
  return {
    at(time, fn) {
      let timer: NodeJS.Timeout;
      const arm = (delay: number): void => {
        timer = setTimeout(check, Math.min(Math.max(0, delay), MAX_TIMEOUT_MS));
        timer.unref?.();
      };
      const check = (): void => {
        const left = time - clock.now();
        if (left <= 0) fn();
        else arm(left);
      };
      arm(time - clock.now());
      return () => clearTimeout(timer);
    },
  };
}
