import { ReplayError } from "../../errors.js";
import { type RunKey, runKeyId } from "../../history/index.js";
import {
  type BulkBatch,
  type BulkOutcome,
  type BulkProgress,
  type BulkSpec,
  MAX_BULK_FAILURES,
} from "../bulk-records.js";
import type { PayloadAccess } from "../open-events.js";
import { type BulkOperations, bulkOutcome } from "../rules/bulk.js";
import { resetRun, resumeRun, setPaused, terminateRun } from "./operations.js";
import { deleteRuns } from "./purge.js";
import type { BulkRow, MemoryTables } from "./tables.js";
import { addClientSignal, requestCancel } from "./writes.js";

/*
 * Bulk actions in memory, as store/mysql/bulk.ts keeps them. Each item is acted on and marked
 * in one synchronous call, which stands in for the transaction MySQL uses.
 */

const idOf = (namespace: string, batchId: string) => `${namespace}/${batchId}`;

/** See BulkStore.openBulk. */
export function openBulk(db: MemoryTables, namespace: string, batchId: string, spec: BulkSpec): BulkBatch {
  const known = db.bulks.get(idOf(namespace, batchId));
  if (known) return known.batch;
  const batch = { namespace, batchId, spec, listed: false, listCursor: undefined };
  db.bulks.set(idOf(namespace, batchId), { batch, items: new Map() });
  return batch;
}

/** See BulkStore.addBulkItems. */
export function addBulkItems(
  db: MemoryTables,
  namespace: string,
  batchId: string,
  runs: readonly Pick<RunKey, "workflow" | "runId">[],
  cursor: string | undefined,
  listed: boolean,
): void {
  const row = rowOf(db, namespace, batchId);
  for (const run of runs) {
    const id = runKeyId(run);
    if (!row.items.has(id)) {
      row.items.set(id, { workflow: run.workflow, runId: run.runId, outcome: undefined, acting: false });
    }
  }
  row.batch = { ...row.batch, listed, listCursor: cursor };
}

/** See BulkStore.pendingBulkItems. */
export function pendingBulkItems(
  db: MemoryTables,
  namespace: string,
  batchId: string,
  limit: number,
): Pick<RunKey, "workflow" | "runId">[] {
  const pending: Pick<RunKey, "workflow" | "runId">[] = [];
  for (const item of rowOf(db, namespace, batchId).items.values()) {
    if (pending.length >= limit) break;
    if (item.outcome === undefined) pending.push({ workflow: item.workflow, runId: item.runId });
  }
  return pending;
}

/**
 * See BulkStore.applyBulkItem. The item is taken (`acting`) before the action, so a second
 * batch call with the same id does not act on it too; every operation of the in-memory store is
 * synchronous, which stands in for MySQL's transaction.
 */
export async function applyBulkItem(
  db: MemoryTables,
  batch: BulkBatch,
  target: Pick<RunKey, "workflow" | "runId">,
  now: number,
  access: PayloadAccess = {},
): Promise<BulkOutcome> {
  const item = rowOf(db, batch.namespace, batch.batchId).items.get(runKeyId(target));
  if (item === undefined) {
    throw new ReplayError("INVALID_BULK", `run ${runKeyId(target)} is not an item of batch ${batch.batchId}`);
  }
  if (item.outcome !== undefined) return item.outcome;
  if (item.acting) return { outcome: "skipped", reason: "another call of the batch acts on it" };
  item.acting = true;
  try {
    item.outcome = await actOn(db, batch, { namespace: batch.namespace, ...target }, now, access);
  } finally {
    item.acting = false;
  }
  db.changed(true);
  return item.outcome;
}

/** The batch's action on one run (see bulkOutcome), with the in-memory store's operations. */
async function actOn(
  db: MemoryTables,
  batch: BulkBatch,
  key: RunKey,
  now: number,
  { open, purging }: PayloadAccess,
): Promise<BulkOutcome> {
  const operations: BulkOperations = {
    cancel: (run) => requestCancel(db, run, now).length > 0,
    terminate: (run, reason) => terminateRun(db, run, reason, now, open),
    setPaused: (run, paused) => setPaused(db, run, paused, now),
    resume: (run, codeVersion) => resumeRun(db, run, codeVersion, now),
    reset: (run, toStep, codeVersion) => resetRun(db, run, { toStep, codeVersion }, now, open),
    signal: (run, signal) => addClientSignal(db, run, signal, now),
    purge: async (run) => {
      await purging?.([run]);
      const row = db.run(run);
      if (row) deleteRuns(db, [row]);
    },
  };
  return bulkOutcome(batch.spec, key, db.run(key), operations);
}

/** See BulkStore.readBulk. */
export function readBulk(db: MemoryTables, namespace: string, batchId: string): BulkBatch | undefined {
  return db.bulks.get(idOf(namespace, batchId))?.batch;
}

/** See BulkStore.bulkProgress. */
export function bulkProgress(db: MemoryTables, namespace: string, batchId: string): BulkProgress {
  const counts = { matched: 0, done: 0, skipped: 0, failed: 0 };
  const failures: { workflow: string; runId: string; reason: string }[] = [];
  for (const item of rowOf(db, namespace, batchId).items.values()) {
    counts.matched++;
    if (item.outcome === undefined) continue;
    counts[item.outcome.outcome]++;
    if (item.outcome.outcome === "failed" && failures.length < MAX_BULK_FAILURES) {
      failures.push({ workflow: item.workflow, runId: item.runId, reason: item.outcome.reason });
    }
  }
  return { batchId, ...counts, failures };
}

function rowOf(db: MemoryTables, namespace: string, batchId: string): BulkRow {
  const row = db.bulks.get(idOf(namespace, batchId));
  if (row === undefined)
    throw new ReplayError(
      "INVALID_BULK",
      `no bulk batch ${JSON.stringify(batchId)} in namespace ${JSON.stringify(namespace)}`,
    );
  return row;
}
