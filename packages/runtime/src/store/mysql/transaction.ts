import type { Pool } from "mysql2/promise";
import type { Transaction } from "../../api.js";

/**
 * Runs `work` in a transaction: the caller's (`tx`, which it commits or rolls back itself,
 * so we never BEGIN/COMMIT on it) or our own on a pool connection. The one place where
 * replaykit opens transactions.
 */
export async function inTransaction<T>(
  pool: Pool,
  tx: Transaction | undefined,
  work: (conn: Transaction) => Promise<T>,
  isolation?: "READ COMMITTED",
): Promise<T> {
  if (tx !== undefined) return work(tx);
  const conn = await pool.getConnection();
  try {
    // Applies to the next transaction only; skipped where the default (REPEATABLE READ) will do.
    if (isolation !== undefined) await conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
    await conn.query("BEGIN");
    try {
      const result = await work(conn);
      await conn.query("COMMIT");
      return result;
    } catch (error) {
      await conn.query("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    conn.release();
  }
}
