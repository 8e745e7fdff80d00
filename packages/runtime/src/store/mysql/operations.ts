import type { Transaction } from "../../api.js";
import { RunNotFoundError, RunNotResumableError } from "../../errors.js";
import { eventsBeforeStep, type NewEvent, newEvent, type RunKey, RunStatus } from "../../history/index.js";
import { shardOf } from "../../shard.js";
import type { ForkRequest } from "../types.js";
import { nullableText, type Row, text, toRecordedEvent } from "./rows.js";
import { insertUnlessExists } from "./writes.js";

const PK = "namespace = ? AND workflow = ? AND run_id = ?";
const pk = (key: RunKey) => [key.namespace, key.workflow, key.runId];

/** See ClientStore.resumeRun. Runs in a transaction: the run row is locked first. */
export async function resumeRun(
  conn: Transaction,
  p: string,
  key: RunKey,
  codeVersion: string | undefined,
  now: number,
): Promise<void> {
  const [rows] = await conn.query<Row[]>(
    `SELECT iteration, status, error FROM ${p}runs WHERE ${PK} FOR UPDATE`,
    pk(key),
  );
  const row = rows[0];
  if (row === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  const status = text(row.status);
  if (status !== RunStatus.Stuck) throw new RunNotResumableError(key.runId, status);
  // version + 1: whatever a worker still holds of the run is stale now.
  await conn.query(
    `UPDATE ${p}runs SET status = ?, error = NULL, wake_at = ?, lease_owner = NULL, lease_until = NULL,
            version = version + 1, code_version = IFNULL(?, code_version), updated_at = ?
      WHERE ${PK}`,
    [RunStatus.Running, now, codeVersion ?? null, now, ...pk(key)],
  );
  const error = nullableText(row.error);
  const event = newEvent.resumed(
    { error: error === null ? null : JSON.parse(error), version: codeVersion ?? null },
    now,
  );
  await insertEvent(conn, p, key, Number(row.iteration), null, event);
}

/** See ClientStore.forkRun. */
export async function forkRun(conn: Transaction, p: string, request: ForkRequest): Promise<boolean> {
  const { source, target, fromStep, now } = request;
  const [runs] = await conn.query<Row[]>(
    `SELECT iteration, input, seed, code_version FROM ${p}runs WHERE ${PK}`,
    pk(source),
  );
  const run = runs[0];
  if (run === undefined) throw new RunNotFoundError(source.namespace, source.workflow, source.runId);
  const iteration = Number(run.iteration);
  const [rows] = await conn.query<Row[]>(
    `SELECT iteration, pos, type, target, seq, payload, created_at FROM ${p}events
      WHERE ${PK} AND iteration = ? AND pos IS NOT NULL ORDER BY pos`,
    [...pk(source), iteration],
  );
  const copied = eventsBeforeStep(
    rows.map((row) => toRecordedEvent(row, source.runId)),
    fromStep,
  );
  const seed = nullableText(run.seed) ?? `${source.namespace}/${source.workflow}/${source.runId}`;
  const inputText = nullableText(run.input) ?? "null";
  const created = await insertUnlessExists(
    conn,
    `INSERT INTO ${p}runs (namespace, workflow, run_id, iteration, status, shard, version, next_pos, wake_at, wake_gen, cancel_requested, input, code_version, seed, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?)`,
    [
      ...pk(target),
      iteration,
      RunStatus.Running,
      shardOf(target.runId),
      // Not fresh when steps were copied: the worker must read the history.
      copied.length > 0 ? 1 : 0,
      copied.length + 1,
      now,
      inputText,
      request.codeVersion ?? nullableText(run.code_version),
      seed,
      now,
      now,
    ],
  );
  if (!created) return false;
  await insertEvent(conn, p, target, iteration, 0, newEvent.created(inputText, now));
  for (const [index, event] of copied.entries()) {
    const { type, target: name, seq, at } = event;
    await insertEvent(conn, p, target, iteration, index + 1, {
      type,
      target: name,
      seq,
      payloadText: event.payloadText ?? null,
      at,
    });
  }
  const forked = { runId: source.runId, iteration, fromStep, seed };
  await insertEvent(conn, p, target, iteration, null, newEvent.forked(forked, now));
  return true;
}

async function insertEvent(
  conn: Transaction,
  p: string,
  key: RunKey,
  iteration: number,
  pos: number | null,
  event: NewEvent,
): Promise<void> {
  await conn.query(
    `INSERT INTO ${p}events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [...pk(key), iteration, pos, event.type, event.target, event.seq, event.payloadText, event.at],
  );
}
