import type { Pool, PoolConnection, ResultSetHeader } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { ReplayError } from "../../errors.js";
import { runKeyId } from "../../history/index.js";
import { fenceRefusal } from "../rules/fence.js";
import type { RunSeen, StepResult, StepWrite } from "../types.js";
import { reachOtherRuns } from "./children.js";
import { Errno, errnoOf, isDuplicateKey, isLockConflict } from "./db-errors.js";
import { changedOneRowGuard, fencedRun, guardedByRowCount, updatedGuardStatement } from "./fence.js";
import type { Lane } from "./lane.js";
import { packetBatches, stepBytes, unwritableStep } from "./packet.js";
import { checkedWritesHeld, endRequestsStatements, requestsRefusal, requestWriteStatements } from "./requests.js";
import { type Row, text } from "./rows.js";
import type { Statement } from "./statements.js";
import {
  consumeSignalStatements,
  deleteTasksStatement,
  foldsCommit,
  hasSideWrites,
  insertEventsStatement,
  insertEventsStatements,
  lockRunsStatement,
  STEP_RESULT_COLUMNS,
  updateRunsStatement,
  writeTasksStatement,
} from "./step-statements.js";
import { closeStreamsStatement, hasStreamWrites, writeStepStreams } from "./streams.js";
import { replaceTagsStatements, tagsAfter } from "./tags.js";
import { inTransaction } from "./transaction.js";
import { beginsWaits, tokenRefusals, writesWaits, writeWaits } from "./waits.js";

const MAX_LOCK_RETRIES = 5;

/**
 * Writes the steps of several runs (at most one step per run, all of one namespace: a
 * worker serves one namespace and batches only its own steps) in one transaction, so many
 * runs share one commit and one fsync. Each step stays fenced on its own: the run rows are
 * locked first and a step whose version or lease moved on is refused without touching the
 * others. A duplicate event (which only a bug or a stale owner can cause) rolls the batch
 * back, and each step is then written alone so only the guilty one is refused.
 *
 * With a lane (see lane.ts) a batch that reaches no other run costs one round trip and takes no
 * locking read: BEGIN, the run update fenced in its WHERE, a guard that fails unless every step
 * passed, every write (each that must change a row followed by a guard of its own) and COMMIT
 * (writeLean). Others (a child started, a signal sent) cost two: BEGIN, the lock, every write
 * and the run update in one, COMMIT in the other. The fence is checked in between, on what the
 * lock returned; the writes went out before that check, so a batch in which any step is
 * refused (or a signal was consumed already) is rolled back and written again the slow way,
 * statement by statement, where each step is checked before anything of it is written. A
 * step is acknowledged only once its COMMIT returned, on either path.
 *
 * Batches are cut by bytes to fit the server's max_allowed_packet (`packet`, see packet.ts): a
 * batch whose statements would pass it is written as several transactions, a step larger than a
 * packet statement by statement, and a step with a value no packet can carry is refused as
 * unwritable (the worker parks its run instead of committing it again and again).
 */
export async function writeSteps(
  pool: Pool,
  lane: StepLane | undefined,
  prefix: string,
  steps: readonly StepWrite[],
  packet: PacketLimit = NO_PACKET_LIMIT,
): Promise<StepResult[]> {
  const results = new Map<StepWrite, StepResult>();
  const writable: StepWrite[] = [];
  for (const step of steps) {
    const refused = unwritableStep(step, packet.budget, packet.maxPacket);
    if (refused === undefined) writable.push(step);
    else results.set(step, refused);
  }
  // Each batch is a transaction of its own: the steps are independent, each fenced on its own.
  for (const batch of packetBatches(writable, packet.budget)) {
    const written = await writeBatch(pool, lane, prefix, batch, packet.budget);
    for (const [i, step] of batch.entries()) results.set(step, written[i] as StepResult);
  }
  return steps.map((step) => results.get(step) as StepResult);
}

