/**
 * A value read from the database at most every `maxAgeMs`, for observable gauges: a metrics
 * collection awaits a read only when the last one is older, concurrent collections share it,
 * and a failed read keeps the last value. Never on a worker's hot path.
 */
export class PeriodicReading<T> {
  readonly #read: () => Promise<T>;
  readonly #maxAgeMs: number;
  #value: T | undefined;
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;

  constructor(read: () => Promise<T>, maxAgeMs: number) {
    this.#read = read;
    this.#maxAgeMs = maxAgeMs;
  }

  async get(): Promise<T | undefined> {
    if (performance.now() - this.#readAt >= this.#maxAgeMs) {
      this.#reading ??= this.#refresh();
      await this.#reading;
    }
    return this.#value;
  }

  async #refresh(): Promise<void> {
    try {
      this.#value = await this.#read();
    } catch {
      // The database is away: report the last value; the next collection tries again.
    } finally {
      this.#readAt = performance.now();
      this.#reading = undefined;
    }
  }
}
