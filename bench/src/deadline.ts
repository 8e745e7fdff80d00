/** Longest wait for one run's result: a hung engine fails the bench instead of stalling it. */
export const RESULT_TIMEOUT_MS = 120_000;

export class BenchTimeoutError extends Error {
  override readonly name = "BenchTimeoutError";
}

/** `promise`, or a BenchTimeoutError naming `what` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new BenchTimeoutError(`${what} did not finish within ${ms} ms: the engine hangs; see the log above`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Ends the process if the whole run takes longer than `ms` (the exit handler stops the servers). */
export function watchdog(ms: number, log: (message: string) => void): void {
  setTimeout(() => {
    log(`the bench exceeded ${Math.round(ms / 1000)} s: a workload hangs (see the last progress line); exiting`);
    process.exit(1);
  }, ms).unref();
}
