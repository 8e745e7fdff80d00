import type { Pool, RowDataPacket } from "mysql2/promise";
import { ReplayError } from "../../errors.js";
import { text } from "../../json.js";
import type { ListRunsFilter, RunInfo, RunPage } from "../../types.js";
import { RUN_COLUMNS, toRunInfo } from "./rows.js";
import type { RunKey } from "./writes.js";

/** Reads one run, or undefined. */
export async function selectRun(pool: Pool, p: string, run: RunKey): Promise<RunInfo | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${RUN_COLUMNS} FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    [run.namespace, run.workflow, run.runId],
  );
  const row = rows[0];
  return row === undefined ? undefined : toRunInfo(row);
}

/** Position after the last run of a page: the ORDER BY key. */
type PageKey = readonly [createdAt: number, workflow: string, runId: string];

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
  if (filter.cursor !== undefined) {
    const [createdAt, workflow, runId] = decodeCursor(filter.cursor);
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
    ...(more ? { nextCursor: encodeCursor([Number(last.created_at), text(last.workflow), text(last.run_id)]) } : {}),
  };
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (Number.isInteger(limit) && limit >= 1 && limit <= 1000) return limit;
  throw new ReplayError("INVALID_LIMIT", `invalid limit ${String(limit)}: use a whole number from 1 to 1000`);
}

function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): PageKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(key) &&
      key.length === 3 &&
      typeof key[0] === "number" &&
      typeof key[1] === "string" &&
      typeof key[2] === "string"
    ) {
      return [key[0], key[1], key[2]];
    }
  } catch {
    // Falls through to the error below.
  }
  throw new ReplayError(
    "INVALID_CURSOR",
    `invalid cursor ${JSON.stringify(cursor)}: pass the nextCursor of a previous listRuns page unchanged`,
  );
}
