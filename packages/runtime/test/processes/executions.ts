import type { Pool, RowDataPacket } from "mysql2/promise";
import type { ActivityContext } from "../../src/api.js";

/** One execution of an activity, as the activity itself recorded it. */
export interface Execution {
  readonly runId: string;
  readonly activity: string;
  readonly seq: number;
  readonly attempt: number;
  readonly worker: string;
  /** Date.now() of the worker process when the activity began. */
  readonly at: number;
}

/** The table the activities of the process tests write to, in the engine's database. */
export async function createExecutionsTable(pool: Pool): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS executions (
       id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
       run_id VARBINARY(255) NOT NULL,
       activity VARBINARY(255) NOT NULL,
       seq INT NOT NULL,
       attempt INT NOT NULL,
       worker VARCHAR(255) NOT NULL,
       at BIGINT NOT NULL,
       KEY executions_key (run_id, activity, seq)
     ) ENGINE=InnoDB`,
  );
}

export async function recordExecution(pool: Pool, ctx: ActivityContext, worker: string): Promise<void> {
  await pool.query("INSERT INTO executions (run_id, activity, seq, attempt, worker, at) VALUES (?,?,?,?,?,?)", [
    ctx.runId,
    ctx.activity,
    ctx.seq,
    ctx.attempt,
    worker,
    Date.now(),
  ]);
}

export async function loadExecutions(pool: Pool): Promise<Execution[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT run_id, activity, seq, attempt, worker, at FROM executions ORDER BY at, id",
  );
  return rows.map((row) => ({
    runId: String(row.run_id),
    activity: String(row.activity),
    seq: Number(row.seq),
    attempt: Number(row.attempt),
    worker: String(row.worker),
    at: Number(row.at),
  }));
}

/** Executions grouped by (run, activity, seq), each group in time order. */
export function groupExecutions(executions: readonly Execution[]): Map<string, Execution[]> {
  const groups = new Map<string, Execution[]>();
  for (const execution of executions) {
    const key = `${execution.runId}/${execution.activity}#${execution.seq}`;
    const group = groups.get(key) ?? [];
    group.push(execution);
    groups.set(key, group);
  }
  return groups;
}
