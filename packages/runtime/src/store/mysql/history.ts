import type { Pool } from "mysql2/promise";
import type { HistoryEvent, RecordedEvent, RunKey } from "../../history/index.js";
import type { HistoryOptions, InboxSignal, TaskRow } from "../types.js";
import { nullableText, type Row, text, toRawEvent, toRecordedEvent } from "./rows.js";

const EVENT_FIELDS = "iteration, pos, type, target, seq, payload, created_at";

/** The iteration's replay history in position order (events with a position only). */
export async function loadHistory(pool: Pool, p: string, key: RunKey, iteration: number): Promise<RecordedEvent[]> {
  const [rows] = await pool.query<Row[]>(
    `SELECT ${EVENT_FIELDS} FROM ${p}events
      WHERE namespace = ? AND workflow = ? AND run_id = ? AND iteration = ? AND pos IS NOT NULL
      ORDER BY pos`,
    [key.namespace, key.workflow, key.runId, iteration],
  );
  return rows.map((row) => toRecordedEvent(row, key.runId));
}

/** Every event of the run (or of one iteration) in log order; undefined when the run does not exist. */
export async function selectHistory(
  pool: Pool,
  p: string,
  key: RunKey,
  options: HistoryOptions = {},
): Promise<HistoryEvent[] | undefined> {
  const [runs] = await pool.query<Row[]>(
    `SELECT iteration FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    [key.namespace, key.workflow, key.runId],
  );
  const run = runs[0];
  if (run === undefined) return undefined;
  const iteration = options.iteration ?? Number(run.iteration);
  const [sql, args] = iteration === "all" ? ["", []] : [" AND iteration = ?", [iteration]];
  const [rows] = await pool.query<Row[]>(
    `SELECT ${EVENT_FIELDS} FROM ${p}events
      WHERE namespace = ? AND workflow = ? AND run_id = ?${sql} ORDER BY id`,
    [key.namespace, key.workflow, key.runId, ...args],
  );
  if (options.raw) return rows.map((row) => toRawEvent(row, key.runId));
  return rows.map((row) => {
    const { payloadText: _, ...event } = toRecordedEvent(row, key.runId);
    return event as HistoryEvent;
  });
}

/** Retry rows of the iteration's activities. */
export async function loadTasks(pool: Pool, p: string, key: RunKey, iteration: number): Promise<TaskRow[]> {
  const [rows] = await pool.query<Row[]>(
    `SELECT target, seq, attempt, ready_at, heartbeat FROM ${p}tasks
      WHERE namespace = ? AND workflow = ? AND run_id = ? AND iteration = ?`,
    [key.namespace, key.workflow, key.runId, iteration],
  );
  return rows.map((row) => ({
    target: text(row.target),
    seq: Number(row.seq),
    attempt: Number(row.attempt),
    readyAt: Number(row.ready_at),
    heartbeat: nullableText(row.heartbeat),
  }));
}

/** Unconsumed signals of the run with these names, in arrival order. */
export async function loadSignals(
  pool: Pool,
  p: string,
  key: RunKey,
  names: readonly string[],
): Promise<InboxSignal[]> {
  if (names.length === 0) return [];
  const [rows] = await pool.query<Row[]>(
    `SELECT id, signal_name, external_id, payload, created_at FROM ${p}signals
      WHERE namespace = ? AND workflow = ? AND run_id = ? AND consumed_iteration IS NULL AND signal_name IN (?)
      ORDER BY id`,
    [key.namespace, key.workflow, key.runId, names],
  );
  return rows.map((row) => inboxSignalOf(row));
}

/** A `signals` row as the inbox reads it; `prefix`: the columns' prefix in a join (see readRun). */
export function inboxSignalOf(row: Row, prefix = ""): InboxSignal {
  return {
    id: Number(row[`${prefix}id`]),
    signal: text(row[`${prefix}signal_name`]),
    externalId: text(row[`${prefix}external_id`]),
    payloadText: nullableText(row[`${prefix}payload`]),
    createdAt: Number(row[`${prefix}created_at`]),
  };
}

/** See EngineStore.recordHeartbeat: writes the row a retry would, or keeps the one there. */
export async function recordHeartbeat(
  pool: Pool,
  p: string,
  key: RunKey,
  iteration: number,
  task: { readonly target: string; readonly seq: number; readonly attempt: number },
  detailsText: string,
  now: number,
): Promise<void> {
  // ready_at 0: if this worker dies, the activity is due at once for whoever takes the run over.
  await pool.query(
    `INSERT INTO ${p}tasks (namespace, workflow, run_id, iteration, target, seq, attempt, ready_at, heartbeat, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON DUPLICATE KEY UPDATE heartbeat = ?`,
    [
      key.namespace,
      key.workflow,
      key.runId,
      iteration,
      task.target,
      task.seq,
      task.attempt,
      detailsText,
      now,
      detailsText,
    ],
  );
}
