/** How much work each workload does; `--quick` is a smoke test for CI, not a measurement. */
export interface Sizes {
  readonly w1: { readonly runs: number; readonly steps: readonly number[] };
  readonly w2: { readonly runs: number; readonly steps: number; readonly concurrency: readonly number[] };
  readonly w3: { readonly short: number; readonly long: number; readonly trials: number };
  readonly w4: { readonly signals: number };
  readonly w5: { readonly sleeps: number; readonly sleepMs: number };
  /** Runs of `steps` no-op steps through one queue of `concurrency`. */
  readonly wq: { readonly runs: number; readonly steps: number; readonly concurrency: number };
  readonly floor: { readonly commits: number; readonly batchRows: number; readonly batches: number };
  /** Untimed runs before each timed series. */
  readonly warmup: number;
}

export const FULL: Sizes = {
  w1: { runs: 200, steps: [0, 1, 3, 10] },
  w2: { runs: 2000, steps: 3, concurrency: [16, 64] },
  w3: { short: 100, long: 1000, trials: 3 },
  w4: { signals: 200 },
  w5: { sleeps: 200, sleepMs: 100 },
  wq: { runs: 2000, steps: 3, concurrency: 16 },
  floor: { commits: 2000, batchRows: 1000, batches: 20 },
  warmup: 20,
};

export const QUICK: Sizes = {
  w1: { runs: 10, steps: [0, 1, 3, 10] },
  w2: { runs: 50, steps: 3, concurrency: [16, 64] },
  w3: { short: 20, long: 200, trials: 1 },
  w4: { signals: 20 },
  w5: { sleeps: 20, sleepMs: 100 },
  wq: { runs: 50, steps: 3, concurrency: 16 },
  floor: { commits: 100, batchRows: 200, batches: 5 },
  warmup: 3,
};
