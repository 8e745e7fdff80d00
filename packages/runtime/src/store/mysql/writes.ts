import type { ResultSetHeader, RowDataPacket } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { RunNotFoundError } from "../../errors.js";
import { encodeTags, type RunKey, RunStatus } from "../../history/index.js";
import { FRESH_VERSION } from "../claimed-run.js";
import { type CancellableRun, cancelRequest } from "../rules/cancel.js";
import type { RunCreation } from "../rules/new-run.js";
import { refusedSignal, takesSignals } from "../rules/signals.js";
import type { NewSignal } from "../types.js";
import { isDuplicateKey } from "./db-errors.js";
import { unlessPausedSql } from "./pause.js";
import { endRequestsStatement } from "./requests.js";
import { insertEventsOf, type Statement } from "./statements.js";
import { insertTagsStatement } from "./tags.js";

// Wake the run now unless it is already due earlier, has not started, or is paused (SQL twin of
// wakeOnArrival in rules/wake.ts: a run at FRESH_VERSION keeps its start time, a paused run no
// wake time). Parameters: now, now.
export const WAKE_ON_ARRIVAL = `wake_at = ${unlessPausedSql(`IF(version <> ${FRESH_VERSION} AND (wake_at IS NULL OR wake_at > ?), ?, wake_at)`)}`;

/**
 * Inserts a row, returning false when it exists already (errno 1062).
 *
 * Why not `INSERT ... ON DUPLICATE KEY UPDATE x = x` and affectedRows: mysql2 sets
 * CLIENT_FOUND_ROWS by default, so a duplicate then reports affectedRows 1, the same as
 * a fresh insert. A duplicate-key error rolls back only the statement, never the
 * caller's transaction, so catching it is safe inside `{ tx }`.
 */
