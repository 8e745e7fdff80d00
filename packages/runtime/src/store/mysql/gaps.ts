import type { Pool, RowDataPacket } from "mysql2/promise";
import { isLockConflict } from "./db-errors.js";
import { inTransaction } from "./transaction.js";

/** What a probe found about a range of ids missing from the log. */
export type GapState = "open" | "committed" | "rolled-back";

// How long to look again before calling an empty range rolled back: InnoDB assigns an
// auto-increment id a moment before the row exists, and we must not skip that moment.
const CONFIRM_EMPTY_MS = 10;

/**
 * Finds out why ids `from..to` are missing. A locking read with NOWAIT on ids that an
 * open transaction inserted fails at once; without a lock conflict, rows mean those
 * transactions committed meanwhile, and nothing means they rolled back (or the insert
 * failed after taking its id): such ids will never appear.
 */
export async function probeGap(pool: Pool, p: string, from: number, to: number): Promise<GapState> {
  const first = await probeOnce(pool, p, from, to);
  if (first !== "rolled-back") return first;
  await new Promise((resolve) => setTimeout(resolve, CONFIRM_EMPTY_MS));
  return probeOnce(pool, p, from, to);
}

async function probeOnce(pool: Pool, p: string, from: number, to: number): Promise<GapState> {
  try {
    // READ COMMITTED: no gap locks, so ids that do not exist lock nothing.
    const rows = await inTransaction(
      pool,
      undefined,
      async (conn) => {
        const [found] = await conn.query<RowDataPacket[]>(
          `SELECT id FROM ${p}events WHERE id BETWEEN ? AND ? FOR UPDATE NOWAIT`,
          [from, to],
        );
        return found;
      },
      "READ COMMITTED",
    );
    return rows.length > 0 ? "committed" : "rolled-back";
  } catch (error) {
    if (isLockConflict(error)) return "open";
    throw error;
  }
}
