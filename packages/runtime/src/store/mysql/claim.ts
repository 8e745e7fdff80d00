import type { Pool } from "mysql2/promise";
import { type RunKey, RunStatus } from "../../history/index.js";
import { type ClaimedRun, type ClaimOptions, FRESH_VERSION } from "../types.js";
import { isLockConflict } from "./db-errors.js";
import { type Row, text } from "./rows.js";
import { inTransaction } from "./transaction.js";

const CLAIM_COLUMNS = "workflow, run_id, iteration, version, next_pos, wake_gen, cancel_requested";

/**
 * Leases up to `limit` due runs that nobody holds a live lease on. READ COMMITTED and SKIP
 * LOCKED: claimers on other workers skip each other's rows instead of queueing on them.
 *
 * On Galera, row locks are local to a node: claimers on two nodes can pick the same run, and
 * the second to commit fails certification (errno 1213). It then claimed nothing, which is
 * what a lost race means, so the caller simply claims again.
 */
export async function claimRuns(pool: Pool, p: string, options: ClaimOptions): Promise<ClaimedRun[]> {
  try {
    return await claimOnce(pool, p, options);
  } catch (error) {
    if (isLockConflict(error)) return [];
    throw error;
  }
}

async function claimOnce(pool: Pool, p: string, options: ClaimOptions): Promise<ClaimedRun[]> {
  const { namespace, owner, now, leaseMs, limit, shards } = options;
  const shardSql = shards ? " AND MOD(shard, ?) = ?" : "";
  const shardArgs = shards ? [shards.count, shards.index] : [];
  return inTransaction(
    pool,
    undefined,
    async (conn) => {
      const [rows] = await conn.query<Row[]>(
        `SELECT ${CLAIM_COLUMNS} FROM ${p}runs
          WHERE namespace = ? AND wake_at <= ? AND (lease_until IS NULL OR lease_until < ?)${shardSql}
          ORDER BY wake_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [namespace, now, now, ...shardArgs, limit],
      );
      if (rows.length === 0) return [];
      const claimed = rows.map((row) => toClaimed(namespace, row));
      const where = claimed.map(() => "(workflow = ? AND run_id = ?)").join(" OR ");
      await conn.query(`UPDATE ${p}runs SET lease_owner = ?, lease_until = ? WHERE namespace = ? AND (${where})`, [
        owner,
        now + leaseMs,
        namespace,
        ...claimed.flatMap((run) => [run.workflow, run.runId]),
      ]);
      return claimed;
    },
    "READ COMMITTED",
  );
}

/** See EngineStore.readRun. The input comes along when the run is fresh, so its history needs no read. */
export async function readRun(
  pool: Pool,
  p: string,
  key: RunKey,
  owner: string,
  now: number,
): Promise<ClaimedRun | undefined> {
  const [rows] = await pool.query<Row[]>(
    `SELECT ${CLAIM_COLUMNS}, status, lease_owner, lease_until, created_at,
            IF(version = ?, input, NULL) AS fresh_input
       FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    [FRESH_VERSION, key.namespace, key.workflow, key.runId],
  );
  const row = rows[0];
  if (row === undefined || text(row.status) !== RunStatus.Running) return undefined;
  const leasedByOther = row.lease_owner !== null && text(row.lease_owner) !== owner && Number(row.lease_until) >= now;
  if (leasedByOther) return undefined;
  const claimed = toClaimed(key.namespace, row);
  if (row.fresh_input === null) return claimed;
  return { ...claimed, fresh: { inputText: text(row.fresh_input), createdAt: Number(row.created_at) } };
}

/**
 * The earliest wake time of a run nobody holds a live lease on, due or not. A due one
 * means "claim again now": it became due, or was locked, while the last claim ran.
 */
export async function nextWake(pool: Pool, p: string, namespace: string, now: number): Promise<number | undefined> {
  const [rows] = await pool.query<Row[]>(
    `SELECT MIN(wake_at) AS next FROM ${p}runs
      WHERE namespace = ? AND wake_at IS NOT NULL AND (lease_until IS NULL OR lease_until < ?)`,
    [namespace, now],
  );
  const next = rows[0]?.next;
  return next === null || next === undefined ? undefined : Number(next);
}

function toClaimed(namespace: string, row: Row): ClaimedRun {
  return {
    namespace,
    workflow: text(row.workflow),
    runId: text(row.run_id),
    iteration: Number(row.iteration),
    version: Number(row.version),
    nextPos: Number(row.next_pos),
    wakeGen: Number(row.wake_gen),
    cancelRequested: Number(row.cancel_requested) === 1,
  };
}
