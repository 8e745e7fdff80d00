import type { Pool } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import type { RunKey } from "../../history/index.js";
import {
  closesStreams,
  placeAppends,
  resetsBefore,
  type StreamingRun,
  streamWriteRefusal,
  writerRowsAfter,
} from "../rules/streams.js";
import type { StepWrite } from "../step-write.js";
import type {
  ActivityStreamBatch,
  PlacedChunk,
  StoredChunk,
  StoredStream,
  StreamBatchResult,
  StreamHead,
  StreamRead,
  StreamResetRequest,
  StreamResetResult,
  StreamWriter,
  WriterRow,
} from "../stream-records.js";
import { retryOnConflict } from "./conflicts.js";
import { type Row, text } from "./rows.js";
import { whereRunKeys } from "./run-keys.js";
import type { Statement } from "./statements.js";
import { valueRows } from "./statements.js";
import { inTransaction } from "./transaction.js";

/*
 * Durable streams on MySQL (see rules/streams.ts for what each write does). Tables: `streams`,
 * a head row per stream (next offset, closed), locked to hand out dense offsets; `stream_chunks`;
 * `stream_writers`, which streams each activity wrote to and what readers were told of it.
 *
 * Lock order: the run row first (an activity's batch locks it for share: the run cannot end or
 * move on meanwhile, and batches of parallel activities do not wait for each other; a step holds
 * it exclusively), then the activity's tasks row, then the heads in key order, then the writer
 * rows. Tasks before streams, as a step takes them: a step that ends a run deletes its tasks rows
 * and then closes its streams under REPEATABLE READ, whose next-key locks reach the neighbouring
 * run's rows, so a batch that locked a head before its tasks row could wait for such a step while
 * the step waits for it (Galera's chaos test saw steps fail with deadlocks so). A reset takes the
 * writer rows before the heads (they say which heads), but it runs only for the worker that holds
 * the run, when no batch of the activity can pass the same check; and a transaction that loses a
 * deadlock anyway is written again (retryOnConflict).
 */

const RUN = "namespace = ? AND workflow = ? AND run_id = ?";
const runArgs = (run: RunKey) => [run.namespace, run.workflow, run.runId];

/** See StreamStore.appendStreamBatch: one READ COMMITTED transaction, retried after a lock conflict. */
export function appendStreamBatch(pool: Pool, p: string, batch: ActivityStreamBatch): Promise<StreamBatchResult> {
  return retryOnConflict(() => inTransaction(pool, undefined, (conn) => appendIn(conn, p, batch), "READ COMMITTED"));
}

async function appendIn(conn: Transaction, p: string, batch: ActivityStreamBatch): Promise<StreamBatchResult> {
  const refusal = streamWriteRefusal(await shareRun(conn, p, batch.run), batch.writer, batch.owner);
  if (refusal !== undefined) return { ok: false, reason: refusal };
  if (batch.firstWrites.length > 0) await countAttempt(conn, p, batch.run, batch.writer, batch.now);
  const keys = [...new Set(batch.appends.map((append) => append.key))];
  const heads = await lockHeads(conn, p, batch.run, keys, batch.firstWrites, batch.now);
  const placed = placeAppends(heads, batch.appends, batch.writer.attempt);
  await insertChunks(conn, p, batch.run, placed.chunks, batch.now);
  await saveHeads(conn, p, batch.run, placed.heads, batch.now);
  if (batch.firstWrites.length > 0 || placed.closed.length > 0) {
    const rows = await lockWriterRows(conn, p, batch.run, batch.writer);
    await saveWriterRows(
      conn,
      p,
      batch.run,
      batch.writer,
      writerRowsAfter(rows, batch.writer, batch.firstWrites, placed.closed),
    );
  }
  return { ok: true, dropped: placed.dropped };
}

/** See StreamStore.resetStreamAttempts. */
export function resetStreamAttempts(pool: Pool, p: string, request: StreamResetRequest): Promise<StreamResetResult> {
  return retryOnConflict(() => inTransaction(pool, undefined, (conn) => resetIn(conn, p, request), "READ COMMITTED"));
}

async function resetIn(conn: Transaction, p: string, request: StreamResetRequest): Promise<StreamResetResult> {
  const { run, writer, now } = request;
  const refusal = streamWriteRefusal(await shareRun(conn, p, run), writer, request.owner);
  if (refusal !== undefined) return { ok: false, reason: refusal };
  const rows = await lockWriterRows(conn, p, run, writer);
  const due = [...rows.values()].filter((row) => row.attempt < writer.attempt && row.resetThrough < row.attempt);
  if (due.length === 0) return { ok: true, reset: [] };
  const heads = await lockHeads(
    conn,
    p,
    run,
    due.map((row) => row.key),
    [],
    now,
  );
  const planned = resetsBefore(due, heads, writer.attempt);
  await insertChunks(conn, p, run, planned.chunks, now);
  await saveHeads(conn, p, run, planned.heads, now);
  await saveWriterRows(conn, p, run, writer, planned.rows);
  return { ok: true, reset: planned.chunks.map((chunk) => chunk.key) };
}

