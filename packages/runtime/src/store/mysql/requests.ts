import type { Pool, ResultSetHeader } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { type RunKey, RunStatus } from "../../history/index.js";
import {
  isRequestStatus,
  type NewRequest,
  type RequestArrival,
  type RequestKind,
  type RequestState,
  RequestStatus,
  type RequestWrite,
  type StoredRequest,
} from "../request-records.js";
import { requestArrival, requestsAtEnd, requestWriteRefusal, withdrawal, writeMustHold } from "../rules/requests.js";
import type { RunEnd, StepWrite } from "../step-write.js";
import { FRESH_VERSION } from "../types.js";
import { isDuplicateKey } from "./db-errors.js";
import { nullableText, type Row, text } from "./rows.js";
import { type Statement, valueRows } from "./statements.js";
import { inTransaction } from "./transaction.js";

/*
 * Update and query requests on MySQL (the rules are in rules/requests.ts; the table is migration
 * 12 of schema.ts). Every statement leads with the run's key.
 */

/** The run key columns, for a WHERE. */
const RUN = "namespace = ? AND workflow = ? AND run_id = ?";
const runArgs = (key: RunKey) => [key.namespace, key.workflow, key.runId];

/**
 * What a stored request does to its run's row: the SQL twin of runAfterRequest (its wake time as
 * WAKE_ON_ARRIVAL's, for a running run). Parameters: now, now.
 */
export const REQUEST_WAKE = `request_gen = request_gen + 1, wake_gen = wake_gen + 1,
  wake_at = IF(status = '${RunStatus.Running}' AND version <> ${FRESH_VERSION} AND (wake_at IS NULL OR wake_at > ?), ?, wake_at)`;

/** The columns of a request a client stores, and their values (see requestValues). */
export const REQUEST_COLUMNS =
  "namespace, workflow, run_id, request_id, kind, name, input, status, created_at, updated_at";

export function requestValues(key: RunKey, request: NewRequest, now: number): unknown[] {
  const { requestId, kind, name, inputText } = request;
  return [...runArgs(key), requestId, kind, name, inputText, RequestStatus.Requested, now, now];
}

/** See ClientStore.addRequest: the run row is locked first, so a step that ends the run meanwhile is seen. */
export async function addRequest(
  conn: Transaction,
  p: string,
  key: RunKey,
  request: NewRequest,
  now: number,
): Promise<RequestArrival> {
  const [runs] = await conn.query<Row[]>(`SELECT status FROM ${p}runs WHERE ${RUN} FOR UPDATE`, runArgs(key));
  const run = runs[0] === undefined ? undefined : { status: text(runs[0].status) };
  const existing = await selectRequest(conn, p, key, request.requestId, " FOR UPDATE");
  const decision = requestArrival(key, request, run, existing);
  if (!decision.add) return { added: false, state: decision.state };
  try {
    await conn.query(
      `INSERT INTO ${p}requests (${REQUEST_COLUMNS}) VALUES ${valueRows(1, 10)}`,
      requestValues(key, request, now),
    );
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const state = await selectRequest(conn, p, key, request.requestId, " FOR UPDATE");
    if (state === undefined) throw error;
    return { added: false, state };
  }
  await conn.query(`UPDATE ${p}runs SET ${REQUEST_WAKE}, updated_at = ? WHERE ${RUN}`, [
    now,
    now,
    now,
    ...runArgs(key),
  ]);
  return { added: true };
}

export async function readRequest(
  pool: Pool,
  p: string,
  key: RunKey,
  requestId: string,
): Promise<RequestState | undefined> {
  return selectRequest(pool, p, key, requestId, "");
}

/** See ClientStore.withdrawRequest; the rule is withdrawal. */
export function withdrawRequest(pool: Pool, p: string, key: RunKey, requestId: string) {
  return inTransaction(pool, undefined, async (conn) => {
    const { deletes, state } = withdrawal(await selectRequest(conn, p, key, requestId, " FOR UPDATE"));
    if (deletes)
      await conn.query(`DELETE FROM ${p}requests WHERE ${RUN} AND request_id = ?`, [...runArgs(key), requestId]);
    return state;
  });
}

export async function forgetRequest(pool: Pool, p: string, key: RunKey, requestId: string): Promise<void> {
  await pool.query(`DELETE FROM ${p}requests WHERE ${RUN} AND request_id = ?`, [...runArgs(key), requestId]);
}

/** See EngineStore.loadRequests: through requests_open, in arrival order. */
export async function loadRequests(pool: Pool, p: string, key: RunKey): Promise<StoredRequest[]> {
  const [rows] = await pool.query<Row[]>(
    `SELECT request_id, kind, name, input, created_at FROM ${p}requests WHERE ${RUN} AND status = ? ORDER BY id`,
    [...runArgs(key), RequestStatus.Requested],
  );
  return rows.map((row) => ({
    requestId: text(row.request_id),
    kind: text(row.kind) as RequestKind,
    name: text(row.name),
    inputText: nullableText(row.input) ?? "null",
    createdAt: Number(row.created_at),
  }));
}

