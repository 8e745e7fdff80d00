import type { Transaction } from "../../api.js";
import { RunNotFoundError } from "../../errors.js";
import type { RunKey } from "../../history/index.js";
import { forkCreation } from "../rules/fork.js";
import { resumption } from "../rules/resume.js";
import type { ForkRequest } from "../types.js";
import { nullableText, type Row, text, toRecordedEvent } from "./rows.js";
import { insertEventsOf } from "./statements.js";
import { insertRun } from "./writes.js";

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
    `SELECT iteration, status, error, version, code_version FROM ${p}runs WHERE ${PK} FOR UPDATE`,
    pk(key),
  );
  const row = rows[0];
  const run = row && {
    status: text(row.status),
    iteration: Number(row.iteration),
    version: Number(row.version),
    errorText: nullableText(row.error),
    codeVersion: nullableText(row.code_version),
  };
  const { set, event } = resumption(key, run, codeVersion, now);
  await conn.query(
    `UPDATE ${p}runs SET status = ?, error = ?, wake_at = ?, lease_owner = ?, lease_until = ?, version = ?,
            code_version = ?, updated_at = ?
      WHERE ${PK}`,
    [
      set.status,
      set.errorText,
      set.wakeAt,
      set.leaseOwner,
      set.leaseUntil,
      set.version,
      set.codeVersion,
      set.updatedAt,
      ...pk(key),
    ],
  );
  const insert = insertEventsOf(p, [{ key, placed: event }]);
  await conn.query(insert.sql, insert.args);
}

/** See ClientStore.forkRun; the layout is forkCreation's (rules/fork.ts). */
export async function forkRun(conn: Transaction, p: string, request: ForkRequest): Promise<boolean> {
  const { source } = request;
  const [runs] = await conn.query<Row[]>(
    `SELECT iteration, input, seed, code_version, queue, priority, concurrency_key, deadline, created_at
       FROM ${p}runs WHERE ${PK}`,
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
  const fork = forkCreation(
    {
      iteration,
      inputText: nullableText(run.input),
      seed: nullableText(run.seed),
      codeVersion: nullableText(run.code_version),
      queue: nullableText(run.queue),
      priority: Number(run.priority),
      concurrencyKey: nullableText(run.concurrency_key),
      deadline: run.deadline === null ? null : Number(run.deadline),
      createdAt: Number(run.created_at),
      events: rows.map((row) => toRecordedEvent(row, source.runId)),
    },
    request,
  );
  return insertRun(conn, p, fork);
}
