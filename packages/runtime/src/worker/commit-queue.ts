import type { StepResult, StepWrite } from "../store/types.js";

interface Waiting {
  readonly step: StepWrite;
  resolve(result: StepResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit: steps submitted while a batch is being written wait and go out together in
 * the next one, so concurrent runs share a transaction and an fsync. A lone step is written
 * at once, so a quiet worker pays no extra latency.
 */
export class CommitQueue {
  readonly #write: (steps: readonly StepWrite[]) => Promise<StepResult[]>;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #onBatch: (steps: number) => void;
  #waiting: Waiting[] = [];
  #inFlight = 0;

  constructor(
    write: (steps: readonly StepWrite[]) => Promise<StepResult[]>,
    options: { maxInFlight: number; maxBatch: number; onBatch?: (steps: number) => void },
  ) {
    this.#write = write;
    this.#maxInFlight = options.maxInFlight;
    this.#maxBatch = options.maxBatch;
    this.#onBatch = options.onBatch ?? (() => {});
  }

  submit(step: StepWrite): Promise<StepResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ step, resolve, reject });
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#maxInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#maxBatch);
      this.#onBatch(batch.length);
      this.#inFlight++;
      void this.#send(batch);
    }
  }

  async #send(batch: Waiting[]): Promise<void> {
    try {
      const results = await this.#write(batch.map((waiting) => waiting.step));
      batch.forEach((waiting, i) => {
        const result = results[i];
        if (result) waiting.resolve(result);
        else waiting.reject(new Error("the batch writer returned no result for a step"));
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.#inFlight--;
      this.#flush();
    }
  }
}