/** The lane a batch of steps may take, and whether it is a Galera node's (see writeLean). */
export interface StepLane {
  readonly lane: Lane;
  /**
   * A Galera node: only a lean batch takes the lane, and there each statement after the first
   * that takes locks goes in a round trip of its own (see MySqlStore's #usableLane for why).
   */
  readonly galera: boolean;
}

/** What one packet may carry: the server's max_allowed_packet, and the bytes of statements a batch may send (packet.ts). */
export interface PacketLimit {
  readonly maxPacket: number;
  readonly budget: number;
}

const NO_PACKET_LIMIT: PacketLimit = { maxPacket: Number.POSITIVE_INFINITY, budget: Number.POSITIVE_INFINITY };

async function writeBatch(
  pool: Pool,
  lane: StepLane | undefined,
  prefix: string,
  steps: readonly StepWrite[],
  budget: number,
): Promise<StepResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeOnce(pool, lane, prefix, steps, budget);
    } catch (error) {
      // Deadlocks between batches of different workers are resolved by InnoDB rolling one
      // back; the batch is still valid, so write it again.
      if (!isLockConflict(error) || attempt >= MAX_LOCK_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

async function writeOnce(
  pool: Pool,
  lane: StepLane | undefined,
  prefix: string,
  steps: readonly StepWrite[],
  budget: number,
): Promise<StepResult[]> {
  if (steps.length === 0) return [];
  try {
    // A step larger than one packet goes statement by statement, its events in several INSERTs,
    // as does one with rows the lane does not write (see hasSideWrites).
    const fits = steps.reduce((sum, step) => sum + stepBytes(step), 0) <= budget;
    if (lane && fits && !hasSideWrites(steps) && (!lane.galera || foldsCommit(steps))) {
      return await writeOnLane(lane, prefix, steps, budget);
    }
    // READ COMMITTED for batches: no gap locks, so batches of different workers do not block
    // each other's inserts; every row they depend on is locked explicitly. A single step
    // touches only its own run's keys, and saves the round trip of switching. A transaction
    // in which every step was refused wrote nothing, so committing it is the same as a rollback.
    return await inTransaction(pool, undefined, (conn) => writeIn(conn, prefix, steps, budget), isolationFor(steps));
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    if (steps.length === 1) {
      return [{ ok: false, reason: `an event of this step was already written (${(error as Error).message})` }];
    }
  }
  const alone: StepResult[] = [];
  for (const step of steps) alone.push(...(await writeOnce(pool, lane, prefix, [step], budget)));
  return alone;
}

/** READ COMMITTED for batches, and for a step that begins event waits (see beginWait in waits.ts). */
function isolationFor(steps: readonly StepWrite[]): "READ COMMITTED" | undefined {
  return steps.length > 1 || steps.some(beginsWaits) ? "READ COMMITTED" : undefined;
}

/** The batch on a lane connection: the fast path, or the slow one after a refusal. */
async function writeOnLane(
  lane: StepLane,
  p: string,
  steps: readonly StepWrite[],
  budget: number,
): Promise<StepResult[]> {
  const conn = await lane.lane.getConnection();
  try {
    // Stream writes take their offsets from heads locked in the transaction: statement by statement.
    const fast = hasStreamWrites(steps) ? undefined : await writeFast(conn, p, steps, lane.galera);
    if (fast !== undefined) return fast;
    // Rolled back: some step is refused (or has tokens or event waits). Written statement by statement.
    const isolation = isolationFor(steps) ? "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; BEGIN" : "BEGIN";
    await conn.query(isolation);
    try {
      const results = await writeIn(conn, p, steps, budget);
      await conn.query("COMMIT");
      return results;
    } catch (error) {
      await conn.query("ROLLBACK").catch(() => {});
      throw error;
    }
  } finally {
    conn.release();
  }
}

/**
 * Round trip 1: lock, writes, run update (the lane's connections begin a transaction with its
 * first statement); round trip 2: COMMIT. Returns undefined after rolling back when a step is
 * refused or a signal was consumed already; rethrows (after a rollback) what the server
 * refused, e.g. a duplicate event. On Galera only the lean step goes this way.
 */
async function writeFast(
  conn: PoolConnection,
  p: string,
  steps: readonly StepWrite[],
  galera: boolean,
): Promise<StepResult[] | undefined> {
  // Tokens and event waits are written statement by statement only (see waits.ts).
  if (steps.some(writesWaits)) return undefined;
  if (foldsCommit(steps)) return writeLean(conn, p, steps, galera);
  if (galera) return undefined;
  const events = insertEventsStatement(p, steps);
  const signals = consumeSignalStatements(p, steps);
  const requests = requestWriteStatements(p, steps);
  const statements: Statement[] = [
    ...batchIsolation(steps),
    lockRunsStatement(p, steps),
    ...present(events.statement, writeTasksStatement(p, steps), deleteTasksStatement(p, steps)),
    ...present(closeStreamsStatement(p, steps)),
    ...signals,
    ...requests.statements,
    ...endRequestsStatements(p, steps),
    updateRunsStatement(p, steps),
  ];
  const lockIndex = batchIsolation(steps).length;
  let answers: unknown[];
  try {
    answers = await sendAll(conn, statements);
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => {});
    throw error;
  }
  const locked = lockedRuns(answers[lockIndex] as Row[]);
  const firstSignal = statements.indexOf(signals[0] as Statement);
  const signalsOk = signals.every((_, i) => (answers[firstSignal + i] as ResultSetHeader).affectedRows === 1);
  const firstRequest = statements.indexOf(requests.statements[0] as Statement);
  const requestsOk = checkedWritesHeld(answers, firstRequest, requests.checked);
  const allValid = steps.every((step) => fence(step, locked.get(runKeyId(step.key))) === undefined);
  if (!allValid || !signalsOk || !requestsOk) {
    await conn.query("ROLLBACK");
    return undefined;
  }
  try {
    const results: StepResult[] = [];
    for (const step of steps) {
      const row = locked.get(runKeyId(step.key)) as Row;
      results.push(await stepResult(conn, p, step, row, events.positions));
    }
    await conn.query("COMMIT");
    return results;
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * The lean step, one round trip: the fenced run update (its WHERE is the fence, see
 * fencePassesTerms), the event INSERT, the other writes, and COMMIT; on a lane connection the
 * update begins the transaction. No locking read: the update takes the row locks. The update
 * is fenced also on what the worker saw of each run (StepWrite.seen: its wake and request
 * counters, cancel and pause), and the INSERT carries a guard that fails unless the update
 * changed one row per step; so a step the fence refuses, or whose run heard of something since,
 * stops the batch before anything else is written. Rolled back, undefined: the slow path then
 * says which step and why, and reads what moved. A step the worker gave no `seen` (or one
 * without events) has a guard statement of its own that reads the result's columns back.
 *
 * On Galera (`galera`) the statements go one per round trip from the update on: the update,
 * the INSERT and COMMIT for a step of a run that has only events to write. The steps are
 * acknowledged when the answer of COMMIT is back.
 */
async function writeLean(
  conn: PoolConnection,
  p: string,
  steps: readonly StepWrite[],
  galera: boolean,
): Promise<StepResult[] | undefined> {
  const events = insertEventsStatement(p, steps);
  const requests = requestWriteStatements(p, steps);
  const known = events.statement !== undefined && steps.every((step) => step.seen !== undefined);
  const update = updateRunsStatement(p, steps, known ? "fence and seen" : "fence");
  const statements: Statement[] = [
    ...batchIsolation(steps),
    update,
    ...(known
      ? [guardedByRowCount(events.statement as Statement, steps.length)]
      : [updatedGuardStatement(p, steps, STEP_RESULT_COLUMNS), ...present(events.statement)]),
    ...present(writeTasksStatement(p, steps), deleteTasksStatement(p, steps)),
    // Each consumed signal, and each stored update answered, must change its row: a guard after each.
    ...consumeSignalStatements(p, steps).flatMap((statement) => [statement, changedOneRowGuard()]),
    ...requests.statements.flatMap((statement, i) =>
      requests.checked.includes(i) ? [statement, changedOneRowGuard()] : [statement],
    ),
    ...endRequestsStatements(p, steps),
    ...present(closeStreamsStatement(p, steps)),
    { sql: "COMMIT", args: [] },
  ];
  const updateIndex = statements.indexOf(update);
  let answers: unknown[];
  try {
    answers = galera ? await sendEach(conn, statements, updateIndex) : await sendAll(conn, statements);
  } catch (error) {
    // The statements after the failed one were not run: the transaction is still open.
    await conn.query("ROLLBACK").catch(() => {});
    if (errnoOf(error) === Errno.SubqueryRows) return undefined;
    throw error;
  }
  const updated = known ? undefined : lockedRuns(answers[updateIndex + 1] as Row[]);
  const results: StepResult[] = [];
  for (const step of steps) {
    const row = updated?.get(runKeyId(step.key)) ?? seenRow(step);
    // Nothing reaches other runs here (foldsCommit, and the fence's parent term), so this
    // sends nothing: the transaction is over.
    results.push(await stepResult(conn, p, step, row, events.positions));
  }
  return results;
}

/**
 * The columns of the run a lean step's result reads, as the worker saw them (the update was
 * fenced on them). No parent link: the fence's parent term lets a step end only a run no parent
 * waits for, so its ending goes to no parent (see endingToParent).
 */
function seenRow(step: StepWrite): Row {
  const seen = step.seen as RunSeen;
  return {
    wake_gen: step.observedWakeGen,
    request_gen: seen.requestGen,
    cancel_requested: seen.cancelRequested ? 1 : 0,
    paused: seen.paused ? 1 : 0,
    parent_workflow: null,
    parent_run_id: null,
    parent_waits: 0,
  } as Row;
}

/** For a batch of several steps, READ COMMITTED (see writeOnce) for the transaction its first statement begins. */
function batchIsolation(steps: readonly StepWrite[]): Statement[] {
  return steps.length > 1 ? [{ sql: "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", args: [] }] : [];
}

/**
 * Sends the statements up to and including `lockAt` as one query, and each one after it alone
 * (Galera, see StepLane); the answer of each, in order.
 */
async function sendEach(conn: PoolConnection, statements: readonly Statement[], lockAt: number): Promise<unknown[]> {
  const answers = await sendAll(conn, statements.slice(0, lockAt + 1));
  for (const statement of statements.slice(lockAt + 1)) {
    const [answer] = await conn.query(statement.sql, statement.args);
    answers.push(answer);
  }
  return answers;
}

/** Sends the statements as one query; the answer of each, in order. */
async function sendAll(conn: PoolConnection, statements: readonly Statement[]): Promise<unknown[]> {
  const [answers] = await conn.query(
    statements.map((s) => s.sql).join(";\n"),
    statements.flatMap((s) => s.args),
  );
  // mysql2 answers a query of one statement with that statement's answer alone.
  return statements.length === 1 ? [answers] : (answers as unknown[]);
}

function present(...statements: (Statement | undefined)[]): Statement[] {
  return statements.filter((statement): statement is Statement => statement !== undefined);
}

async function writeIn(
  conn: Transaction,
  p: string,
  steps: readonly StepWrite[],
  budget: number,
): Promise<StepResult[]> {
  const lock = lockRunsStatement(p, steps);
  const [rows] = await conn.query<Row[]>(lock.sql, lock.args);
  const locked = lockedRuns(rows);
  const results: (StepResult | undefined)[] = [];
  const valid: { step: StepWrite; row: Row; index: number }[] = [];
  for (const [index, step] of steps.entries()) {
    const row = locked.get(runKeyId(step.key));
    const refusal = fence(step, row) ?? (row && (await requestsRefusal(conn, p, step)));
    if (refusal !== undefined || row === undefined)
      results.push({ ok: false, reason: refusal ?? "the run row is gone" });
    else {
      // Filled in below, once the step's writes are done and its new position is known.
      results.push(undefined);
      valid.push({ step, row, index });
    }
  }
  // A step that expires a token a client completed meanwhile is refused too, before it writes.
  const refused = await tokenRefusals(
    conn,
    p,
    valid.map((v) => v.step),
  );
  for (const { step, index } of valid) {
    const refusal = refused.get(step);
    if (refusal !== undefined) results[index] = { ok: false, reason: refusal };
  }
  valid.splice(0, valid.length, ...valid.filter((v) => !refused.has(v.step)));
  if (valid.length === 0) return results as StepResult[];

  const validSteps = valid.map((v) => v.step);
  const events = insertEventsStatements(p, validSteps, budget);
  for (const statement of [
    ...events.statements,
    ...present(writeTasksStatement(p, validSteps), deleteTasksStatement(p, validSteps)),
  ]) {
    await conn.query(statement.sql, statement.args);
  }
  await writeStepStreams(conn, p, validSteps);
  await consumeSignals(conn, p, validSteps);
  const requests = requestWriteStatements(p, validSteps);
  for (const statement of [...requests.statements, ...endRequestsStatements(p, validSteps)]) {
    await conn.query(statement.sql, statement.args);
  }
  // Before the run update: events a beginning wait looks back on bump wake_gen, so it wakes the run.
  const bumps = await writeWaits(conn, p, validSteps);
  const update = updateRunsStatement(p, validSteps);
  await conn.query(update.sql, update.args);
  for (const { step, row } of valid) await writeSideRows(conn, p, step, row);

  for (const { step, row, index } of valid) {
    const bumped = { ...row, wake_gen: Number(row.wake_gen) + (bumps.get(runKeyId(step.key)) ?? 0) } as Row;
    results[index] = await stepResult(conn, p, step, bumped, events.positions);
  }
  return results as StepResult[];
}

/** The rows of a step the fast paths do not write (see hasSideWrites): the tags it set, the queue slots it gives up. */
async function writeSideRows(conn: Transaction, p: string, step: StepWrite, row: Row): Promise<void> {
  if (step.tagsSet !== undefined && step.tagsSet.length > 0) {
    for (const statement of replaceTagsStatements(p, step.key, Number(row.created_at), tagsAfter(step, row))) {
      await conn.query(statement.sql, statement.args);
    }
  }
  for (const task of step.slotDeletes ?? []) {
    await conn.query(
      `DELETE FROM ${p}queue_slots WHERE namespace = ? AND workflow = ? AND run_id = ? AND iteration = ? AND target = ? AND seq = ?`,
      [step.key.namespace, step.key.workflow, step.key.runId, step.iteration, task.target, task.seq],
    );
  }
}

/** The step's result; first the rarer writes that reach other runs (after the run update, so a wake-up they give this run wins). */
async function stepResult(
  conn: Transaction,
  p: string,
  step: StepWrite,
  row: Row,
  positions: Map<string, number>,
): Promise<StepResult> {
  const reach = await reachOtherRuns(conn, p, step, row);
  return {
    ok: true,
    version: step.expectedVersion + 1,
    nextPos: positions.get(runKeyId(step.key)) ?? step.firstPos,
    wakeGen: Number(row.wake_gen),
    requestGen: Number(row.request_gen),
    cancelRequested: Number(row.cancel_requested) === 1,
    paused: Number(row.paused) === 1,
    ...reach,
  };
}

function lockedRuns(rows: readonly Row[]): Map<string, Row> {
  return new Map(rows.map((row) => [runKeyId({ workflow: text(row.workflow), runId: text(row.run_id) }), row]));
}

function fence(step: StepWrite, row: Row | undefined): string | undefined {
  return fenceRefusal(step, row && fencedRun(row));
}

/** Marks consumed signals; the fence makes a second consumer impossible, so a miss is a bug. */
async function consumeSignals(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<void> {
  for (const step of steps) {
    for (const [i, statement] of consumeSignalStatements(p, [step]).entries()) {
      const [result] = await conn.query<ResultSetHeader>(statement.sql, statement.args);
      if (result.affectedRows !== 1) {
        throw new ReplayError(
          "SIGNAL_CONSUMED_TWICE",
          `signal ${step.signalsConsumed[i]?.id} of run ${step.key.runId} was consumed already`,
        );
      }
    }
  }
}
