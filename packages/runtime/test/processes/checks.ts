import type { Pool, RowDataPacket } from "mysql2/promise";
import type { Execution } from "./executions.js";

/** Facts about the runs of a namespace that must hold once every run ended. */
export interface Audit {
  readonly statuses: Record<string, number>;
  /** (run, iteration, activity, seq) keys with more than one activity_response event. */
  readonly duplicateResponses: readonly string[];
  readonly responses: number;
  /** `run/activity#seq` of every activity_response event. */
  readonly responseKeys: ReadonlySet<string>;
  /** Runs whose lease_owner is still set. */
  readonly leased: number;
  /** Rows left in the tasks table. */
  readonly tasks: number;
}

type Row = RowDataPacket & Record<string, unknown>;

export async function audit(pool: Pool, namespace: string): Promise<Audit> {
  const [statusRows] = await pool.query<Row[]>(
    "SELECT status, COUNT(*) AS n FROM replay_runs WHERE namespace = ? GROUP BY status",
    [namespace],
  );
  const [dupRows] = await pool.query<Row[]>(
    `SELECT run_id, iteration, target, seq, COUNT(*) AS n FROM replay_events
      WHERE namespace = ? AND type = 'activity_response'
      GROUP BY run_id, iteration, target, seq HAVING COUNT(*) > 1`,
    [namespace],
  );
  const [responseRows] = await pool.query<Row[]>(
    "SELECT run_id, target, seq FROM replay_events WHERE namespace = ? AND type = 'activity_response'",
    [namespace],
  );
  const [leasedRows] = await pool.query<Row[]>(
    "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = ? AND lease_owner IS NOT NULL",
    [namespace],
  );
  const [taskRows] = await pool.query<Row[]>("SELECT COUNT(*) AS n FROM replay_tasks WHERE namespace = ?", [namespace]);
  const statuses: Record<string, number> = {};
  for (const row of statusRows) statuses[String(row.status)] = Number(row.n);
  return {
    statuses,
    duplicateResponses: dupRows.map((row) => `${String(row.run_id)}/${row.iteration}/${String(row.target)}#${row.seq}`),
    responses: responseRows.length,
    responseKeys: new Set(responseRows.map((row) => `${String(row.run_id)}/${String(row.target)}#${row.seq}`)),
    leased: Number(leasedRows[0]?.n),
    tasks: Number(taskRows[0]?.n),
  };
}

/** Runs of the namespace that are completed. */
export async function completedCount(pool: Pool, namespace: string): Promise<number> {
  const [rows] = await pool.query<Row[]>(
    "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = ? AND status = 'completed'",
    [namespace],
  );
  return Number(rows[0]?.n);
}

/** Runs this worker holds a lease on now. */
export async function leasedBy(pool: Pool, namespace: string, owner: string): Promise<number> {
  const [rows] = await pool.query<Row[]>(
    "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = ? AND lease_owner = ?",
    [namespace, owner],
  );
  return Number(rows[0]?.n);
}

/** The runs this worker holds a lease on now, with the lease's end (ms, database clock). */
export async function leasesOf(pool: Pool, namespace: string, owner: string): Promise<Map<string, number>> {
  const [rows] = await pool.query<Row[]>(
    "SELECT run_id, lease_until FROM replay_runs WHERE namespace = ? AND lease_owner = ?",
    [namespace, owner],
  );
  return new Map(rows.map((row) => [String(row.run_id), Number(row.lease_until)]));
}

/** Response keys with no execution recorded by the activity itself. */
export function responsesWithoutExecution(
  responseKeys: ReadonlySet<string>,
  groups: ReadonlyMap<string, readonly Execution[]>,
): string[] {
  return [...responseKeys].filter((key) => (groups.get(key)?.length ?? 0) === 0);
}

/** A moment something was killed: a worker (by identity) or the database (`worker` undefined). */
export interface Kill {
  readonly at: number;
  /**
   * When the kill stopped disturbing leases, if later than `at`: for a cluster node, when it
   * was back and synced plus one lease (while a node is detected dead the whole cluster
   * stalls, and leases run out everywhere).
   */
  readonly until?: number;
  readonly worker?: string;
  /** Runs the worker held a lease on just before it was killed, when known. */
  readonly leasesHeld?: number;
}

/**
 * Groups executed more than once whose repeats a kill does not explain. A repeat is explained
 * when, between an execution and the next one, the earlier one's worker or the database was
 * killed (its lease was lost to that kill), or when the earlier one began while a database
 * kill was still disturbing leases (between `at` and `until`).
 */
export function unexplainedDuplicates(
  groups: ReadonlyMap<string, readonly Execution[]>,
  kills: readonly Kill[],
): { key: string; executions: readonly Execution[] }[] {
  const unexplained: { key: string; executions: readonly Execution[] }[] = [];
  for (const [key, executions] of groups) {
    for (let i = 0; i + 1 < executions.length; i++) {
      const earlier = executions[i];
      const later = executions[i + 1];
      if (!earlier || !later) continue;
      const explained = kills.some(
        (kill) =>
          (kill.worker === undefined || kill.worker === earlier.worker) &&
          kill.at <= later.at &&
          earlier.at <= (kill.until ?? kill.at),
      );
      if (!explained) {
        unexplained.push({ key, executions });
        break;
      }
    }
  }
  return unexplained;
}

/** Groups with more than one execution. */
export function duplicateCount(groups: ReadonlyMap<string, readonly Execution[]>): number {
  let count = 0;
  for (const executions of groups.values()) if (executions.length > 1) count++;
  return count;
}
