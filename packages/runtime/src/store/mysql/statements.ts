import type { RunKey } from "../../history/index.js";
import type { PlacedEvent } from "../rules/new-run.js";

/**
 * A statement built without I/O, so that it can be sent alone or with others in one round
 * trip (see lane.ts).
 */
export interface Statement {
  readonly sql: string;
  readonly args: unknown[];
}

/** An event to insert, with the run it belongs to. */
export interface EventOfRun {
  readonly key: RunKey;
  readonly placed: PlacedEvent;
}

/** One INSERT of events (at least one), of one run or of several. */
export function insertEventsOf(p: string, rows: readonly EventOfRun[]): Statement {
  const args = rows.flatMap(({ key, placed: { iteration, pos, event: e } }) => [
    key.namespace,
    key.workflow,
    key.runId,
    iteration,
    pos,
    e.type,
    e.target,
    e.seq,
    e.payloadText,
    e.at,
  ]);
  const sql = `INSERT INTO ${p}events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at) VALUES ${valueRows(rows.length, 10)}`;
  return { sql, args };
}

/** `(?,?,…),(?,?,…)…`: `rows` parenthesised lists of `columns` parameters. */
export function valueRows(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill("?").join(",")})`;
  return new Array(rows).fill(row).join(",");
}

/** `columns`, each qualified by the table alias `alias`, as a select list. */
export function qualified(alias: string, columns: readonly string[]): string {
  return columns.map((column) => `${alias}.${column}`).join(", ");
}
