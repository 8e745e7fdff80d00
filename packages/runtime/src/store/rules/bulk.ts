import { ReplayError } from "../../errors.js";
import type { RunKey } from "../../history/index.js";
import { type BulkBatch, type BulkOutcome, type BulkProgress, type BulkSpec, purgeable } from "../bulk-records.js";
import { type FilterableRun, runMatches } from "./run-filter.js";

/**
 * What a store does to one run for a bulk action, with the run locked: each operation of the
 * store's own, and whether it changed anything (false: there was nothing to do). A ReplayError
 * an operation throws (RunNotResumableError, say) fails the item with its message; it throws
 * before it writes anything.
 */
export interface BulkOperations {
  cancel(key: RunKey): Promise<boolean> | boolean;
  terminate(key: RunKey, reason: string): Promise<boolean> | boolean;
  setPaused(key: RunKey, paused: boolean): Promise<boolean> | boolean;
  resume(key: RunKey, codeVersion: string | undefined): Promise<void> | void;
  reset(key: RunKey, toStep: number | undefined, codeVersion: string | undefined): Promise<unknown> | unknown;
  signal(key: RunKey, signal: NonNullable<BulkSpec["signal"]>): Promise<boolean> | boolean;
  purge(key: RunKey): Promise<void> | void;
}

/** The reason terminated runs carry when a bulk terminate names none. */
export const BULK_TERMINATE_REASON = "terminated by a bulk action";

/**
 * A bulk action on one run as the batch's item records it. A run that is gone, or that no longer
 * matches the batch's filter (checked again under its lock), is skipped, as is one the action
 * had nothing to change in (a run paused already, say); a refusal fails it with the reason.
 */
export async function bulkOutcome(
  spec: BulkSpec,
  key: RunKey,
  run: FilterableRun | undefined,
  operations: BulkOperations,
): Promise<BulkOutcome> {
  if (run === undefined) return { outcome: "skipped", reason: "the run does not exist any more" };
  if (!runMatches(run, spec.filter)) return { outcome: "skipped", reason: "it no longer matches the filter" };
  try {
    return await act(spec, key, run, operations);
  } catch (error) {
    if (error instanceof ReplayError) return { outcome: "failed", reason: error.message };
    throw error;
  }
}

async function act(spec: BulkSpec, key: RunKey, run: FilterableRun, ops: BulkOperations): Promise<BulkOutcome> {
  const changed = (done: boolean, reason: string): BulkOutcome =>
    done ? { outcome: "done" } : { outcome: "skipped", reason };
  switch (spec.action) {
    case "cancel":
      return changed(await ops.cancel(key), "it has ended, or a cancel was requested before");
    case "terminate":
      return changed(await ops.terminate(key, spec.reason ?? BULK_TERMINATE_REASON), "it has ended");
    case "pause":
      return changed(await ops.setPaused(key, true), "it is paused already, or has ended");
    case "unpause":
      return changed(await ops.setPaused(key, false), "it is not paused");
    case "resume":
      await ops.resume(key, spec.codeVersion);
      return { outcome: "done" };
    case "reset":
      await ops.reset(key, spec.toStep, spec.codeVersion);
      return { outcome: "done" };
    case "signal":
      if (spec.signal === undefined) throw new ReplayError("INVALID_BULK", "a bulk signal needs `signal`");
      return changed(await ops.signal(key, spec.signal), "it got this batch's signal before");
    case "purge":
      if (!purgeable(run.status)) {
        return { outcome: "failed", reason: `it is ${run.status}: cancel or terminate it before purging it` };
      }
      await ops.purge(key);
      return { outcome: "done" };
  }
}

/**
 * Whether a batch is over: its listing is, and every run it listed has an outcome. One that is
 * not may be running, or may have been cut short (its caller stopped): a bulk call with its id
 * goes on.
 */
export function bulkFinished(batch: Pick<BulkBatch, "listed">, progress: BulkProgress): boolean {
  return batch.listed && progress.done + progress.skipped + progress.failed === progress.matched;
}
