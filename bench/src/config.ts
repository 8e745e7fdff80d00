/** How much work each workload does; `--quick` is a smoke test for CI, not a measurement. */
export interface Sizes {
  readonly w1: { readonly runs: number; readonly steps: readonly number[] };
  readonly w2: { readonly runs: number; readonly steps: number; readonly concurrency: readonly number[] };
  readonly w3: { readonly short: number; readonly long: number; readonly trials: number };
  readonly w4: { readonly signals: number };
  readonly w5: { readonly sleeps: number; readonly sleepMs: number };
  /** Runs of `steps` no-op steps through one queue of `concurrency`. */
  readonly wq: { readonly runs: number; readonly steps: number; readonly concurrency: number };
  /** Preloaded ended runs (with their events) and waiting runs; W1 and W2 runs measured on empty then preloaded tables. */
  readonly w6: { readonly ended: number; readonly waiting: number; readonly w1Runs: number; readonly w2Runs: number };
  /** Worker process counts, and the runs they share. */
  readonly w7: { readonly workers: readonly number[]; readonly runs: number };
  /** Runs suspended in one worker's cache, and the activities of the fan-out run. */
  readonly w8: { readonly suspended: number; readonly fanOut: number };
  /** Updates, then queries, sent to one run per system, from this process and from another. */
  readonly w9: { readonly updates: number; readonly queries: number };
  /**
   * Streams: chunks for latency (in `rounds`, `paceMs` apart, read in another process), and
   * chunks written as fast as one activity can, in `trials`.
   */
  readonly w10: {
    readonly latencyChunks: number;
    readonly paceMs: number;
    readonly rounds: number;
    readonly throughputChunks: number;
    readonly trials: number;
  };
  readonly floor: { readonly commits: number; readonly batchRows: number; readonly batches: number };
  /** Runs of `steps` steps with 1 MiB activity results (offloaded, in the row) and small ones. */
  readonly w11: { readonly runs: number; readonly steps: number };
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
  w6: { ended: 1_000_000, waiting: 100_000, w1Runs: 100, w2Runs: 1000 },
  w7: { workers: [1, 2, 4], runs: 2000 },
  w8: { suspended: 10_000, fanOut: 1000 },
  w9: { updates: 200, queries: 200 },
  w10: { latencyChunks: 1000, paceMs: 10, rounds: 4, throughputChunks: 5000, trials: 3 },
  floor: { commits: 2000, batchRows: 1000, batches: 20 },
  w11: { runs: 40, steps: 5 },
  warmup: 20,
};

export const QUICK: Sizes = {
  w1: { runs: 10, steps: [0, 1, 3, 10] },
  w2: { runs: 50, steps: 3, concurrency: [16, 64] },
  w3: { short: 20, long: 200, trials: 1 },
  w4: { signals: 20 },
  w5: { sleeps: 20, sleepMs: 100 },
  wq: { runs: 50, steps: 3, concurrency: 16 },
  w6: { ended: 10_000, waiting: 1000, w1Runs: 10, w2Runs: 50 },
  w7: { workers: [1, 2], runs: 100 },
  w8: { suspended: 500, fanOut: 100 },
  w9: { updates: 20, queries: 20 },
  w10: { latencyChunks: 60, paceMs: 10, rounds: 2, throughputChunks: 1000, trials: 1 },
  floor: { commits: 100, batchRows: 200, batches: 5 },
  w11: { runs: 3, steps: 2 },
  warmup: 3,
};
