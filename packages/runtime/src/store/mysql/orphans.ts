import type { Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import type { OrphanedSignal } from "../types.js";
import { text } from "./rows.js";

// Signals joined to their run; the run side is NULL when there is no such run.
const ORPHANS = (p: string) => `${p}signals s LEFT JOIN ${p}runs r
  ON r.namespace = s.namespace AND r.workflow = s.workflow AND r.run_id = s.run_id
  WHERE s.namespace = ? AND r.run_id IS NULL`;

/** Signals of the namespace whose run does not exist, oldest first. */
export async function listOrphanedSignals(
  pool: Pool,
  p: string,
  namespace: string,
  limit: number,
): Promise<OrphanedSignal[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT s.workflow, s.run_id, s.signal_name, s.external_id, s.created_at FROM ${ORPHANS(p)}
     ORDER BY s.created_at, s.id LIMIT ?`,
    [namespace, limit],
  );
  return rows.map((row) => ({
    workflow: text(row.workflow),
    runId: text(row.run_id),
    signal: text(row.signal_name),
    externalId: text(row.external_id),
    createdAt: new Date(Number(row.created_at)),
  }));
}

/**
 * Deletes the namespace's signals stored before `before` whose run does not exist, and the
 * offloaded payloads (their messages) stored for such runs before then. The joins read the runs
 * they check with locks, so a run created meanwhile keeps its early signals and payloads.
 */
export async function purgeOrphanedSignals(pool: Pool, p: string, namespace: string, before: number): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(`DELETE s FROM ${ORPHANS(p)} AND s.created_at < ?`, [
    namespace,
    before,
  ]);
  await pool.query(
    `DELETE pl FROM ${p}payloads pl LEFT JOIN ${p}runs r
      ON r.namespace = pl.namespace AND r.workflow = pl.workflow AND r.run_id = pl.run_id
      WHERE pl.namespace = ? AND r.run_id IS NULL AND pl.created_at < ?`,
    [namespace, before],
  );
  return result.affectedRows;
}