export async function insertUnlessExists(conn: Transaction, sql: string, values: unknown[]): Promise<boolean> {
  try {
    await conn.query<ResultSetHeader>(sql, values);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** The run row, its first events and its tags (when it has any), as statements (see insertRun). */
export function insertRunStatements(p: string, creation: RunCreation): readonly [Statement, ...Statement[]] {
  const { row } = creation;
  const events = insertEventsOf(
    p,
    creation.events.map((placed) => ({ key: row, placed })),
  );
  const tags = insertTagsStatement(p, row, row.createdAt, row.tags);
  const hasTags = Object.keys(row.tags).length > 0;
  return [
    {
      sql: `INSERT INTO ${p}runs (namespace, workflow, run_id, iteration, status, shard, version, next_pos, wake_at, wake_gen, cancel_requested, input, code_version, seed, seed_iteration, deadline, parent_workflow, parent_run_id, parent_waits, queue, priority, concurrency_key, scheduled_at, trace_context, tags, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        row.namespace,
        row.workflow,
        row.runId,
        row.iteration,
        row.status,
        row.shard,
        row.version,
        row.nextPos,
        row.wakeAt,
        row.wakeGen,
        row.cancelRequested ? 1 : 0,
        row.inputText,
        row.codeVersion,
        row.seed,
        row.seedIteration,
        row.deadline,
        row.parent?.workflow ?? null,
        row.parent?.runId ?? null,
        row.parent?.waits ? 1 : 0,
        row.queue,
        row.priority,
        row.concurrencyKey,
        row.scheduledAt,
        row.traceContext,
        hasTags ? encodeTags(row.tags) : null,
        row.createdAt,
        row.updatedAt,
      ],
    },
    events,
    ...(tags === undefined ? [] : [tags]),
  ];
}

/** Creates the run row and its first events (see rules/new-run.ts); false when the run exists. */
export async function insertRun(conn: Transaction, p: string, creation: RunCreation): Promise<boolean> {
  const [row, ...rest] = insertRunStatements(p, creation);
  if (!(await insertUnlessExists(conn, row.sql, row.args))) return false;
  for (const statement of rest) await conn.query(statement.sql, statement.args);
  return true;
}

/**
 * A client's signal: like insertSignal, but a run that has ended refuses it with RunEndedError
 * (unless the same signal was stored before: that is a retry, answered false). The run row is
 * locked first, so a step that ends the run meanwhile is seen.
 */
export async function insertClientSignal(
  conn: Transaction,
  p: string,
  run: RunKey,
  signal: NewSignal,
  now: number,
): Promise<boolean> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT status FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`,
    [run.namespace, run.workflow, run.runId],
  );
  const status = rows[0] === undefined ? undefined : String(rows[0].status);
  if (status !== undefined && !takesSignals(status)) {
    const [sent] = await conn.query<RowDataPacket[]>(
      `SELECT 1 FROM ${p}signals
       WHERE namespace = ? AND workflow = ? AND run_id = ? AND signal_name = ? AND external_id = ?`,
      [run.namespace, run.workflow, run.runId, signal.signal, signal.externalId],
    );
    return refusedSignal(run, status, signal.signal, sent.length > 0);
  }
  return insertSignal(conn, p, run, signal, now);
}

/** Stores a signal and wakes its run (if running); false when (run, signal, externalId) was sent before. */
export async function insertSignal(
  conn: Transaction,
  p: string,
  run: RunKey,
  signal: NewSignal,
  now: number,
): Promise<boolean> {
  const created = await insertUnlessExists(
    conn,
    `INSERT INTO ${p}signals (namespace, workflow, run_id, signal_name, external_id, payload, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [run.namespace, run.workflow, run.runId, signal.signal, signal.externalId, signal.payloadText, now],
  );
  if (!created) return false;
  // No run yet (or ended): the signal waits in the inbox; the engine reads it when it runs.
  await conn.query(
    `UPDATE ${p}runs SET wake_gen = wake_gen + 1, ${WAKE_ON_ARRIVAL}, updated_at = ?
     WHERE namespace = ? AND workflow = ? AND run_id = ? AND status = ?`,
    [now, now, now, run.namespace, run.workflow, run.runId, RunStatus.Running],
  );
  return true;
}

/**
 * A cancel request, as cancelRequest (rules/cancel.ts) decides: a started run is marked and
 * woken, one that never ran ends as cancelled at once. Must run inside a transaction: the run
 * row is locked first. Returns the runs that have something new (none: nothing was requested);
 * RunNotFoundError when the run does not exist.
 */
export async function requestCancel(conn: Transaction, p: string, run: RunKey, now: number): Promise<RunKey[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT iteration, status, cancel_requested, version, next_pos, wake_at, lease_until, paused,
            parent_workflow, parent_run_id, parent_waits
       FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`,
    [run.namespace, run.workflow, run.runId],
  );
  const row = rows[0];
  if (row === undefined) throw new RunNotFoundError(run.namespace, run.workflow, run.runId);
  const decision = cancelRequest(run, cancellableRun(row), now);
  if (decision.kind === "none") return [];
  const where = [run.namespace, run.workflow, run.runId];
  if (decision.kind === "request") {
    await conn.query(
      `UPDATE ${p}runs SET cancel_requested = 1, wake_gen = wake_gen + 1, wake_at = ?, updated_at = ?
        WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [decision.wakeAt, now, ...where],
    );
  } else {
    const { end } = decision;
    await conn.query(
      `UPDATE ${p}runs SET status = ?, error = ?, cancel_requested = 1, wake_gen = wake_gen + 1, wake_at = NULL,
              version = ?, next_pos = ?, updated_at = ? WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [end.status, end.errorText, decision.version, decision.nextPos, now, ...where],
    );
    const settle = endRequestsStatement(p, run, end, now);
    await conn.query(settle.sql, settle.args);
  }
  const insert = insertEventsOf(
    p,
    decision.events.map((placed) => ({ key: run, placed })),
  );
  await conn.query(insert.sql, insert.args);
  const toParent = decision.kind === "end" ? decision.toParent : undefined;
  if (toParent === undefined) return [run];
  await insertSignal(conn, p, toParent.key, toParent.signal, now);
  return [run, toParent.key];
}

function cancellableRun(row: RowDataPacket): CancellableRun {
  return {
    status: String(row.status),
    iteration: Number(row.iteration),
    version: Number(row.version),
    nextPos: Number(row.next_pos),
    cancelRequested: Number(row.cancel_requested) !== 0,
    wakeAt: row.wake_at === null ? null : Number(row.wake_at),
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    paused: Number(row.paused) === 1,
    parent:
      row.parent_run_id === null
        ? null
        : {
            workflow: String(row.parent_workflow),
            runId: String(row.parent_run_id),
            waits: Number(row.parent_waits) === 1,
          },
  };
}
