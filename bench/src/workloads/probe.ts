/**
 * Timestamps recorded from inside workflow code, keyed so that only the first sighting counts:
 * a replay of the same code later finds the key taken and records nothing. The probe never
 * feeds a value back into the workflow, so its commands (and determinism) are unchanged.
 */
export class FirstSeen {
  readonly #times = new Map<string, number>();
  readonly #waiters = new Map<string, () => void>();

  mark(key: string): void {
    if (this.#times.has(key)) return;
    this.#times.set(key, performance.now());
    this.#waiters.get(key)?.();
    this.#waiters.delete(key);
  }

  time(key: string): number | undefined {
    return this.#times.get(key);
  }

  /** Resolves once `key` is marked; rejects after `timeoutMs` with what to check. */
  waitFor(key: string, timeoutMs: number): Promise<void> {
    if (this.#times.has(key)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        reject(
          new Error(
            `probe "${key}" not reached within ${timeoutMs} ms: the workflow did not resume; check the worker logs`,
          ),
        );
      }, timeoutMs);
      this.#waiters.set(key, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
