/** CI size by default; `CHAOS_SIZE=full` (npm run chaos) for the full run. */
export interface ChaosSize {
  readonly name: "ci" | "full";
  readonly runs: number;
  /** Runs of the tokens-and-events workflow ("waits"), started beside the others. */
  readonly waitRuns: number;
  /** How long the runs may take to complete, in ms. */
  readonly completeWithinMs: number;
  /** Runs started a batch, and the pause between batches (spreads the runs over the kills). */
  readonly batch: number;
  readonly batchIntervalMs: number;
}

export function chaosSize(): ChaosSize {
  if (process.env.CHAOS_SIZE === "full")
    return { name: "full", runs: 5000, waitRuns: 1000, completeWithinMs: 30 * 60_000, batch: 50, batchIntervalMs: 100 };
  return { name: "ci", runs: 150, waitRuns: 30, completeWithinMs: 150_000, batch: 10, batchIntervalMs: 800 };
}