async function selectRequest(
  conn: Pick<Transaction, "query">,
  p: string,
  key: RunKey,
  requestId: string,
  lock: "" | " FOR UPDATE",
): Promise<RequestState | undefined> {
  const [rows] = await conn.query<Row[]>(
    `SELECT status, result, error FROM ${p}requests WHERE ${RUN} AND request_id = ?${lock}`,
    [...runArgs(key), requestId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const status = text(row.status);
  if (!isRequestStatus(status)) throw new Error(`request ${requestId} has an unknown status ${JSON.stringify(status)}`);
  return { status, resultText: nullableText(row.result), errorText: nullableText(row.error) };
}

/*
 * A step's writes (StepWrite.requestWrites), built without I/O like step-statements.ts.
 */

/** The request writes of a batch: new rows in one INSERT, then one UPDATE per request found (from a status). */
export function requestWriteStatements(
  p: string,
  steps: readonly StepWrite[],
): {
  readonly statements: Statement[];
  /** Indexes in `statements` of the UPDATEs that must change one row (updates: see requestWriteRefusal). */
  readonly checked: number[];
} {
  const fresh: { step: StepWrite; write: RequestWrite }[] = [];
  const statements: Statement[] = [];
  const checked: number[] = [];
  for (const step of steps) {
    for (const write of step.requestWrites ?? []) {
      if (write.from === undefined) fresh.push({ step, write });
      else {
        if (writeMustHold(write)) checked.push(statements.length);
        statements.push(updateRequestStatement(p, step, write));
      }
    }
  }
  if (fresh.length === 0) return { statements, checked };
  const insert = insertWrittenStatement(p, fresh);
  return { statements: [insert, ...statements], checked: checked.map((index) => index + 1) };
}

function updateRequestStatement(p: string, step: StepWrite, write: RequestWrite): Statement {
  return {
    sql: `UPDATE ${p}requests SET status = ?, result = ?, error = ?, updated_at = ? WHERE ${RUN} AND request_id = ? AND status = ?`,
    args: [
      write.status,
      write.resultText,
      write.errorText,
      step.now,
      ...runArgs(step.key),
      write.requestId,
      write.from,
    ],
  };
}

function insertWrittenStatement(p: string, rows: readonly { step: StepWrite; write: RequestWrite }[]): Statement {
  const args = rows.flatMap(({ step, write }) => [
    ...runArgs(step.key),
    write.requestId,
    write.kind,
    write.name,
    write.inputText,
    write.status,
    write.resultText,
    write.errorText,
    step.now,
    step.now,
  ]);
  return {
    sql: `INSERT INTO ${p}requests (namespace, workflow, run_id, request_id, kind, name, input, status, result, error, created_at, updated_at)
          VALUES ${valueRows(rows.length, 12)}`,
    args,
  };
}

/**
 * The SQL twin of requestsAtEnd: one UPDATE per step that ends its run, settling what is still
 * open, after the step's own request writes.
 */
export function endRequestsStatements(p: string, steps: readonly StepWrite[]): Statement[] {
  return steps.flatMap((step) =>
    step.end === undefined ? [] : [endRequestsStatement(p, step.key, step.end, step.now)],
  );
}

/** The run ended (a step, or a cancel before it ever ran): its open requests settled; `error` is set before `status`, which it reads. */
export function endRequestsStatement(p: string, key: RunKey, end: Pick<RunEnd, "status">, now: number): Statement {
  const atEnd = requestsAtEnd(key, end);
  return {
    sql: `UPDATE ${p}requests SET error = IF(status = ?, ?, ?), status = IF(status = ?, ?, ?), updated_at = ?
           WHERE ${RUN} AND status IN (?, ?)`,
    args: [
      RequestStatus.Requested,
      atEnd.requested.errorText,
      atEnd.accepted.errorText,
      RequestStatus.Requested,
      atEnd.requested.status,
      atEnd.accepted.status,
      now,
      ...runArgs(key),
      RequestStatus.Requested,
      RequestStatus.Accepted,
    ],
  };
}

/**
 * Why the step's request writes may not be written, read with the request rows locked (the
 * statement-by-statement path): requestWriteRefusal for each request the step found stored.
 */
export async function requestsRefusal(conn: Transaction, p: string, step: StepWrite): Promise<string | undefined> {
  const found = (step.requestWrites ?? []).filter(writeMustHold);
  if (found.length === 0) return undefined;
  const [rows] = await conn.query<Row[]>(
    `SELECT request_id, status FROM ${p}requests WHERE ${RUN} AND request_id IN (?) FOR UPDATE`,
    [...runArgs(step.key), found.map((write) => write.requestId)],
  );
  const statuses = new Map(rows.map((row) => [text(row.request_id), text(row.status)]));
  for (const write of found) {
    const status = statuses.get(write.requestId);
    const refusal = requestWriteRefusal(write, status !== undefined && isRequestStatus(status) ? status : undefined);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/** True when every checked UPDATE of requestWriteStatements changed its row. */
export function checkedWritesHeld(answers: readonly unknown[], first: number, checked: readonly number[]): boolean {
  return checked.every((index) => (answers[first + index] as ResultSetHeader).affectedRows === 1);
}