/**
 * See StreamStore.readStream, in one statement: the run's status and the stream's head, then the
 * chunks after the cursor. One statement reads one snapshot, and a head and the chunks before its
 * next offset are committed together, so a reader never sees a gap, nor a close before the chunks
 * that precede it.
 */
export async function readStream(
  pool: Pool,
  p: string,
  run: RunKey,
  key: string,
  after: number,
  limit: number,
): Promise<StreamRead> {
  const [rows] = await pool.query<Row[]>(
    `SELECT r.status, s.next_offset, s.closed, NULL AS chunk_offset, NULL AS payload, NULL AS attempt, NULL AS is_reset
       FROM ${p}runs r
       LEFT JOIN ${p}streams s ON s.namespace = r.namespace AND s.workflow = r.workflow AND s.run_id = r.run_id AND s.stream_key = ?
      WHERE r.namespace = ? AND r.workflow = ? AND r.run_id = ?
     UNION ALL
     (SELECT NULL, NULL, NULL, chunk_offset, payload, attempt, is_reset FROM ${p}stream_chunks
       WHERE ${RUN} AND stream_key = ? AND chunk_offset > ? ORDER BY chunk_offset LIMIT ?)`,
    [key, ...runArgs(run), ...runArgs(run), key, after, limit],
  );
  const state = rows.find((row) => row.chunk_offset === null);
  if (state === undefined) return { runStatus: undefined, head: undefined, chunks: [] };
  const head =
    state.next_offset === null
      ? undefined
      : { nextOffset: Number(state.next_offset), closed: Number(state.closed) === 1 };
  const chunks = rows.filter((row) => row.chunk_offset !== null).map(toChunk);
  return { runStatus: text(state.status), head, chunks };
}

/** See StreamStore.listStreams: the run's row joined to its heads, so a missing run and a run without streams differ. */
export async function listStreams(pool: Pool, p: string, run: RunKey): Promise<readonly StoredStream[] | undefined> {
  const [rows] = await pool.query<Row[]>(
    `SELECT s.stream_key, s.next_offset, s.closed FROM ${p}runs r
       LEFT JOIN ${p}streams s ON s.namespace = r.namespace AND s.workflow = r.workflow AND s.run_id = r.run_id
      WHERE r.namespace = ? AND r.workflow = ? AND r.run_id = ? ORDER BY s.stream_key`,
    runArgs(run),
  );
  if (rows.length === 0) return undefined;
  return rows
    .filter((row) => row.stream_key !== null)
    .map((row) => ({
      key: text(row.stream_key),
      nextOffset: Number(row.next_offset),
      closed: Number(row.closed) === 1,
    }));
}

function toChunk(row: Row): StoredChunk {
  return {
    offset: Number(row.chunk_offset),
    valueText: row.payload === null ? null : text(row.payload),
    attempt: row.attempt === null ? null : Number(row.attempt),
    reset: Number(row.is_reset) === 1,
  };
}

/**
 * The hook of the step writer (see step-writer.ts writeIn): the workflow's stream writes of each
 * step, then the close of every stream of each step that ends its run. In the step's transaction,
 * after its run row was locked.
 */
