import type { Pool } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { ReplayError } from "../../errors.js";
import { decodeTags, type RunKey } from "../../history/index.js";
import {
  type BulkBatch,
  type BulkOutcome,
  type BulkProgress,
  type BulkSpec,
  decodeBulkSpec,
  encodeBulkSpec,
  MAX_BULK_FAILURES,
} from "../bulk-records.js";
import type { PayloadAccess } from "../open-events.js";
import { type BulkOperations, bulkOutcome } from "../rules/bulk.js";
import type { FilterableRun } from "../rules/run-filter.js";
import { resetRun, resumeRun, setPaused, terminateRun } from "./operations.js";
import { deleteRunRows } from "./purge.js";
import { nullableText, type Row, text } from "./rows.js";
import { valueRows } from "./statements.js";
import { inTransaction } from "./transaction.js";
import { insertClientSignal, requestCancel } from "./writes.js";

/*
 * Bulk actions (client.bulk): a batch row, and an item a run it listed. Each item is acted on in
 * a transaction of its own that locks the item and the run, checks the filter again, acts, and
 * marks the item: a batch continued after a crash does nothing twice.
 */

const BATCH = "namespace = ? AND batch_id = ?";

/** See BulkStore.openBulk. */
export async function openBulk(pool: Pool, p: string, namespace: string, batchId: string, spec: BulkSpec, now: number) {
  // A batch opened before keeps its spec: the caller compares it with what it asked for.
  await pool.query(
    `INSERT INTO ${p}bulk_batches (namespace, batch_id, action, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE batch_id = batch_id`,
    [namespace, batchId, spec.action, encodeBulkSpec(spec), now, now],
  );
  const batch = await readBulk(pool, p, namespace, batchId);
  if (batch === undefined) throw new ReplayError("INVALID_BULK", `bulk batch ${batchId} vanished while it was opened`);
  return batch;
}

