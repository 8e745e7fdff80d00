import type { Pool, RowDataPacket } from "mysql2/promise";

/** The last event id `consumer` handled in `namespace`, or undefined for a new consumer. */
export async function loadCursor(
  pool: Pool,
  p: string,
  namespace: string,
  consumer: string,
): Promise<number | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT last_id FROM ${p}cursors WHERE namespace = ? AND consumer = ?`,
    [namespace, consumer],
  );
  const row = rows[0];
  return row === undefined ? undefined : Number(row.last_id);
}

/** Stores the last event id `consumer` handled. */
export async function saveCursor(
  pool: Pool,
  p: string,
  namespace: string,
  consumer: string,
  lastId: number,
  now: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO ${p}cursors (namespace, consumer, last_id, updated_at) VALUES (?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE last_id = ?, updated_at = ?`,
    [namespace, consumer, lastId, now, lastId, now],
  );
}
