import { ReplayError } from "../errors.js";

/** Position after the last run of a listRuns page: its sort key (created_at, workflow, run_id). */
export type PageKey = readonly [createdAt: number, workflow: string, runId: string];

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The page size asked for, checked. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE) return limit;
  throw new ReplayError(
    "INVALID_LIMIT",
    `invalid limit ${String(limit)}: use a whole number from 1 to ${MAX_PAGE_SIZE}`,
  );
}

/** The opaque `nextCursor` of a page. */
export function encodePageCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodePageCursor(cursor: string): PageKey {
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
