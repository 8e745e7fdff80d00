import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { ReplayError } from "../errors.js";
import { text } from "../json.js";
import type { StepResult, StepWrite } from "./store.js";

type Row = RowDataPacket & Record<string, unknown>;

/**
 * Writes the steps of several runs (at most one step per run) in one transaction, so many
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

const MAX_LOCK_RETRIES = 5;

async function writeOnce(pool: Pool, prefix: string, steps: readonly StepWrite[]): Promise<StepResult[]> {
  if (steps.length === 0) return [];
  const conn = await pool.getConnection();
  try {
    try {
      // READ COMMITTED for batches: no gap locks, so batches of different workers do not
      // block each other's inserts; every row they depend on is locked explicitly. A single
      // step touches only its own run's keys, and saves the round trip.
      if (steps.length > 1) await conn.query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
      await conn.beginTransaction();
      const results = await writeIn(conn, prefix, steps);
      if (results.some((result) => result.ok)) await conn.commit();
      else await conn.rollback();
      return results;
    } catch (error) {
      await conn.rollback().catch(() => {});
      if (!isDuplicate(error)) throw error;
      if (steps.length === 1) {
        return [{ ok: false, reason: `an event of this step was already written (${(error as Error).message})` }];
      }
    }
  } finally {
    conn.release();
  }
  const alone: StepResult[] = [];
  for (const step of steps) alone.push(...(await writeOnce(pool, prefix, [step])));
  return alone;
}

async function writeIn(conn: PoolConnection, p: string, steps: readonly StepWrite[]): Promise<StepResult[]> {
  const locked = await lockRuns(conn, p, steps);
  const results: StepResult[] = [];
  const valid: { step: StepWrite; row: Row }[] = [];
  for (const step of steps) {
    const row = locked.get(runKey(step.key.workflow, step.key.runId));
    const refusal = fence(step, row);
    if (refusal || !row) results.push({ ok: false, reason: refusal ?? "the run row is gone" });
    else {
      valid.push({ step, row });
      results.push(undefined as unknown as StepResult);
    }
  }
  if (valid.length === 0) return results;

  const positions = await insertEvents(
    conn,
    p,
    valid.map((v) => v.step),
  );
  await insertTasks(
    conn,
    p,
    valid.map((v) => v.step),
  );
  await updateTasks(
    conn,
    p,
    valid.map((v) => v.step),
  );
  await deleteTasks(
    conn,
    p,
    valid.map((v) => v.step),
  );
  await consumeSignals(
    conn,
    p,
    valid.map((v) => v.step),
  );

  let next = 0;
  for (let i = 0; i < results.length; i++) {
    if (results[i] !== undefined) continue;
    const entry = valid[next++];
    if (!entry) break;
    const { step, row } = entry;
    const nextPos = positions.get(runKey(step.key.workflow, step.key.runId)) ?? step.firstPos;
    results[i] = {
      ok: true,
      version: step.expectedVersion + 1,
      nextPos: step.restart ? 1 : nextPos,
      wakeGen: Number(row.wake_gen),
      cancelRequested: Number(row.cancel_requested) === 1,
    };
  }
  await updateRuns(conn, p, valid, positions);
  return results;
}

const runKey = (workflow: string, runId: string) => `${workflow}\u0000${runId}`;

function whereRuns(steps: readonly StepWrite[]): { sql: string; args: unknown[] } {
  const namespace = steps[0]?.key.namespace ?? "";
  return {
    sql: `namespace = ? AND (${steps.map(() => "(workflow = ? AND run_id = ?)").join(" OR ")})`,
    args: [namespace, ...steps.flatMap((step) => [step.key.workflow, step.key.runId])],
  };
}

async function lockRuns(conn: PoolConnection, p: string, steps: readonly StepWrite[]): Promise<Map<string, Row>> {
  const where = whereRuns(steps);
  const [rows] = await conn.query<Row[]>(
    `SELECT workflow, run_id, version, lease_owner, lease_until, wake_gen, cancel_requested, status FROM ${p}runs WHERE ${where.sql} FOR UPDATE`,
    where.args,
  );
  return new Map(rows.map((row) => [runKey(text(row.workflow), text(row.run_id)), row]));
}

function fence(step: StepWrite, row: Row | undefined): string | undefined {
  if (!row) return "the run row is gone";
  if (Number(row.version) !== step.expectedVersion) return "another worker committed first";
  // A lease that is ours, free or expired is fine: the version already proves nobody else
  // committed since this step's state was read, and activities start only after the commit.
  const leasedByOther =
    row.lease_owner !== null && text(row.lease_owner) !== step.owner && Number(row.lease_until) >= step.now;
  if (leasedByOther) return "another worker holds the lease";
  if (row.status !== "running") return `the run is ${String(row.status)}`;
  return undefined;
}

/** Inserts every step's events, then each restart's first event; returns each run's next position. */
async function insertEvents(
  conn: PoolConnection,
  p: string,
  steps: readonly StepWrite[],
): Promise<Map<string, number>> {
  const positions = new Map<string, number>();
  const values: unknown[] = [];
  let rows = 0;
  for (const step of steps) {
    const { namespace, workflow, runId } = step.key;
    let pos = step.firstPos;
    for (const e of step.events) {
      values.push(namespace, workflow, runId, step.iteration, pos++, e.type, e.target, e.seq, e.payloadText, e.at);
      rows++;
    }
    if (step.restart) {
      values.push(
        namespace,
        workflow,
        runId,
        step.iteration + 1,
        0,
        "created",
        "",
        0,
        step.restart.inputText,
        step.now,
      );
      rows++;
    }
    positions.set(runKey(workflow, runId), pos);
  }
  if (rows > 0) {
    await conn.query(
      `INSERT INTO ${p}events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at) VALUES ${valueRows(rows, 10)}`,
      values,
    );
  }
  return positions;
}

