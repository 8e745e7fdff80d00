import type { Pool, RowDataPacket } from "mysql2/promise";
import type { RunKey } from "../../history/index.js";
import { encodePageCursor, pageAfter, pageLimit } from "../paging.js";
import type { ListRunsFilter, RunInfo, RunPage } from "../records.js";
import { RUN_COLUMNS, text, toRunInfo } from "./rows.js";
import { qualified, tagJoin } from "./tags.js";

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
 * secondary index ends with the primary key, so its order is the full sort key. With tags, by
 * the primary key of run_tags (namespace, key, value, created_at, workflow, run_id) of the first
 * tag: the page reads the runs that have it, in that order, and no other.
 */
export async function selectRunPage(pool: Pool, p: string, filter: ListRunsFilter): Promise<RunPage> {
  const limit = pageLimit(filter.limit);
  const after = pageAfter(filter);
  const order = filter.order ?? "asc";
  const tagged = tagJoin(p, filter.namespace, filter.tags);
  // The sort key's columns: the tag index's when it drives the query.
  const key = tagged === undefined ? "runs" : "t";
  const { where, values } = runConditions(filter, tagged === undefined);
  if (tagged !== undefined) {
    where.unshift(...tagged.where);
    values.unshift(...tagged.args);
  }
  if (after !== undefined) {
    const [createdAt, workflow, runId] = after;
    const op = order === "asc" ? ">" : "<";
    where.push(
      `(${key}.created_at ${op} ? OR (${key}.created_at = ? AND (${key}.workflow ${op} ? OR (${key}.workflow = ? AND ${key}.run_id ${op} ?))))`,
    );
    values.push(createdAt, createdAt, workflow, workflow, runId);
  }
  const direction = order === "asc" ? "" : " DESC";
  const from = tagged === undefined ? `${p}runs runs` : tagged.join;
  // One extra row tells whether another page follows.
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${qualified(RUN_COLUMNS, "runs")} FROM ${from} WHERE ${where.join(" AND ")}
     ORDER BY ${key}.created_at${direction}, ${key}.workflow${direction}, ${key}.run_id${direction} LIMIT ?`,
    [...values, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit && last !== undefined;
  const cursorKey = last && ([Number(last.created_at), text(last.workflow), text(last.run_id)] as const);
  return {
    runs: page.map(toRunInfo),
    ...(more && cursorKey ? { nextCursor: encodePageCursor(cursorKey, order) } : {}),
  };
}

/**
 * The WHERE conditions of a listing's filters (everything but the cursor and the tags), on the
 * runs table as `runs`; `byNamespace` false when the tag join names the namespace already. The
 * rule they restate is runMatches (rules/run-filter.ts).
 */
export function runConditions(
  filter: { readonly [K in keyof Omit<ListRunsFilter, "tags">]?: ListRunsFilter[K] | undefined } & {
    readonly namespace: string;
  },
  byNamespace = true,
): { where: string[]; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    where.push(condition);
    values.push(value);
  };
  if (byNamespace) add("runs.namespace = ?", filter.namespace);
  if (filter.workflow !== undefined) add("runs.workflow = ?", filter.workflow);
  if (filter.status !== undefined) add("runs.status = ?", filter.status);
  if (filter.version !== undefined) add("runs.code_version = ?", filter.version);
  if (filter.queue !== undefined) add("runs.queue = ?", filter.queue);
  if (filter.createdAfter !== undefined) add("runs.created_at > ?", filter.createdAfter.getTime());
  if (filter.createdBefore !== undefined) add("runs.created_at < ?", filter.createdBefore.getTime());
  if (filter.runIdPrefix !== undefined) add("runs.run_id LIKE ?", likePrefix(filter.runIdPrefix));
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
