import type { Transaction } from "../../api.js";
import { RunNotFoundError } from "../../errors.js";
import { decodeTags, type RunKey, RunStatus } from "../../history/index.js";
import type { RunReset } from "../client-store.js";
import { type OpenPayload, openEvents } from "../open-events.js";
import { RequestStatus } from "../request-records.js";
import { forkCreation } from "../rules/fork.js";
import type { PlacedEvent } from "../rules/new-run.js";
import { pausing, unpausing } from "../rules/pause.js";
import { firstFailingStep, reopensRequest, resetting, staysConsumed } from "../rules/reset.js";
import { resumption } from "../rules/resume.js";
import { termination } from "../rules/terminate.js";
import type { ForkRequest } from "../types.js";
import { endRequestsStatement } from "./requests.js";
import { nullableText, type Row, text, toRecordedEvent } from "./rows.js";
import { insertEventsOf } from "./statements.js";
import { insertRun, insertSignal, requestCancel } from "./writes.js";

/*
 * What operators do to one run: resume, fork, pause, terminate, reset. Each locks the run row
 * first (in the caller's transaction), asks its rule in store/rules/ what to write, and writes it.
 */

const PK = "namespace = ? AND workflow = ? AND run_id = ?";
const pk = (key: RunKey) => [key.namespace, key.workflow, key.runId];

/** See ClientStore.resumeRun; the rule is resumption (rules/resume.ts). In a transaction: the run row is locked first. */
export async function resumeRun(
  conn: Transaction,
  p: string,
  key: RunKey,
  codeVersion: string | undefined,
  now: number,
): Promise<void> {
  const [rows] = await conn.query<Row[]>(
    `SELECT iteration, status, error, version, code_version, paused FROM ${p}runs WHERE ${PK} FOR UPDATE`,
    pk(key),
  );
  const row = rows[0];
  const run = row && {
    status: text(row.status),
    iteration: Number(row.iteration),
    version: Number(row.version),
    errorText: nullableText(row.error),
    codeVersion: nullableText(row.code_version),
    paused: Number(row.paused) === 1,
  };
  const { set, event } = resumption(key, run, codeVersion, now);
  await setColumns(conn, p, key, {
    status: set.status,
    error: set.errorText,
    wake_at: set.wakeAt,
    lease_owner: set.leaseOwner,
    lease_until: set.leaseUntil,
    version: set.version,
    code_version: set.codeVersion,
    updated_at: set.updatedAt,
  });
  await insertEvents(conn, p, key, [event]);
}

/** See ClientStore.forkRun; the layout is forkCreation's (rules/fork.ts). */
export async function forkRun(conn: Transaction, p: string, request: ForkRequest): Promise<boolean> {
  const { source } = request;
  const [runs] = await conn.query<Row[]>(
    `SELECT iteration, input, seed, seed_iteration, code_version, tags, queue, priority, concurrency_key, deadline, created_at
       FROM ${p}runs WHERE ${PK}`,
    pk(source),
  );
  const run = runs[0];
  if (run === undefined) throw new RunNotFoundError(source.namespace, source.workflow, source.runId);
  const iteration = Number(run.iteration);
  const fork = forkCreation(
    {
      iteration,
      inputText: nullableText(run.input),
      seed: nullableText(run.seed),
      seedIteration: run.seed_iteration === null ? null : Number(run.seed_iteration),
      codeVersion: nullableText(run.code_version),
      tags: decodeTags(nullableText(run.tags), `tags of run ${source.runId}`),
      queue: nullableText(run.queue),
      priority: Number(run.priority),
      concurrencyKey: nullableText(run.concurrency_key),
      deadline: run.deadline === null ? null : Number(run.deadline),
      createdAt: Number(run.created_at),
      events: await iterationEvents(conn, p, source, iteration),
    },
    request,
  );
  return insertRun(conn, p, fork);
}

/** See ClientStore.setPaused; the rules are pausing and unpausing (rules/pause.ts). */
export async function setPaused(
  conn: Transaction,
  p: string,
  key: RunKey,
  paused: boolean,
  now: number,
): Promise<boolean> {
  const [rows] = await conn.query<Row[]>(
    `SELECT status, paused, iteration FROM ${p}runs WHERE ${PK} FOR UPDATE`,
    pk(key),
  );
  const row = rows[0];
  const run = row && { status: text(row.status), paused: Number(row.paused) === 1, iteration: Number(row.iteration) };
  const change = paused ? pausing(key, run, now) : unpausing(key, run, now);
  if (change === undefined) return false;
  const { set } = change;
  await setColumns(conn, p, key, { paused: set.paused ? 1 : 0, wake_at: set.wakeAt, updated_at: set.updatedAt });
  await insertEvents(conn, p, key, [change.event]);
  return true;
}

