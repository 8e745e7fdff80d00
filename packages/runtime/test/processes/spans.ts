import type { Pool, RowDataPacket } from "mysql2/promise";

/** When a `hold` activity (workflows.ts) held its slot: the spans table it writes, read back. */
export interface Span {
  readonly runId: string;
  readonly key: string;
  readonly worker: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

export async function createSpansTable(pool: Pool): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS spans (
       id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
       run_id VARCHAR(255) NOT NULL, concurrency_key VARCHAR(255) NOT NULL, worker VARCHAR(255) NOT NULL,
       started_at BIGINT NOT NULL, ended_at BIGINT NULL
     ) ENGINE=InnoDB`,
  );
}

/** The spans of runs whose id starts with `prefix`, in the order they started. */
export async function spansOf(pool: Pool, prefix: string): Promise<Span[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT run_id, concurrency_key, worker, started_at, ended_at FROM spans WHERE run_id LIKE ? ORDER BY started_at",
    [`${prefix}%`],
  );
  return rows.map((row) => ({
    runId: String(row.run_id),
    key: String(row.concurrency_key),
    worker: String(row.worker),
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  }));
}

/** The most spans open at one moment (an end and a start at the same ms do not overlap). */
export function maxOverlap(spans: readonly { startedAt: number; endedAt: number }[]): number {
  const edges = spans.flatMap((span) => [
    { at: span.startedAt, delta: 1 },
    { at: span.endedAt, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.delta;
    most = Math.max(most, open);
  }
  return most;
}
