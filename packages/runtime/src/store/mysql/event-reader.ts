import type { Pool, RowDataPacket } from "mysql2/promise";
import type { StreamEvent } from "../records.js";
import type { EventBatch, EventFilter } from "../types.js";
import { probeGap } from "./gaps.js";
import { EVENT_COLUMNS, toStreamEvent } from "./rows.js";

export const BATCH_SIZE = 500;

/**
 * Reads the next events after `cursor` without ever passing an id that may still
 * commit. Contiguity is checked on the unfiltered id sequence (all namespaces share
 * one auto-increment), because a filtered read cannot tell a gap from another
 * namespace's event.
 */
export async function readBatch(pool: Pool, p: string, cursor: number, filter: EventFilter): Promise<EventBatch> {
  const horizon = await safeHorizon(pool, p, cursor);
  if (horizon.upTo <= cursor) return { events: [], cursor, blocked: horizon.blocked, more: false };
  const events = await selectEvents(pool, p, filter, cursor, horizon.upTo);
  const full = events.length === BATCH_SIZE;
  const last = events.at(-1);
  return {
    events,
    cursor: full && last !== undefined ? last.id : horizon.upTo,
    blocked: horizon.blocked,
    more: full || horizon.more,
  };
}

interface Horizon {
  /** Highest id up to which every id is resolved. */
  readonly upTo: number;
  readonly blocked: boolean;
  readonly more: boolean;
}

async function safeHorizon(pool: Pool, p: string, cursor: number): Promise<Horizon> {
  for (;;) {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT id FROM ${p}events WHERE id > ? ORDER BY id LIMIT ?`, [
      cursor,
      BATCH_SIZE,
    ]);
    const result = await walkIds(
      pool,
      p,
      cursor,
      rows.map((row) => Number(row.id)),
    );
    if (result !== "reread") return result;
  }
}

async function walkIds(pool: Pool, p: string, cursor: number, ids: readonly number[]): Promise<Horizon | "reread"> {
  let expected = cursor + 1;
  for (const id of ids) {
    if (id > expected) {
      const state = await probeGap(pool, p, expected, id - 1);
      if (state === "open") return { upTo: expected - 1, blocked: true, more: false };
      if (state === "committed") return "reread";
    }
    expected = id + 1;
  }
  return { upTo: expected - 1, blocked: false, more: ids.length === BATCH_SIZE };
}

async function selectEvents(
  pool: Pool,
  p: string,
  filter: EventFilter,
  after: number,
  upTo: number,
): Promise<StreamEvent[]> {
  const where = ["namespace = ?", "id > ?", "id <= ?"];
  const values: unknown[] = [filter.namespace, after, upTo];
  if (filter.workflow !== undefined) {
    where.push("workflow = ?");
    values.push(filter.workflow);
  }
  if (filter.runId !== undefined) {
    where.push("run_id = ?");
    values.push(filter.runId);
  }
  if (filter.types !== undefined) {
    // An empty list matches nothing; `IN ()` is not valid SQL.
    if (filter.types.length === 0) return [];
    where.push("type IN (?)");
    values.push(filter.types);
  }
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${EVENT_COLUMNS} FROM ${p}events WHERE ${where.join(" AND ")} ORDER BY id LIMIT ?`,
    [...values, BATCH_SIZE],
  );
  return rows.map(toStreamEvent);
}

/** See ClientStore.lastEventId: the end of the primary key, one index probe. */
export async function lastEventId(pool: Pool, p: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT MAX(id) AS id FROM ${p}events`);
  return Number(rows[0]?.id ?? 0);
}
