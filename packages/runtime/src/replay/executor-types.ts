/*
 * The types an executor is built with and ends with (see RunExecutor in executor.ts).
 */

/** Identity of the run an executor replays. */
export interface RunIdentity {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  /** Seed of random()/uuid() when not the run's own: a fork keeps its source's ("ns/workflow/runId"). */
  readonly seed?: string | undefined;
  /**
   * The iteration whose random()/uuid() stream this one continues: a reset's new iteration
   * replays the steps it copied from that one with the values they were recorded with.
   */
  readonly seedIteration?: number | undefined;
  /** The tick of the schedule that started the run, ms since the epoch. */
  readonly scheduledAt?: number | undefined;
}

/** What the driver gives an executor besides the run's identity. */
export interface ExecutorOptions {
  readonly maxPayloadBytes: number;
  /**
   * The id of a new completion token (ctx.createToken past the end of history): random, so it
   * comes from the driver, and the history records it. Default: none (creating a token fails).
   */
  readonly newTokenId?: () => string;
}

/** How an iteration ended. */
export type Outcome =
  | { readonly kind: "completed"; readonly result: unknown }
  | { readonly kind: "failed"; readonly error: unknown }
  | { readonly kind: "restart"; readonly input: unknown };
