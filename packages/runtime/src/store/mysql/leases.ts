import type { Pool, ResultSetHeader } from "mysql2/promise";
import { type RunKey, RunStatus } from "../../history/index.js";
import { parking } from "../rules/park.js";
import type { HeldRun } from "../types.js";
import { unlessPausedSql } from "./pause.js";
import { nullableText, type Row, text } from "./rows.js";
import { whereRunKeys } from "./run-keys.js";
import { inTransaction } from "./transaction.js";

/**
 * Extends the leases this owner still holds on `runs` (of one namespace). Keyed by run, so
 * it reads and locks only those primary-key rows.
 */
export async function renewLeases(pool: Pool, p: string, runs: readonly RunKey[], owner: string, until: number) {
  if (runs.length === 0) return 0;
  const where = whereRunKeys(runs);
  const [result] = await pool.query<ResultSetHeader>(
    // A renewal shows the holder's event loop runs: the run is not stalling it (see MAX_STALLS).
    `UPDATE ${p}runs SET lease_until = ?, stalls = 0, stall_mark = 0 WHERE ${where.sql} AND lease_owner = ?`,
    [until, ...where.args, owner],
  );
  return result.affectedRows;
}

/** Sets a held run's stall count and mark back to 0 (it ran a step without blocking its worker). */
export async function clearStalls(pool: Pool, p: string, run: RunKey, owner: string): Promise<void> {
  await pool.query(
    `UPDATE ${p}runs SET stalls = 0, stall_mark = 0
      WHERE namespace = ? AND workflow = ? AND run_id = ? AND lease_owner = ? AND (stalls > 0 OR stall_mark = 1)`,
    [run.namespace, run.workflow, run.runId, owner],
  );
}

/** Marks a held run as about to run its code after a takeover (see MAX_STALLS). */
export async function markStall(pool: Pool, p: string, run: RunKey, owner: string): Promise<void> {
  await pool.query(
    `UPDATE ${p}runs SET stall_mark = 1 WHERE namespace = ? AND workflow = ? AND run_id = ? AND lease_owner = ?`,
    [run.namespace, run.workflow, run.runId, owner],
  );
}

/**
 * See EngineStore.heldRuns: what may have changed under the holder of `runs` (signals, requests,
 * cancels, a pause; an operator that ended or reset the run), by primary key.
 */
export async function heldRuns(pool: Pool, p: string, runs: readonly RunKey[]): Promise<HeldRun[]> {
  if (runs.length === 0) return [];
  const where = whereRunKeys(runs);
  const namespace = runs[0]?.namespace ?? "";
  const [rows] = await pool.query<Row[]>(
    `SELECT workflow, run_id, wake_gen, request_gen, cancel_requested, paused, status, version FROM ${p}runs WHERE ${where.sql}`,
    where.args,
  );
  return rows.map((row) => ({
    key: { namespace, workflow: text(row.workflow), runId: text(row.run_id) },
    wakeGen: Number(row.wake_gen),
    requestGen: Number(row.request_gen),
    cancelRequested: Number(row.cancel_requested) === 1,
    paused: Number(row.paused) === 1,
    status: text(row.status),
    version: Number(row.version),
  }));
}

/**
 * Gives up every lease and queue slot this owner holds, leaving the runs due now unless paused
 * (a scan of the namespace: at stop only). The slots' waiting attempts are woken by the sweep
 * of a worker that serves their queue (wakeSlotWaiters).
 */
export async function releaseAll(pool: Pool, p: string, namespace: string, owner: string, now: number) {
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE ${p}runs SET lease_owner = NULL, lease_until = NULL, wake_at = ${unlessPausedSql("?")}
      WHERE namespace = ? AND lease_owner = ? AND status = ?`,
    [now, namespace, owner, RunStatus.Running],
  );
  await pool.query(`DELETE FROM ${p}queue_slots WHERE namespace = ? AND owner = ?`, [namespace, owner]);
  return result.affectedRows;
}

/** Releases one run's lease and the queue slots its attempts held here (e.g. after its step failed to load). */
export async function release(pool: Pool, p: string, key: RunKey, owner: string, wakeAt: number | null): Promise<void> {
  const pk = [key.namespace, key.workflow, key.runId];
  await pool.query(
    `UPDATE ${p}runs SET lease_owner = NULL, lease_until = NULL, wake_at = ${unlessPausedSql("?")}
      WHERE namespace = ? AND workflow = ? AND run_id = ? AND lease_owner = ?`,
    [wakeAt, ...pk, owner],
  );
  await pool.query(`DELETE FROM ${p}queue_slots WHERE namespace = ? AND workflow = ? AND run_id = ? AND owner = ?`, [
    ...pk,
    owner,
  ]);
}

/**
 * Parks a run: status stuck, the error stored, the lease released, never woken again; the rule
 * is parking (rules/park.ts), applied to the locked row. False when it refuses.
 */
export async function park(
  pool: Pool,
  p: string,
  key: RunKey,
  request: { owner: string; errorText: string; now: number; version: number | undefined },
): Promise<boolean> {
  return inTransaction(pool, undefined, async (conn) => {
    const [rows] = await conn.query<Row[]>(
      `SELECT status, lease_owner, lease_until, version FROM ${p}runs
        WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`,
      [key.namespace, key.workflow, key.runId],
    );
    const row = rows[0];
    const run = row && {
      status: text(row.status),
      leaseOwner: nullableText(row.lease_owner),
      leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
      version: Number(row.version),
    };
    const parked = parking(run, request);
    if (parked === undefined) return false;
    await conn.query(
      `UPDATE ${p}runs SET status = ?, error = ?, wake_at = ?, lease_owner = ?, lease_until = ?, version = ?, updated_at = ?
        WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [
        parked.status,
        parked.errorText,
        parked.wakeAt,
        parked.leaseOwner,
        parked.leaseUntil,
        parked.version,
        parked.updatedAt,
        key.namespace,
        key.workflow,
        key.runId,
      ],
    );
    return true;
  });
}
