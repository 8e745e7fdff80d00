import type { Pool, RowDataPacket } from "mysql2/promise";
import { NAMESPACE } from "./workflows.js";

/** One minute of the soak, as printed. */
export interface Sample {
  readonly minute: number;
  readonly runsPerSecond: number;
  readonly stepP50: number;
  readonly stepP99: number;
  readonly steadyRss: number | undefined;
  readonly restartedRss: number | undefined;
  readonly serverRss: number | undefined;
  readonly connections: number;
  readonly rows: Readonly<Record<"runs" | "events" | "signals" | "tasks", number>>;
  readonly running: number;
}

/**
 * Runs completed in [from, to) on the database clock, and the latency of every activity step
 * answered then: from its request event to its response event (pickup, the 5 ms activity,
 * and the commit).
 */
export async function measure(pool: Pool, from: number, to: number) {
  const [done] = await pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = ? AND status = 'completed' AND updated_at >= ? AND updated_at < ?",
    [NAMESPACE, from, to],
  );
  const [steps] = await pool.query<RowDataPacket[]>(
    `SELECT res.created_at - req.created_at AS ms
       FROM replay_events res
       JOIN replay_events req
         ON req.namespace = res.namespace AND req.workflow = res.workflow AND req.run_id = res.run_id
        AND req.iteration = res.iteration AND req.type = 'activity_request' AND req.target = res.target AND req.seq = res.seq
      WHERE res.namespace = ? AND res.type = 'activity_response' AND res.created_at >= ? AND res.created_at < ?`,
    [NAMESPACE, from, to],
  );
  const latencies = steps.map((row) => Number(row.ms)).sort((a, b) => a - b);
  return {
    completed: Number(done[0]?.n ?? 0),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

export async function tableRows(pool: Pool): Promise<Sample["rows"]> {
  const count = async (table: string) => {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM replay_${table}`);
    return Number(rows[0]?.n ?? 0);
  };
  return {
    runs: await count("runs"),
    events: await count("events"),
    signals: await count("signals"),
    tasks: await count("tasks"),
  };
}

export async function runningCount(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = ? AND status = 'running'",
    [NAMESPACE],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function connections(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Threads_connected'");
  return Number(rows[0]?.Value ?? 0);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const HEAD =
  "| min | runs/s | step p50 ms | step p99 ms | steady worker MiB | restarted worker MiB | mariadbd MiB | connections | runs | events | signals | tasks | running |";

/** The table's header lines (markdown). */
export function header(): string {
  return `${HEAD}\n|${HEAD.split("|")
    .slice(1, -1)
    .map(() => "--:")
    .join("|")}|`;
}

export function row(s: Sample): string {
  const mib = (value: number | undefined) => (value === undefined ? "–" : value.toFixed(0));
  return `| ${s.minute} | ${s.runsPerSecond.toFixed(1)} | ${s.stepP50} | ${s.stepP99} | ${mib(s.steadyRss)} | ${mib(s.restartedRss)} | ${mib(s.serverRss)} | ${s.connections} | ${s.rows.runs} | ${s.rows.events} | ${s.rows.signals} | ${s.rows.tasks} | ${s.running} |`;
}
