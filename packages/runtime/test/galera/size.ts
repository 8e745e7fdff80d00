/** CI size by default; `CHAOS_SIZE=full` (npm run chaos -- --galera) for the full run. */
export interface GaleraChaosSize {
  readonly name: "ci" | "full";
  readonly runs: number;
  /** Each node to SIGKILL and restart, in order, and the share of completed runs that triggers it. */
  readonly kills: readonly { readonly node: number; readonly afterCompleted: number }[];
  readonly completeWithinMs: number;
  readonly batch: number;
  readonly batchIntervalMs: number;
}

export function galeraChaosSize(): GaleraChaosSize {
  if (process.env.CHAOS_SIZE === "full") {
    return {
      name: "full",
      runs: 5000,
      // The second kill takes the node the producer and the audit prefer.
      kills: [
        { node: 1, afterCompleted: 0.25 },
        { node: 0, afterCompleted: 0.6 },
      ],
      completeWithinMs: 30 * 60_000,
      // Spread over about two minutes, so runs are still starting while the nodes die.
      batch: 25,
      batchIntervalMs: 600,
    };
  }
  return {
    name: "ci",
    runs: 1000,
    kills: [{ node: 1, afterCompleted: 0.3 }],
    completeWithinMs: 150_000,
    batch: 25,
    batchIntervalMs: 150,
  };
}