/** See ClientStore.terminateRun; the rule is termination (rules/terminate.ts). */
export async function terminateRun(
  conn: Transaction,
  p: string,
  key: RunKey,
  reason: string,
  now: number,
  open?: OpenPayload,
): Promise<boolean> {
  const [rows] = await conn.query<Row[]>(
    `SELECT status, iteration, version, parent_workflow, parent_run_id, parent_waits FROM ${p}runs WHERE ${PK} FOR UPDATE`,
    pk(key),
  );
  const row = rows[0];
  const run = row && {
    status: text(row.status),
    iteration: Number(row.iteration),
    version: Number(row.version),
    parent:
      row.parent_run_id === null
        ? null
        : {
            workflow: text(row.parent_workflow),
            runId: text(row.parent_run_id),
            waits: Number(row.parent_waits) === 1,
          },
    events: await openEvents(await iterationEvents(conn, p, key, Number(row.iteration)), key, open),
  };
  const ended = termination(key, run, reason, now);
  if (ended === undefined || run === undefined) return false;
  const { set } = ended;
  await setColumns(conn, p, key, {
    status: set.status,
    error: set.errorText,
    result: set.resultText,
    wake_at: set.wakeAt,
    lease_owner: set.leaseOwner,
    lease_until: set.leaseUntil,
    version: set.version,
    updated_at: set.updatedAt,
  });
  await dropIterationRows(conn, p, key, run.iteration);
  // Its open update and query requests end with it, and its streams close, as when a step ends a run.
  const settle = endRequestsStatement(p, key, { status: RunStatus.Terminated }, now);
  await conn.query(settle.sql, settle.args);
  await conn.query(`UPDATE ${p}streams SET closed = 1 WHERE ${PK} AND closed = 0`, pk(key));
  await insertEvents(conn, p, key, [ended.event]);
  if (ended.toParent) await insertSignal(conn, p, ended.toParent.key, ended.toParent.signal, now);
  // A child purged since it was started has nothing left to cancel.
  for (const child of ended.cancelChildren) await requestCancel(conn, p, child, now).catch(unlessNotFound);
  return true;
}

