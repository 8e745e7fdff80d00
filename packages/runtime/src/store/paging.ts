import { ReplayError } from "../errors.js";
import type { ListRunsFilter, RunOrder } from "./records.js";

/** Position after the last run of a listRuns page: its sort key (created_at, workflow, run_id). */
export type PageKey = readonly [createdAt: number, workflow: string, runId: string];

/** What a listRuns cursor carries: where the last page ended, and in which order it was read. */
export interface PagePosition {
  readonly key: PageKey;
  readonly order: RunOrder;
}

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

/**
 * The opaque `nextCursor` of a page. Oldest-first cursors keep the three-element form that
 * earlier versions wrote, so a cursor saved before newest-first listing existed still works.
 */
export function encodePageCursor(key: PageKey, order: RunOrder = "asc"): string {
  const value = order === "asc" ? key : [...key, order];
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodePageCursor(cursor: string): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(value) &&
      (value.length === 3 || (value.length === 4 && value[3] === "desc")) &&
      typeof value[0] === "number" &&
      typeof value[1] === "string" &&
      typeof value[2] === "string"
    ) {
      return { key: [value[0], value[1], value[2]], order: value.length === 4 ? "desc" : "asc" };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new ReplayError(
    "INVALID_CURSOR",
    `invalid cursor ${JSON.stringify(cursor)}: pass the nextCursor of a previous listRuns page unchanged`,
  );
}

/** The position a filter's cursor continues from, checked against the order it asks for. */
export function pageAfter(filter: Pick<ListRunsFilter, "cursor" | "order">): PageKey | undefined {
  if (filter.cursor === undefined) return undefined;
  const position = decodePageCursor(filter.cursor);
  const order = filter.order ?? "asc";
  if (position.order !== order) {
    throw new ReplayError(
      "INVALID_CURSOR",
      `invalid cursor: it continues a listing in order "${position.order}", but order "${order}" was asked for; pass the same order as the page that returned the cursor`,
    );
  }
  return position.key;
}
