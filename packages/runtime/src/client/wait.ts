/**
 * Resolves after `ms`, or earlier when `signal` aborts or `subscribe` calls back.
 * `subscribe` registers a wake-up and returns its unsubscribe function.
 */
export function waitFor(ms: number, signal?: AbortSignal, subscribe?: (wake: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let unsubscribe: (() => void) | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      unsubscribe?.();
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    unsubscribe = subscribe?.(done);
  });
}