/** See ClientStore.resetRun; the rule is resetting (rules/reset.ts). */
export async function resetRun(
  conn: Transaction,
  p: string,
  key: RunKey,
  options: RunReset,
  now: number,
  open?: OpenPayload,
): Promise<number> {
  const [rows] = await conn.query<Row[]>(
    `SELECT status, iteration, version, input, code_version, seed_iteration, paused FROM ${p}runs WHERE ${PK} FOR UPDATE`,
    pk(key),
  );
  const row = rows[0];
  if (row === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  const events = await openEvents(await iterationEvents(conn, p, key, Number(row.iteration)), key, open);
  const run = {
    status: text(row.status),
    iteration: Number(row.iteration),
    version: Number(row.version),
    inputText: nullableText(row.input),
    codeVersion: nullableText(row.code_version),
    seedIteration: row.seed_iteration === null ? null : Number(row.seed_iteration),
    paused: Number(row.paused) === 1,
    events,
  };
  const toStep = options.toStep ?? firstFailingStep(events);
  const reset = resetting(key, run, { toStep, codeVersion: options.codeVersion, now });
  const { set } = reset;
  await setColumns(conn, p, key, {
    iteration: set.iteration,
    status: set.status,
    version: set.version,
    next_pos: set.nextPos,
    wake_at: set.wakeAt,
    lease_owner: set.leaseOwner,
    lease_until: set.leaseUntil,
    result: set.resultText,
    error: set.errorText,
    cancel_requested: 0,
    code_version: set.codeVersion,
    seed_iteration: set.seedIteration,
    wanted_activity: set.wantedActivity,
    stalls: set.stalls,
    stall_mark: 0,
    updated_at: set.updatedAt,
  });
  await dropIterationRows(conn, p, key, reset.from);
  await returnToInbox(conn, p, key, reset);
  await reopenRequests(conn, p, key, reset, now);
  await insertEvents(conn, p, key, reset.events);
  return set.iteration;
}

/** The signals the old iteration consumed after the reset point go back to the inbox (see Resetting.keptConsumed). */
async function returnToInbox(
  conn: Transaction,
  p: string,
  key: RunKey,
  reset: ReturnType<typeof resetting>,
): Promise<void> {
  const [consumed] = await conn.query<Row[]>(
    `SELECT id, signal_name, external_id FROM ${p}signals WHERE ${PK} AND consumed_iteration = ?`,
    [...pk(key), reset.from],
  );
  const back = consumed
    .map((row) => ({ id: Number(row.id), signal: text(row.signal_name), externalId: text(row.external_id) }))
    .filter((row) => !staysConsumed(reset.keptConsumed, row))
    .map((row) => row.id);
  if (back.length === 0) return;
  await conn.query(`UPDATE ${p}signals SET consumed_iteration = NULL, consumed_seq = NULL WHERE ${PK} AND id IN (?)`, [
    ...pk(key),
    back,
  ]);
}

/**
 * The updates the old iteration accepted after the reset point go back to "requested" (see
 * reopensRequest); request_gen moves with wake_gen, so the run reads its requests again.
 */
async function reopenRequests(
  conn: Transaction,
  p: string,
  key: RunKey,
  reset: ReturnType<typeof resetting>,
  now: number,
): Promise<void> {
  const [open] = await conn.query<Row[]>(
    `SELECT request_id, kind, status FROM ${p}requests WHERE ${PK} AND status = ? FOR UPDATE`,
    [...pk(key), RequestStatus.Accepted],
  );
  const back = open
    .map((row) => ({ requestId: text(row.request_id), kind: text(row.kind), status: text(row.status) }))
    .filter((request) => reopensRequest(reset.keptUpdates, request))
    .map((request) => request.requestId);
  if (back.length === 0) return;
  await conn.query(`UPDATE ${p}requests SET status = ?, updated_at = ? WHERE ${PK} AND request_id IN (?)`, [
    RequestStatus.Requested,
    now,
    ...pk(key),
    back,
  ]);
  await conn.query(`UPDATE ${p}runs SET request_gen = request_gen + 1, wake_gen = wake_gen + 1 WHERE ${PK}`, pk(key));
}

/** The events of an iteration that take part in replay, in position order. */
async function iterationEvents(conn: Transaction, p: string, key: RunKey, iteration: number) {
  const [rows] = await conn.query<Row[]>(
    `SELECT iteration, pos, type, target, seq, payload, created_at FROM ${p}events
      WHERE ${PK} AND iteration = ? AND pos IS NOT NULL ORDER BY pos`,
    [...pk(key), iteration],
  );
  return rows.map((row) => toRecordedEvent(row, key.runId));
}

/**
 * The retry rows and event waits of an iteration that ends here (no event is delivered to them
 * any more), and the run's queue slots and their waits.
 */
async function dropIterationRows(conn: Transaction, p: string, key: RunKey, iteration: number): Promise<void> {
  await conn.query(`DELETE FROM ${p}tasks WHERE ${PK} AND iteration = ?`, [...pk(key), iteration]);
  await conn.query(`DELETE FROM ${p}event_waits WHERE ${PK} AND iteration = ?`, [...pk(key), iteration]);
  await conn.query(`DELETE FROM ${p}queue_slots WHERE ${PK}`, pk(key));
}

/** Sets columns of the run row (names are this file's, never a caller's). */
async function setColumns(conn: Transaction, p: string, key: RunKey, columns: Record<string, unknown>): Promise<void> {
  const names = Object.keys(columns);
  await conn.query(`UPDATE ${p}runs SET ${names.map((name) => `${name} = ?`).join(", ")} WHERE ${PK}`, [
    ...Object.values(columns),
    ...pk(key),
  ]);
}

async function insertEvents(conn: Transaction, p: string, key: RunKey, events: readonly PlacedEvent[]): Promise<void> {
  const insert = insertEventsOf(
    p,
    events.map((placed) => ({ key, placed })),
  );
  await conn.query(insert.sql, insert.args);
}

function unlessNotFound(error: unknown): RunKey[] {
  if (error instanceof RunNotFoundError) return [];
  throw error;
}
