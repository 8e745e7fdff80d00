import type { RunKey, RunStatus } from "../history/index.js";
import type { PayloadAccess } from "./open-events.js";
import type { RunFilter } from "./rules/run-filter.js";

/*
 * Bulk actions (client.bulk) as the stores keep them: a batch (what it does to which runs, and
 * how far its listing got) and its items (each run it listed, and what it did to it).
 */

/** What a bulk action does to each run it lists. */
export const BULK_ACTIONS = ["cancel", "terminate", "pause", "unpause", "resume", "reset", "signal", "purge"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The signal a bulk `signal` sends every run: one external id for the batch, so a retry is no second signal. */
export interface BulkSignal {
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string;
}

/** What a batch does: the action, the runs it selects, and what the action needs. */
export interface BulkSpec {
  readonly action: BulkAction;
  /** listRuns's filter (with tags), checked again for each run under its lock. */
  readonly filter: RunFilter;
  /** `signal`: what to send. */
  readonly signal?: BulkSignal | undefined;
  /** `reset`: the step to go back to; undefined: each run's first failing step (firstFailingStep). */
  readonly toStep?: number | undefined;
  /** `resume` and `reset`: the code version to pin the runs to. */
  readonly codeVersion?: string | undefined;
  /** `terminate`: the reason stored with each run. */
  readonly reason?: string | undefined;
}

/** A batch as stored. */
export interface BulkBatch {
  readonly namespace: string;
  readonly batchId: string;
  readonly spec: BulkSpec;
  /** Every run the filter selected is an item: the listing is over. */
  readonly listed: boolean;
  /** Where the listing goes on (listRuns's cursor); undefined at its start. */
  readonly listCursor: string | undefined;
}

/** What a batch did to one run: done, skipped (it stopped matching, or had nothing to change) or failed. */
export type BulkOutcome =
  | { readonly outcome: "done" }
  | { readonly outcome: "skipped"; readonly reason: string }
  | { readonly outcome: "failed"; readonly reason: string };

/** A run a batch failed to act on, and why. */
export interface BulkFailure {
  readonly workflow: string;
  readonly runId: string;
  readonly reason: string;
}

/** How far a batch got. */
export interface BulkProgress {
  readonly batchId: string;
  /** Runs the filter selected (so far, while the listing goes on). */
  readonly matched: number;
  readonly done: number;
  /** Runs that stopped matching since they were listed, or that had nothing to change. */
  readonly skipped: number;
  readonly failed: number;
  /** The runs it failed to act on, with the reason (at most 1000). */
  readonly failures: readonly BulkFailure[];
}

/** A batch as Client.describeBulk tells of it: what it does, and how far it got. */
export interface BulkDescription extends BulkProgress {
  readonly action: BulkAction;
  /** Its listing is over: `matched` counts every run its filter selected. */
  readonly listed: boolean;
  /** Every run it listed was acted on (see rules/bulk.ts: bulkFinished): its id has nothing left to do. */
  readonly finished: boolean;
}

/** The most failures a progress report lists. */
export const MAX_BULK_FAILURES = 1000;

/** A batch's spec as JSON (times as ms), for the batch row. */
export function encodeBulkSpec(spec: BulkSpec): string {
  const { createdAfter, createdBefore, ...filter } = spec.filter;
  return JSON.stringify({
    ...spec,
    filter: {
      ...filter,
      ...(createdAfter === undefined ? {} : { createdAfter: createdAfter.getTime() }),
      ...(createdBefore === undefined ? {} : { createdBefore: createdBefore.getTime() }),
    },
  });
}

export function decodeBulkSpec(text: string): BulkSpec {
  const stored = JSON.parse(text) as Omit<BulkSpec, "filter"> & {
    filter: Omit<RunFilter, "createdAfter" | "createdBefore"> & { createdAfter?: number; createdBefore?: number };
  };
  const { createdAfter, createdBefore, ...filter } = stored.filter;
  return {
    ...stored,
    filter: {
      ...filter,
      ...(createdAfter === undefined ? {} : { createdAfter: new Date(createdAfter) }),
      ...(createdBefore === undefined ? {} : { createdBefore: new Date(createdBefore) }),
    },
  };
}

/** What bulk actions need of a store. */
export interface BulkStore {
  /** Creates the batch, or returns the one stored under its id (whose spec the caller compares). */
  openBulk(namespace: string, batchId: string, spec: BulkSpec, now: number): Promise<BulkBatch>;
  /**
   * Adds listed runs as pending items (a run listed before is kept as it is) and moves the
   * listing on to `cursor` (`listed`: it is over), in one transaction.
   */
  addBulkItems(
    namespace: string,
    batchId: string,
    runs: readonly Pick<RunKey, "workflow" | "runId">[],
    cursor: string | undefined,
    listed: boolean,
    now: number,
  ): Promise<void>;
  /** Up to `limit` items not acted on yet. */
  pendingBulkItems(namespace: string, batchId: string, limit: number): Promise<Pick<RunKey, "workflow" | "runId">[]>;
  /**
   * Acts on one run of the batch, in one transaction with the record of what it did: the run is
   * locked, checked against the filter again (skipped when it stopped matching), acted on, and
   * its item marked. An item acted on before is not acted on again: its outcome is returned.
   * `access`: how a terminate or reset reads encoded payloads, and what a purge tells the
   * payload store (see PayloadAccess).
   */
  applyBulkItem(
    batch: BulkBatch,
    run: Pick<RunKey, "workflow" | "runId">,
    now: number,
    access?: PayloadAccess,
  ): Promise<BulkOutcome>;
  bulkProgress(namespace: string, batchId: string): Promise<BulkProgress>;
  /** The batch stored under `batchId`, or undefined when there is none. */
  readBulk(namespace: string, batchId: string): Promise<BulkBatch | undefined>;
}

/** The statuses a bulk purge deletes: every run that no worker advances (stuck ones included, as asked). */
export function purgeable(status: RunStatus | string): boolean {
  return status !== "running";
}
