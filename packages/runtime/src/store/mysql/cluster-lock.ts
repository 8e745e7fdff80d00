import { randomBytes } from "node:crypto";
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { ReplayError } from "../../errors.js";
import { isDuplicateKey, isLockConflict } from "./db-errors.js";

/** A lock row not renewed for this long belongs to a migrator that died; it is taken over. */
const LOCK_TTL_MS = 60_000;
const RENEW_EVERY_MS = 15_000;
const RETRY_MS = 100;
/** Milliseconds on the database clock, so that processes on different machines agree. */
const DB_NOW_MS = "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";

/** isGaleraNode, asked through any connection of `pool`. */
export async function isGaleraServer(pool: Pool): Promise<boolean> {
  const conn = await pool.getConnection();
  try {
    return await isGaleraNode(conn);
  } finally {
    conn.release();
  }
}

/** True on a node of a Galera cluster (MariaDB Galera, Percona XtraDB Cluster). */
export async function isGaleraNode(conn: PoolConnection): Promise<boolean> {
  // SHOW VARIABLES, not @@wsrep_on: MySQL 8 has no such variable and would fail on it.
  const [rows] = await conn.query<RowDataPacket[]>("SHOW VARIABLES LIKE 'wsrep_on'");
  return String(rows[0]?.Value ?? "").toUpperCase() === "ON";
}

/**
 * Runs `work` holding a lock row that every node of a Galera cluster respects. GET_LOCK is
 * local to one node there, so two processes migrating through two nodes would both apply
 * the same migration (seen: "Can't DROP COLUMN", errno 1091). A row with a fixed primary
 * key is different: of two inserts on two nodes, one loses, with a duplicate key or a
 * failed certification (1213). The row is renewed while the work runs (on another pool
 * connection) and expires if its owner dies.
 */
export async function withClusterLock(
  pool: Pool,
  conn: PoolConnection,
  prefix: string,
  timeoutSeconds: number,
  work: () => Promise<void>,
): Promise<void> {
  const table = `${prefix}migration_lock`;
  const owner = randomBytes(8).toString("hex");
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
      id TINYINT NOT NULL, owner VARCHAR(32) NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (id)
    ) ENGINE=InnoDB`,
  );
  await acquire(conn, table, owner, prefix, timeoutSeconds);
  const renew = setInterval(() => {
    void pool
      .query(`UPDATE ${table} SET expires_at = ${DB_NOW_MS} + ? WHERE id = 1 AND owner = ?`, [LOCK_TTL_MS, owner])
      .catch(() => {});
  }, RENEW_EVERY_MS);
  renew.unref();
  try {
    await work();
  } finally {
    clearInterval(renew);
    await conn.query(`DELETE FROM ${table} WHERE id = 1 AND owner = ?`, [owner]);
  }
}

async function acquire(
  conn: PoolConnection,
  table: string,
  owner: string,
  prefix: string,
  timeoutSeconds: number,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    await conn.query(`DELETE FROM ${table} WHERE id = 1 AND expires_at < ${DB_NOW_MS}`);
    try {
      await conn.query(`INSERT INTO ${table} (id, owner, expires_at) VALUES (1, ?, ${DB_NOW_MS} + ?)`, [
        owner,
        LOCK_TTL_MS,
      ]);
      return;
    } catch (error) {
      if (!isDuplicateKey(error) && !isLockConflict(error)) throw error;
    }
    if (Date.now() > deadline) {
      throw new ReplayError(
        "MIGRATION_LOCK_TIMEOUT",
        `another process held the cluster migration lock (${table}) for prefix "${prefix}" for over ${timeoutSeconds} s; retry, or check for a hung migration (a dead one's lock expires ${LOCK_TTL_MS / 1000} s after its last renewal)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS + Math.random() * RETRY_MS));
  }
}
