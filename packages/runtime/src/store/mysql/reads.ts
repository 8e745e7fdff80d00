import type { Pool, RowDataPacket } from "mysql2/promise";
import { type RunKey, RunStatus } from "../../history/index.js";
import { decodePageCursor, encodePageCursor, pageLimit } from "../paging.js";
import type { ListRunsFilter, RunInfo, RunPage } from "../records.js";
import type { CountFilter, RunCounts } from "../types.js";
import { RUN_COLUMNS, text, toRunInfo } from "./rows.js";

/** Reads one run, or undefined. */
export async function selectRun(pool: Pool, p: string, run: RunKey): Promise<RunInfo | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${RUN_COLUMNS} FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    [run.namespace, run.workflow, run.runId],
  );
  const row = rows[0];
  return row === undefined ? undefined : toRunInfo(row);
}

/** One page of runs ordered by (created_at, workflow, run_id), keyset-paginated. */
export async function selectRunPage(pool: Pool, p: string, filter: ListRunsFilter): Promise<RunPage> {
  const limit = pageLimit(filter.limit);
  const where = ["namespace = ?"];
  const values: unknown[] = [filter.namespace];
  if (filter.workflow !== undefined) {
    where.push("workflow = ?");
    values.push(filter.workflow);
  }
  if (filter.status !== undefined) {
    where.push("status = ?");
    values.push(filter.status);
  }
  if (filter.version !== undefined) {
    where.push("code_version = ?");
    values.push(filter.version);
  }
  if (filter.queue !== undefined) {
    where.push("queue = ?");
    values.push(filter.queue);
  }
  if (filter.cursor !== undefined) {
    const [createdAt, workflow, runId] = decodePageCursor(filter.cursor);
    where.push("(created_at > ? OR (created_at = ? AND (workflow > ? OR (workflow = ? AND run_id > ?))))");
    values.push(createdAt, createdAt, workflow, workflow, runId);
  }
  // One extra row tells whether another page follows.
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${RUN_COLUMNS} FROM ${p}runs WHERE ${where.join(" AND ")}
     ORDER BY created_at, workflow, run_id LIMIT ?`,
    [...values, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  return {
    runs: page.map(toRunInfo),
    ...(more
      ? { nextCursor: encodePageCursor([Number(last.created_at), text(last.workflow), text(last.run_id)]) }
      : {}),
  };
}

/** See ClientStore.countRuns: one GROUP BY over the namespace's runs (or one workflow's, or one queue's). */
export async function countRuns(pool: Pool, p: string, filter: CountFilter, now: number): Promise<RunCounts> {
  const where = ["namespace = ?"];
  const values: unknown[] = [filter.namespace];
  if (filter.workflow !== undefined) {
    where.push("workflow = ?");
    values.push(filter.workflow);
  }
  if (filter.queue !== undefined) {
    where.push("queue = ?");
    values.push(filter.queue);
  }
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT status,
            CASE WHEN status <> ? THEN 'ended'
                 WHEN lease_until IS NOT NULL AND lease_until >= ? THEN 'active'
                 WHEN wake_at IS NOT NULL AND wake_at <= ? THEN 'queued'
                 ELSE 'waiting' END AS state,
            COUNT(*) AS n
       FROM ${p}runs WHERE ${where.join(" AND ")} GROUP BY status, state`,
    [RunStatus.Running, now, now, ...values],
  );
  const counts = { statuses: {} as Partial<Record<RunStatus, number>>, queued: 0, active: 0, waiting: 0 };
  for (const row of rows) {
    const status = text(row.status) as RunStatus;
    const n = Number(row.n);
    counts.statuses[status] = (counts.statuses[status] ?? 0) + n;
    const state = String(row.state);
    if (state === "queued" || state === "active" || state === "waiting") counts[state] += n;
  }
  return counts;
}
