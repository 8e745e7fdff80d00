import type { Pool, RowDataPacket } from "mysql2/promise";
import type { RunKey } from "../../history/index.js";
import { encodePageCursor, pageAfter, pageLimit } from "../paging.js";
import type { ListRunsFilter, RunInfo, RunPage } from "../records.js";
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

/**
 * One page of runs ordered by (created_at, workflow, run_id), ascending or descending,
 * keyset-paginated: a page costs the same at any depth, and runs created meanwhile neither
 * repeat nor shift the pages. Served by runs_created (namespace, created_at), runs_status_created
 * (namespace, status, created_at) or runs_status (namespace, workflow, status, created_at); each
 * secondary index ends with the primary key, so its order is the full sort key.
 */
export async function selectRunPage(pool: Pool, p: string, filter: ListRunsFilter): Promise<RunPage> {
  const limit = pageLimit(filter.limit);
  const after = pageAfter(filter);
  const order = filter.order ?? "asc";
  const { where, values } = runConditions(filter);
  if (after !== undefined) {
    const [createdAt, workflow, runId] = after;
    const op = order === "asc" ? ">" : "<";
    where.push(`(created_at ${op} ? OR (created_at = ? AND (workflow ${op} ? OR (workflow = ? AND run_id ${op} ?))))`);
    values.push(createdAt, createdAt, workflow, workflow, runId);
  }
  const direction = order === "asc" ? "" : " DESC";
  // One extra row tells whether another page follows.
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${RUN_COLUMNS} FROM ${p}runs WHERE ${where.join(" AND ")}
     ORDER BY created_at${direction}, workflow${direction}, run_id${direction} LIMIT ?`,
    [...values, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  const key = last && ([Number(last.created_at), text(last.workflow), text(last.run_id)] as const);
  return { runs: page.map(toRunInfo), ...(more && key ? { nextCursor: encodePageCursor(key, order) } : {}) };
}

/** The WHERE conditions of a listing's filters (everything but the cursor). */
function runConditions(filter: ListRunsFilter): { where: string[]; values: unknown[] } {
  const where = ["namespace = ?"];
  const values: unknown[] = [filter.namespace];
  const add = (condition: string, value: unknown) => {
    where.push(condition);
    values.push(value);
  };
  if (filter.workflow !== undefined) add("workflow = ?", filter.workflow);
  if (filter.status !== undefined) add("status = ?", filter.status);
  if (filter.version !== undefined) add("code_version = ?", filter.version);
  if (filter.queue !== undefined) add("queue = ?", filter.queue);
  if (filter.createdAfter !== undefined) add("created_at > ?", filter.createdAfter.getTime());
  if (filter.createdBefore !== undefined) add("created_at < ?", filter.createdBefore.getTime());
  if (filter.runIdPrefix !== undefined) add("run_id LIKE ?", likePrefix(filter.runIdPrefix));
  return { where, values };
}

/** Escapes `%`, `_` and `\` so that a run id prefix matches literally in LIKE '<prefix>%'. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Namespaces that have runs, in byte order: a loose scan of the primary key, one probe per namespace. */
export async function selectNamespaces(pool: Pool, p: string): Promise<string[]> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT DISTINCT namespace FROM ${p}runs ORDER BY namespace`);
  return rows.map((row) => text(row.namespace));
}