async function insertTasks(conn: PoolConnection, p: string, steps: readonly StepWrite[]): Promise<void> {
  const values: unknown[] = [];
  let rows = 0;
  for (const step of steps) {
    const { namespace, workflow, runId } = step.key;
    for (const t of step.taskInserts) {
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
    `INSERT INTO ${p}tasks (namespace, workflow, run_id, iteration, target, seq, attempt, ready_at, last_error, created_at) VALUES ${valueRows(rows, 10)}`,
    values,
  );
}

async function updateTasks(conn: PoolConnection, p: string, steps: readonly StepWrite[]): Promise<void> {
  for (const step of steps) {
    const { namespace, workflow, runId } = step.key;
    for (const t of step.taskUpdates) {
      await conn.query(
        `UPDATE ${p}tasks SET attempt = ?, ready_at = ?, last_error = ?
          WHERE namespace = ? AND workflow = ? AND run_id = ? AND iteration = ? AND target = ? AND seq = ?`,
        [t.attempt, t.readyAt, t.lastError, namespace, workflow, runId, step.iteration, t.target, t.seq],
      );
    }
  }
}

/** Marks consumed signals; the fence makes a second consumer impossible, so a miss is a bug. */
async function consumeSignals(conn: PoolConnection, p: string, steps: readonly StepWrite[]): Promise<void> {
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
async function deleteTasks(conn: PoolConnection, p: string, steps: readonly StepWrite[]): Promise<void> {
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
  conn: PoolConnection,
  p: string,
  valid: readonly { step: StepWrite; row: Row }[],
  positions: Map<string, number>,
): Promise<void> {
  const columns: Record<string, (step: StepWrite, row: Row) => unknown> = {
    version: (step) => step.expectedVersion + 1,
    iteration: (step) => (step.restart ? step.iteration + 1 : step.iteration),
    next_pos: (step) => (step.restart ? 1 : positions.get(runKey(step.key.workflow, step.key.runId))),
    status: (step, row) => step.end?.status ?? row.status,
    wake_at: (step, row) => wakeAt(step, row),
    lease_owner: (step) => (step.hold && !step.end && !step.restart ? step.owner : null),
    lease_until: (step) => (step.hold && !step.end && !step.restart ? step.leaseUntil : null),
    updated_at: (step) => step.now,
  };
  const sets: string[] = [];
  const args: unknown[] = [];
  for (const [column, value] of Object.entries(columns)) {
    sets.push(
      `${column} = CASE ${valid.map(() => "WHEN workflow = ? AND run_id = ? THEN ?").join(" ")} ELSE ${column} END`,
    );
    for (const { step, row } of valid) args.push(step.key.workflow, step.key.runId, value(step, row));
  }
  const ended = valid.filter((v) => v.step.end || v.step.restart);
  for (const [column, value] of [
    ["result", (step: StepWrite) => step.end?.resultText ?? null],
    ["error", (step: StepWrite) => step.end?.errorText ?? null],
    ["input", (step: StepWrite) => step.restart?.inputText ?? null],
  ] as const) {
    const touched = ended.filter((v) => column !== "input" || v.step.restart);
    if (touched.length === 0) continue;
    sets.push(
      `${column} = CASE ${touched.map(() => "WHEN workflow = ? AND run_id = ? THEN ?").join(" ")} ELSE ${column} END`,
    );
    for (const { step } of touched) args.push(step.key.workflow, step.key.runId, value(step));
  }
  const where = whereRuns(valid.map((v) => v.step));
  await conn.query(`UPDATE ${p}runs SET ${sets.join(", ")} WHERE ${where.sql}`, [...args, ...where.args]);
}

/** When the run needs a worker next: now while held or woken meanwhile; never once ended. */
function wakeAt(step: StepWrite, row: Row): number | null {
  if (step.end) return null;
  if (step.restart) return step.now;
  const arrivedSince = Number(row.wake_gen) !== step.observedWakeGen;
  return step.hold || arrivedSince ? step.now : step.wakeAt;
}

/** `(?,?,…),(?,?,…)…`: `rows` parenthesised lists of `columns` parameters. */
function valueRows(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill("?").join(",")})`;
  return new Array(rows).fill(row).join(",");
}

/** Deadlock (1213) or lock wait timeout (1205). */
function isLockConflict(error: unknown): boolean {
  const errno = typeof error === "object" && error !== null ? (error as { errno?: unknown }).errno : undefined;
  return errno === 1213 || errno === 1205;
}

function isDuplicate(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { errno?: unknown }).errno === 1062;
}