export async function writeStepStreams(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<void> {
  for (const step of steps) {
    const writes = step.streamWrites ?? [];
    if (writes.length === 0) continue;
    const keys = [...new Set(writes.map((write) => write.key))];
    const heads = await lockHeads(conn, p, step.key, keys, keys, step.now);
    const placed = placeAppends(heads, writes, null);
    await insertChunks(conn, p, step.key, placed.chunks, step.now);
    await saveHeads(conn, p, step.key, placed.heads, step.now);
  }
  const close = closeStreamsStatement(p, steps);
  if (close) await conn.query(close.sql, close.args);
}

/** True when a step writes to streams: the step writer's one-round-trip paths do not apply then. */
export function hasStreamWrites(steps: readonly StepWrite[]): boolean {
  return steps.some((step) => (step.streamWrites?.length ?? 0) > 0);
}

/** Closes every stream of the runs that the steps end (closesStreams); undefined when none ends. */
export function closeStreamsStatement(p: string, steps: readonly StepWrite[]): Statement | undefined {
  const ending = steps.filter((step) => closesStreams(step));
  if (ending.length === 0) return undefined;
  const where = whereRunKeys(ending.map((step) => step.key));
  return { sql: `UPDATE ${p}streams SET closed = 1 WHERE ${where.sql} AND closed = 0`, args: where.args };
}

/** The run's status, iteration and lease holder, locked for share until the transaction ends. */
async function shareRun(conn: Transaction, p: string, run: RunKey): Promise<StreamingRun | undefined> {
  const [rows] = await conn.query<Row[]>(
    `SELECT status, iteration, lease_owner FROM ${p}runs WHERE ${RUN} LOCK IN SHARE MODE`,
    runArgs(run),
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const leaseOwner = row.lease_owner === null ? null : text(row.lease_owner);
  return { status: text(row.status), iteration: Number(row.iteration), leaseOwner };
}

/**
 * Locks the heads of `keys` (in key order), creating those of `create` that are missing first:
 * an upsert that changes nothing locks an existing head as the SELECT would, so two writers that
 * create one head at once wait for each other instead of failing.
 */
async function lockHeads(
  conn: Transaction,
  p: string,
  run: RunKey,
  keys: readonly string[],
  create: readonly string[],
  now: number,
): Promise<Map<string, StreamHead>> {
  const sorted = [...keys].sort();
  const missing = [...new Set(create)].sort();
  if (missing.length > 0) {
    await conn.query(
      `INSERT INTO ${p}streams (namespace, workflow, run_id, stream_key, next_offset, closed, updated_at)
       VALUES ${valueRows(missing.length, 7)} ON DUPLICATE KEY UPDATE next_offset = next_offset`,
      missing.flatMap((key) => [...runArgs(run), key, 0, 0, now]),
    );
  }
  if (sorted.length === 0) return new Map();
  const [rows] = await conn.query<Row[]>(
    `SELECT stream_key, next_offset, closed FROM ${p}streams WHERE ${RUN} AND stream_key IN (?)
      ORDER BY stream_key FOR UPDATE`,
    [...runArgs(run), sorted],
  );
  return new Map(
    rows.map((row) => [
      text(row.stream_key),
      { nextOffset: Number(row.next_offset), closed: Number(row.closed) === 1 },
    ]),
  );
}

async function insertChunks(
  conn: Transaction,
  p: string,
  run: RunKey,
  chunks: readonly PlacedChunk[],
  now: number,
): Promise<void> {
  if (chunks.length === 0) return;
  await conn.query(
    `INSERT INTO ${p}stream_chunks (namespace, workflow, run_id, stream_key, chunk_offset, payload, attempt, is_reset, created_at)
     VALUES ${valueRows(chunks.length, 9)}`,
    chunks.flatMap((c) => [...runArgs(run), c.key, c.offset, c.valueText, c.attempt, c.reset ? 1 : 0, now]),
  );
}

async function saveHeads(
  conn: Transaction,
  p: string,
  run: RunKey,
  heads: ReadonlyMap<string, StreamHead>,
  now: number,
): Promise<void> {
  if (heads.size === 0) return;
  await conn.query(
    `INSERT INTO ${p}streams (namespace, workflow, run_id, stream_key, next_offset, closed, updated_at)
     VALUES ${valueRows(heads.size, 7)}
     ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset), closed = VALUES(closed), updated_at = VALUES(updated_at)`,
    [...heads].flatMap(([key, head]) => [...runArgs(run), key, head.nextOffset, head.closed ? 1 : 0, now]),
  );
}

const WRITER = `${RUN} AND iteration = ? AND activity = ? AND seq = ?`;
const writerArgs = (run: RunKey, w: StreamWriter) => [...runArgs(run), w.iteration, w.activity, w.seq];

/** The writer rows of the activity (every stream it wrote to), locked. */
async function lockWriterRows(
  conn: Transaction,
  p: string,
  run: RunKey,
  writer: StreamWriter,
): Promise<Map<string, WriterRow>> {
  const [rows] = await conn.query<Row[]>(
    `SELECT stream_key, attempt, reset_through, closed_by FROM ${p}stream_writers WHERE ${WRITER} FOR UPDATE`,
    writerArgs(run, writer),
  );
  return new Map(
    rows.map((row) => {
      const key = text(row.stream_key);
      const closedBy = row.closed_by === null ? null : Number(row.closed_by);
      return [key, { key, attempt: Number(row.attempt), resetThrough: Number(row.reset_through), closedBy }];
    }),
  );
}

async function saveWriterRows(
  conn: Transaction,
  p: string,
  run: RunKey,
  writer: StreamWriter,
  rows: readonly WriterRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await conn.query(
    `INSERT INTO ${p}stream_writers (namespace, workflow, run_id, iteration, activity, seq, stream_key, attempt, reset_through, closed_by)
     VALUES ${valueRows(rows.length, 10)}
     ON DUPLICATE KEY UPDATE attempt = VALUES(attempt), reset_through = VALUES(reset_through), closed_by = VALUES(closed_by)`,
    rows.flatMap((row) => [...writerArgs(run, writer), row.key, row.attempt, row.resetThrough, row.closedBy]),
  );
}

/**
 * The activity's tasks row counts the attempt that streams: attemptsMade of rules/streams.ts, as
 * the GREATEST below (ready_at 0 for a new row: due at once should this worker die, as a
 * heartbeat's row is). The conformance case "a streaming attempt is counted..." holds them together.
 */
async function countAttempt(conn: Transaction, p: string, run: RunKey, writer: StreamWriter, now: number) {
  await conn.query(
    `INSERT INTO ${p}tasks (namespace, workflow, run_id, iteration, target, seq, attempt, ready_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?) ON DUPLICATE KEY UPDATE attempt = GREATEST(attempt, VALUES(attempt))`,
    [...writerArgs(run, writer), writer.attempt, now],
  );
}
