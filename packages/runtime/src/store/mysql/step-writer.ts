import type { Pool, ResultSetHeader } from "mysql2/promise";
import { ReplayError } from "../../errors.js";
import { EventType, type RunKey, runKeyId } from "../../history/index.js";
import type { Transaction } from "../../types.js";
import { fenceRefusal, wakeAfterStep } from "../commit-rules.js";
import type { StepResult, StepWrite } from "../types.js";
import { reachOtherRuns } from "./children.js";
import { isDuplicateKey, isLockConflict } from "./db-errors.js";
import { type Row, text } from "./rows.js";
import { whereRunKeys } from "./run-keys.js";
import { inTransaction } from "./transaction.js";

const MAX_LOCK_RETRIES = 5;

/**
 * Writes the steps of several runs (at most one step per run, all of one namespace: a
 * worker serves one namespace and batches only its own steps) in one transaction, so many
 * runs share one commit and one fsync. Each step stays fenced on its own: the run rows are
 * locked first and a step whose version or lease moved on is refused without touching the
 * others. A duplicate event (which only a bug or a stale owner can cause) rolls the batch
 * back, and each step is then written alone so only the guilty one is refused.
 */
export async function writeSteps(pool: Pool, prefix: string, steps: readonly StepWrite[]): Promise<StepResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeOnce(pool, prefix, steps);
    } catch (error) {
      // Deadlocks between batches of different workers are resolved by InnoDB rolling one
      // back; the batch is still valid, so write it again.
      if (!isLockConflict(error) || attempt >= MAX_LOCK_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

async function writeOnce(pool: Pool, prefix: string, steps: readonly StepWrite[]): Promise<StepResult[]> {
  if (steps.length === 0) return [];
  try {
    // READ COMMITTED for batches: no gap locks, so batches of different workers do not block
    // each other's inserts; every row they depend on is locked explicitly. A single step
    // touches only its own run's keys, and saves the round trip of switching. A transaction
    // in which every step was refused wrote nothing, so committing it is the same as a rollback.
    return await inTransaction(pool, undefined, (conn) => writeIn(conn, prefix, steps), isolationFor(steps));
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    if (steps.length === 1) {
      return [{ ok: false, reason: `an event of this step was already written (${(error as Error).message})` }];
    }
  }
  const alone: StepResult[] = [];
  for (const step of steps) alone.push(...(await writeOnce(pool, prefix, [step])));
  return alone;
}

function isolationFor(steps: readonly StepWrite[]): "READ COMMITTED" | undefined {
  return steps.length > 1 ? "READ COMMITTED" : undefined;
}

async function writeIn(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<StepResult[]> {
  const locked = await lockRuns(conn, p, steps);
  const results: (StepResult | undefined)[] = [];
  const valid: { step: StepWrite; row: Row; index: number }[] = [];
  for (const [index, step] of steps.entries()) {
    const row = locked.get(runKeyId(step.key));
    const refusal = fence(step, row);
    if (refusal !== undefined || row === undefined)
      results.push({ ok: false, reason: refusal ?? "the run row is gone" });
    else {
      // Filled in below, once the step's writes are done and its new position is known.
      results.push(undefined);
      valid.push({ step, row, index });
    }
  }
  if (valid.length === 0) return results as StepResult[];

  const validSteps = valid.map((v) => v.step);
  const positions = await insertEvents(conn, p, validSteps);
  await writeTasks(conn, p, validSteps);
  await deleteTasks(conn, p, validSteps);
  await consumeSignals(conn, p, validSteps);
  await updateRuns(conn, p, valid, positions);

  for (const { step, row, index } of valid) {
    // Rarer writes that reach other runs; after updateRuns, so a wake-up they give this run wins.
    const reach = await reachOtherRuns(conn, p, step, row);
    results[index] = {
      ok: true,
      version: step.expectedVersion + 1,
      nextPos: step.restart ? 1 : (positions.get(runKeyId(step.key)) ?? step.firstPos),
      wakeGen: Number(row.wake_gen),
      cancelRequested: Number(row.cancel_requested) === 1,
      ...reach,
    };
  }
  return results as StepResult[];
}

/** The steps' runs, as a WHERE clause. */
function whereRuns(steps: readonly StepWrite[]): { sql: string; args: unknown[] } {
  return whereRunKeys(steps.map((step) => step.key));
}

async function lockRuns(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<Map<string, Row>> {
  const where = whereRuns(steps);
  const [rows] = await conn.query<Row[]>(
    `SELECT workflow, run_id, version, lease_owner, lease_until, wake_gen, cancel_requested, status,
            parent_workflow, parent_run_id, parent_waits
       FROM ${p}runs WHERE ${where.sql} FOR UPDATE`,
    where.args,
  );
  return new Map(rows.map((row) => [runKeyId({ workflow: text(row.workflow), runId: text(row.run_id) }), row]));
}

function fence(step: StepWrite, row: Row | undefined): string | undefined {
  return fenceRefusal(
    step,
    row && {
      version: Number(row.version),
      leaseOwner: row.lease_owner === null ? null : text(row.lease_owner),
      leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
      status: text(row.status),
    },
  );
}

/** Inserts every step's events, then each restart's first event; returns each run's next position. */
async function insertEvents(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<Map<string, number>> {
  const positions = new Map<string, number>();
  const values: unknown[] = [];
  let rows = 0;
  const add = (key: RunKey, iteration: number, pos: number, e: StepWrite["events"][number]) => {
    values.push(key.namespace, key.workflow, key.runId, iteration, pos, e.type, e.target, e.seq, e.payloadText, e.at);
    rows++;
  };
  for (const step of steps) {
    let pos = step.firstPos;
    for (const event of step.events) add(step.key, step.iteration, pos++, event);
    if (step.restart) {
      add(step.key, step.iteration + 1, 0, {
        type: EventType.Created,
        target: "",
        seq: 0,
        payloadText: step.restart.inputText,
        at: step.now,
      });
    }
    positions.set(runKeyId(step.key), pos);
  }
  if (rows > 0) {
    await conn.query(
      `INSERT INTO ${p}events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at) VALUES ${valueRows(rows, 10)}`,
      values,
    );
  }
  return positions;
}

/** Writes retry rows, replacing one a heartbeat or an earlier retry wrote. */
async function writeTasks(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<void> {
  const values: unknown[] = [];
  let rows = 0;
  for (const step of steps) {
    const { namespace, workflow, runId } = step.key;
    for (const t of step.taskWrites) {
      values.push(
        namespace,
        workflow,
        runId,
        step.iteration,
        t.target,
        t.seq,
        t.attempt,
        t.readyAt,
        t.lastError,
        step.now,
      );
      rows++;
    }
  }
  if (rows === 0) return;
  await conn.query(
    `INSERT INTO ${p}tasks (namespace, workflow, run_id, iteration, target, seq, attempt, ready_at, last_error, created_at) VALUES ${valueRows(rows, 10)}
     ON DUPLICATE KEY UPDATE attempt = VALUES(attempt), ready_at = VALUES(ready_at), last_error = VALUES(last_error)`,
    values,
  );
}

/** Marks consumed signals; the fence makes a second consumer impossible, so a miss is a bug. */
async function consumeSignals(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<void> {
  for (const step of steps) {
    for (const signal of step.signalsConsumed) {
      const [result] = await conn.query<ResultSetHeader>(
        `UPDATE ${p}signals SET consumed_iteration = ?, consumed_seq = ? WHERE id = ? AND consumed_iteration IS NULL`,
        [step.iteration, signal.seq, signal.id],
      );
      if (result.affectedRows !== 1) {
        throw new ReplayError(
          "SIGNAL_CONSUMED_TWICE",
          `signal ${signal.id} of run ${step.key.runId} was consumed already`,
        );
      }
    }
  }
}

/** Deletes answered tasks, and every task of an iteration that ended or restarted. */
async function deleteTasks(conn: Transaction, p: string, steps: readonly StepWrite[]): Promise<void> {
  const terms: string[] = [];
  const args: unknown[] = [];
  for (const step of steps) {
    const { workflow, runId } = step.key;
    if (step.end || step.restart) {
      if (step.hasTaskRows || step.taskDeletes.length > 0) {
        terms.push("(workflow = ? AND run_id = ? AND iteration = ?)");
        args.push(workflow, runId, step.iteration);
      }
      continue;
    }
    for (const t of step.taskDeletes) {
      terms.push("(workflow = ? AND run_id = ? AND iteration = ? AND target = ? AND seq = ?)");
      args.push(workflow, runId, step.iteration, t.target, t.seq);
    }
  }
  if (terms.length === 0) return;
  const namespace = steps[0]?.key.namespace ?? "";
  await conn.query(`DELETE FROM ${p}tasks WHERE namespace = ? AND (${terms.join(" OR ")})`, [namespace, ...args]);
}

/** One UPDATE for all runs of the batch: each column is a CASE over the runs. */
async function updateRuns(
  conn: Transaction,
  p: string,
  valid: readonly { step: StepWrite; row: Row }[],
  positions: Map<string, number>,
): Promise<void> {
  const keeps = (step: StepWrite) => step.hold && !step.end && !step.restart;
  const columns: Record<string, (step: StepWrite, row: Row) => unknown> = {
    version: (step) => step.expectedVersion + 1,
    iteration: (step) => (step.restart ? step.iteration + 1 : step.iteration),
    next_pos: (step) => (step.restart ? 1 : positions.get(runKeyId(step.key))),
    status: (step, row) => step.end?.status ?? text(row.status),
    wake_at: (step, row) => wakeAfterStep(step, Number(row.wake_gen)),
    lease_owner: (step) => (keeps(step) ? step.owner : null),
    lease_until: (step) => (keeps(step) ? step.leaseUntil : null),
    wanted_activity: (step) => step.wantedActivity ?? null,
    stalls: () => 0,
    stall_mark: () => 0,
    updated_at: (step) => step.now,
  };
  const sets: string[] = [];
  const args: unknown[] = [];
  const caseOver = (
    column: string,
    touched: readonly { step: StepWrite; row: Row }[],
    value: (typeof columns)[string],
  ) => {
    sets.push(
      `${column} = CASE ${touched.map(() => "WHEN workflow = ? AND run_id = ? THEN ?").join(" ")} ELSE ${column} END`,
    );
    for (const { step, row } of touched) args.push(step.key.workflow, step.key.runId, value(step, row));
  };
  for (const [column, value] of Object.entries(columns)) caseOver(column, valid, value);
  const ended = valid.filter((v) => v.step.end || v.step.restart);
  if (ended.length > 0) {
    caseOver("result", ended, (step) => step.end?.resultText ?? null);
    caseOver("error", ended, (step) => step.end?.errorText ?? null);
  }
  const restarted = valid.filter((v) => v.step.restart);
  if (restarted.length > 0) caseOver("input", restarted, (step) => step.restart?.inputText ?? null);
  const where = whereRuns(valid.map((v) => v.step));
  await conn.query(`UPDATE ${p}runs SET ${sets.join(", ")} WHERE ${where.sql}`, [...args, ...where.args]);
}

/** `(?,?,…),(?,?,…)…`: `rows` parenthesised lists of `columns` parameters. */
function valueRows(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill("?").join(",")})`;
  return new Array(rows).fill(row).join(",");
}