/** See BulkStore.readBulk. */
export async function readBulk(pool: Pool, p: string, namespace: string, batchId: string) {
  const [rows] = await pool.query<Row[]>(`SELECT spec, listed, list_cursor FROM ${p}bulk_batches WHERE ${BATCH}`, [
    namespace,
    batchId,
  ]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const batch: BulkBatch = {
    namespace,
    batchId,
    spec: decodeBulkSpec(text(row.spec)),
    listed: Number(row.listed) === 1,
    listCursor: nullableText(row.list_cursor) ?? undefined,
  };
  return batch;
}

/** See BulkStore.addBulkItems. */
export async function addBulkItems(
  pool: Pool,
  p: string,
  namespace: string,
  batchId: string,
  runs: readonly Pick<RunKey, "workflow" | "runId">[],
  cursor: string | undefined,
  listed: boolean,
  now: number,
): Promise<void> {
  await inTransaction(pool, undefined, async (conn) => {
    if (runs.length > 0) {
      await conn.query(
        // A run listed before (the listing went on after a crash) keeps its item as it is.
        `INSERT INTO ${p}bulk_items (namespace, batch_id, workflow, run_id, outcome, updated_at) VALUES ${valueRows(runs.length, 6)}
         ON DUPLICATE KEY UPDATE run_id = run_id`,
        runs.flatMap((run) => [namespace, batchId, run.workflow, run.runId, "pending", now]),
      );
    }
    await conn.query(`UPDATE ${p}bulk_batches SET listed = ?, list_cursor = ?, updated_at = ? WHERE ${BATCH}`, [
      listed ? 1 : 0,
      cursor ?? null,
      now,
      namespace,
      batchId,
    ]);
  });
}

/** See BulkStore.pendingBulkItems: through bulk_items_outcome, so items done are not read again. */
export async function pendingBulkItems(pool: Pool, p: string, namespace: string, batchId: string, limit: number) {
  const [rows] = await pool.query<Row[]>(
    `SELECT workflow, run_id FROM ${p}bulk_items WHERE ${BATCH} AND outcome = 'pending' ORDER BY workflow, run_id LIMIT ?`,
    [namespace, batchId, limit],
  );
  return rows.map((row) => ({ workflow: text(row.workflow), runId: text(row.run_id) }));
}

/** See BulkStore.applyBulkItem. */
export async function applyBulkItem(
  pool: Pool,
  p: string,
  batch: BulkBatch,
  target: Pick<RunKey, "workflow" | "runId">,
  now: number,
  access: PayloadAccess = {},
): Promise<BulkOutcome> {
  const { namespace, batchId } = batch;
  const item = [namespace, batchId, target.workflow, target.runId];
  return inTransaction(pool, undefined, async (conn) => {
    const [items] = await conn.query<Row[]>(
      `SELECT outcome, reason FROM ${p}bulk_items WHERE ${BATCH} AND workflow = ? AND run_id = ? FOR UPDATE`,
      item,
    );
    const known = items[0];
    if (known === undefined) {
      throw new ReplayError(
        "INVALID_BULK",
        `run ${target.workflow}/${target.runId} is not an item of batch ${batchId}`,
      );
    }
    if (text(known.outcome) !== "pending") return storedOutcome(known);
    const key = { namespace, ...target };
    const outcome = await bulkOutcome(batch.spec, key, await lockRun(conn, p, key), operationsOn(conn, p, now, access));
    await conn.query(
      `UPDATE ${p}bulk_items SET outcome = ?, reason = ?, updated_at = ? WHERE ${BATCH} AND workflow = ? AND run_id = ?`,
      [outcome.outcome, "reason" in outcome ? outcome.reason : null, now, ...item],
    );
    return outcome;
  });
}

/** The store's operations on a run locked in `conn` (see BulkOperations). */
function operationsOn(conn: Transaction, p: string, now: number, { open, purging }: PayloadAccess): BulkOperations {
  return {
    cancel: async (key) => (await requestCancel(conn, p, key, now)).length > 0,
    terminate: (key, reason) => terminateRun(conn, p, key, reason, now, open),
    setPaused: (key, paused) => setPaused(conn, p, key, paused, now),
    resume: (key, codeVersion) => resumeRun(conn, p, key, codeVersion, now),
    reset: (key, toStep, codeVersion) => resetRun(conn, p, key, { toStep, codeVersion }, now, open),
    signal: (key, signal) => insertClientSignal(conn, p, key, signal, now),
    purge: async (key) => {
      await purging?.([key]);
      await deleteRunRows(conn, p, key.namespace, [key]);
    },
  };
}

/** Locks the run row and reads what the filter checks. */
async function lockRun(conn: Transaction, p: string, key: RunKey): Promise<FilterableRun | undefined> {
  const [rows] = await conn.query<Row[]>(
    `SELECT status, code_version, queue, created_at, tags FROM ${p}runs
      WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`,
    [key.namespace, key.workflow, key.runId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    workflow: key.workflow,
    runId: key.runId,
    status: text(row.status),
    codeVersion: nullableText(row.code_version),
    queue: nullableText(row.queue),
    createdAt: Number(row.created_at),
    tags: decodeTags(nullableText(row.tags), `tags of run ${key.runId}`),
  };
}

function storedOutcome(row: Row): BulkOutcome {
  const outcome = text(row.outcome);
  const reason = nullableText(row.reason) ?? "";
  return outcome === "failed" ? { outcome, reason } : outcome === "skipped" ? { outcome, reason } : { outcome: "done" };
}

/** See BulkStore.bulkProgress. */
export async function bulkProgress(pool: Pool, p: string, namespace: string, batchId: string): Promise<BulkProgress> {
  const [counts] = await pool.query<Row[]>(
    `SELECT outcome, COUNT(*) AS n FROM ${p}bulk_items WHERE ${BATCH} GROUP BY outcome`,
    [namespace, batchId],
  );
  const tally = { matched: 0, done: 0, skipped: 0, failed: 0 };
  for (const row of counts) {
    const outcome = text(row.outcome);
    tally.matched += Number(row.n);
    if (outcome === "done" || outcome === "skipped" || outcome === "failed") tally[outcome] += Number(row.n);
  }
  const [failures] = await pool.query<Row[]>(
    `SELECT workflow, run_id, reason FROM ${p}bulk_items WHERE ${BATCH} AND outcome = 'failed' ORDER BY workflow, run_id LIMIT ?`,
    [namespace, batchId, MAX_BULK_FAILURES],
  );
  return {
    batchId,
    ...tally,
    failures: failures.map((row) => ({
      workflow: text(row.workflow),
      runId: text(row.run_id),
      reason: nullableText(row.reason) ?? "",
    })),
  };
}
