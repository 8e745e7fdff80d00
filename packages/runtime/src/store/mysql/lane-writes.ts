import type { PoolConnection, ResultSetHeader } from "mysql2/promise";
import { isEnded, type RunKey, RunStatus } from "../../history/index.js";
import { runCreation } from "../rules/new-run.js";
import { takesSignals } from "../rules/signals.js";
import type { NewRequest, NewRun, NewSignal, SignalAndRun } from "../types.js";
import { readRunStatement, runSnapshotOf } from "./claim.js";
import { isDuplicateKey } from "./db-errors.js";
import type { Lane } from "./lane.js";
import { REQUEST_COLUMNS, REQUEST_WAKE, requestValues } from "./requests.js";
import type { Row } from "./rows.js";
import type { Statement } from "./statements.js";
import { insertRunStatements, WAKE_ON_ARRIVAL } from "./writes.js";

/**
 * The client's hot writes in one round trip each, on a lane (see lane.ts): the whole
 * transaction, COMMIT included, goes out as one query (its first statement begins it: the
 * lane's connections run with autocommit off). Each answers true when it wrote, and
 * undefined when it did not and the caller must take the statement-by-statement path, which
 * tells the cases apart exactly (an existing run or signal, an ended run). A step or a start
 * is acknowledged only once the query that carries its COMMIT returned.
 */

/** The run row and its created event. A duplicate rolls back and answers undefined. */
export async function createRunOnLane(lane: Lane, p: string, run: NewRun): Promise<true | undefined> {
  const statements = insertRunStatements(p, runCreation(run));
  return once(lane, [...statements, { sql: "COMMIT", args: [] }], () => true);
}

/** The statuses of runs that take no signals (see takesSignals), for the SQL below. */
const ENDED_STATUSES = Object.values(RunStatus).filter((status) => !takesSignals(status));

/**
 * A client's signal: the run row is locked and read, the signal stored unless the run ended,
 * the run woken. Undefined (nothing written) when the run has ended or the signal was sent
 * before: the slow path says which (RunEndedError, or false for a retry). With `readBack`, the
 * run is read again before COMMIT as readRun reads it (readRunStatement), its signals along.
 */
export async function addSignalOnLane(
  lane: Lane,
  p: string,
  run: RunKey,
  signal: NewSignal,
  now: number,
  readBack = false,
): Promise<SignalAndRun | undefined> {
  const key = [run.namespace, run.workflow, run.runId];
  const statements: Statement[] = [
    { sql: `SELECT status FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`, args: key },
    {
      sql: `INSERT INTO ${p}signals (namespace, workflow, run_id, signal_name, external_id, payload, created_at)
            SELECT ?, ?, ?, ?, ?, ?, ? FROM DUAL
             WHERE NOT EXISTS (SELECT 1 FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ? AND status IN (?))`,
      args: [...key, signal.signal, signal.externalId, signal.payloadText, now, ...key, ENDED_STATUSES],
    },
    {
      sql: `UPDATE ${p}runs SET wake_gen = wake_gen + 1, ${WAKE_ON_ARRIVAL}, updated_at = ?
             WHERE namespace = ? AND workflow = ? AND run_id = ? AND status = ?`,
      args: [now, now, now, ...key, RunStatus.Running],
    },
    ...(readBack ? [readRunStatement(p, run)] : []),
    { sql: "COMMIT", args: [] },
  ];
  return once(lane, statements, (answers) => {
    const status = (answers[0] as Row[])[0]?.status;
    const inserted = (answers[1] as ResultSetHeader).affectedRows === 1;
    // An ended run: nothing was inserted, and the update matched nothing.
    if (!inserted || (status !== undefined && !takesSignals(String(status)))) return undefined;
    return { sent: true, run: readBack ? runSnapshotOf(run, answers[3] as Row[]) : undefined };
  });
}

/**
 * A client's update or query request: the run row is locked and read, the request stored unless
 * the run does not exist or ended, the run woken. Undefined (nothing written) otherwise, or on a
 * request id stored before: the slow path says which (RunNotFoundError, RunEndedError, or the
 * earlier request's state).
 */
export async function addRequestOnLane(
  lane: Lane,
  p: string,
  run: RunKey,
  request: NewRequest,
  now: number,
): Promise<true | undefined> {
  const key = [run.namespace, run.workflow, run.runId];
  const ended = Object.values(RunStatus).filter((status) => isEnded(status));
  const taking = `EXISTS (SELECT 1 FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ? AND status NOT IN (?))`;
  const statements: Statement[] = [
    { sql: `SELECT status FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`, args: key },
    {
      sql: `INSERT INTO ${p}requests (${REQUEST_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM DUAL WHERE ${taking}`,
      args: [...requestValues(run, request, now), ...key, ended],
    },
    {
      sql: `UPDATE ${p}runs SET ${REQUEST_WAKE}, updated_at = ?
             WHERE namespace = ? AND workflow = ? AND run_id = ? AND status NOT IN (?)`,
      args: [now, now, now, ...key, ended],
    },
    { sql: "COMMIT", args: [] },
  ];
  return once(lane, statements, (answers) => ((answers[1] as ResultSetHeader).affectedRows === 1 ? true : undefined));
}

/** Sends `statements` as one query; a server error rolls back and answers undefined (a duplicate) or rethrows. */
async function once<T>(
  lane: Lane,
  statements: readonly Statement[],
  read: (answers: unknown[]) => T | undefined,
): Promise<T | undefined> {
  const conn: PoolConnection = await lane.getConnection();
  try {
    const [answers] = await conn.query(
      statements.map((s) => s.sql).join(";\n"),
      statements.flatMap((s) => s.args),
    );
    return read(answers as unknown[]);
  } catch (error) {
    // The statement that failed was undone; the transaction it was in is still open.
    await conn.query("ROLLBACK").catch(() => {});
    if (isDuplicateKey(error)) return undefined;
    throw error;
  } finally {
    conn.release();
  }
}
