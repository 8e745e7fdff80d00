import { EventType, type RunKey, RunStatus, runKeyId } from "../../history/index.js";
import { wakeChoices } from "../commit-rules.js";
import type { StepWrite } from "../types.js";
import { whereRunKeys } from "./run-keys.js";

/**
 * The statements of a batch of steps (see step-writer.ts), built without I/O so that they can
 * be sent one by one or several in one round trip. Each writes the rows of every step of the
 * batch at once; none reads what the lock returned, so they may go out before it is looked at.
 */
export interface Statement {
  readonly sql: string;
  readonly args: unknown[];
}

/** The columns the fence and the step's result read, locked for the transaction. */
export function lockRunsStatement(p: string, steps: readonly StepWrite[]): Statement {
  const where = whereRunKeys(steps.map((step) => step.key));
  return {
    sql: `SELECT workflow, run_id, version, lease_owner, lease_until, wake_gen, cancel_requested, status,
            parent_workflow, parent_run_id, parent_waits
       FROM ${p}runs WHERE ${where.sql} FOR UPDATE`,
    args: where.args,
  };
}

/**
 * True when a batch's COMMIT may go out in its first round trip, behind fenceGuardStatement:
 * nothing it writes depends on what the lock read besides the fence (no signal consumed,
 * whose update must hit exactly one row; no child started, signal sent or child cancelled).
 */
export function foldsCommit(steps: readonly StepWrite[]): boolean {
  return steps.every(
    (step) =>
      step.signalsConsumed.length === 0 &&
      step.childStarts.length === 0 &&
      step.signalsSent.length === 0 &&
      step.cancelChildren.length === 0,
  );
}

/**
 * fenceRefusal (commit-rules.ts) checked in the database, right after the lock: counts the
 * locked runs that pass it, and fails with errno 1242 (a scalar subquery with two rows) unless
 * every step's does, so that the statements after it, COMMIT included, are not run. An ending
 * step also needs a run no parent waits for (its ending would be delivered to the parent,
 * which only the statement-by-statement path writes). The locked rows cannot change under it;
 * being the transaction's first plain read, it reads them as they are now.
 */
export function fenceGuardStatement(p: string, steps: readonly StepWrite[]): Statement {
  const namespace = steps[0]?.key.namespace ?? "";
  const passes = steps.map(
    (step) =>
      `(workflow = ? AND run_id = ? AND version = ? AND status = ?
        AND (lease_owner IS NULL OR lease_owner = ? OR COALESCE(lease_until, 0) < ?)${
          step.end ? " AND (parent_run_id IS NULL OR parent_waits <> 1)" : ""
        })`,
  );
  return {
    sql: `SELECT (SELECT 1 FROM (SELECT 1 AS x UNION ALL SELECT 2) AS two WHERE fenced.n <> ?) AS refused
       FROM (SELECT COUNT(*) AS n FROM ${p}runs WHERE namespace = ? AND (${passes.join(" OR ")})) AS fenced`,
    args: [
      steps.length,
      namespace,
      ...steps.flatMap((step) => [
        step.key.workflow,
        step.key.runId,
        step.expectedVersion,
        RunStatus.Running,
        step.owner,
        step.now,
      ]),
    ],
  };
}

/** Every step's events, then each restart's first event; with each run's next position. */
export function insertEventsStatement(
  p: string,
  steps: readonly StepWrite[],
): { statement: Statement | undefined; positions: Map<string, number> } {
  const positions = new Map<string, number>();
  const args: unknown[] = [];
  let rows = 0;
  const add = (key: RunKey, iteration: number, pos: number, e: StepWrite["events"][number]) => {
    args.push(key.namespace, key.workflow, key.runId, iteration, pos, e.type, e.target, e.seq, e.payloadText, e.at);
    rows++;
  };
  for (const step of steps) {
    let pos = step.firstPos;
    for (const event of step.events) add(step.key, step.iteration, pos++, event);
    if (step.restart) {
      const created = {
        type: EventType.Created,
        target: "",
        seq: 0,
        payloadText: step.restart.inputText,
        at: step.now,
      };
      add(step.key, step.iteration + 1, 0, created);
    }
    positions.set(runKeyId(step.key), pos);
  }
  if (rows === 0) return { statement: undefined, positions };
  const sql = `INSERT INTO ${p}events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at) VALUES ${valueRows(rows, 10)}`;
  return { statement: { sql, args }, positions };
}

/** Retry rows, replacing one a heartbeat or an earlier retry wrote. */
export function writeTasksStatement(p: string, steps: readonly StepWrite[]): Statement | undefined {
  const args: unknown[] = [];
  let rows = 0;
  for (const step of steps) {
    const { namespace, workflow, runId } = step.key;
    for (const t of step.taskWrites) {
      args.push(
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
  if (rows === 0) return undefined;
  return {
    sql: `INSERT INTO ${p}tasks (namespace, workflow, run_id, iteration, target, seq, attempt, ready_at, last_error, created_at) VALUES ${valueRows(rows, 10)}
     ON DUPLICATE KEY UPDATE attempt = VALUES(attempt), ready_at = VALUES(ready_at), last_error = VALUES(last_error)`,
    args,
  };
}

/** Answered tasks, and every task of an iteration that ended or restarted. */
export function deleteTasksStatement(p: string, steps: readonly StepWrite[]): Statement | undefined {
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
  if (terms.length === 0) return undefined;
  const namespace = steps[0]?.key.namespace ?? "";
  return { sql: `DELETE FROM ${p}tasks WHERE namespace = ? AND (${terms.join(" OR ")})`, args: [namespace, ...args] };
}

/** One UPDATE a consumed signal: each must change exactly one row (see consumedTwice). */
export function consumeSignalStatements(p: string, steps: readonly StepWrite[]): Statement[] {
  return steps.flatMap((step) =>
    step.signalsConsumed.map((signal) => ({
      sql: `UPDATE ${p}signals SET consumed_iteration = ?, consumed_seq = ? WHERE id = ? AND consumed_iteration IS NULL`,
      args: [step.iteration, signal.seq, signal.id],
    })),
  );
}

/**
 * One UPDATE for all runs of the batch: each column is a CASE over the runs. What depends on
 * the run row (its status unless the step ends it; its wake time, by whether wake_gen moved
 * since the step read its inputs) is computed by the server from the locked row, so the
 * statement can be sent before the lock's answer is read.
 */
export function updateRunsStatement(p: string, steps: readonly StepWrite[], positions: Map<string, number>): Statement {
  const keeps = (step: StepWrite) => step.hold && !step.end && !step.restart;
  const sets: string[] = [];
  const args: unknown[] = [];
  const caseOver = (
    column: string,
    touched: readonly StepWrite[],
    then: string,
    values: (step: StepWrite) => unknown[],
  ) => {
    sets.push(
      `${column} = CASE ${touched.map(() => `WHEN workflow = ? AND run_id = ? THEN ${then}`).join(" ")} ELSE ${column} END`,
    );
    for (const step of touched) args.push(step.key.workflow, step.key.runId, ...values(step));
  };
  const plain = (column: string, value: (step: StepWrite) => unknown) =>
    caseOver(column, steps, "?", (s) => [value(s)]);
  plain("version", (step) => step.expectedVersion + 1);
  plain("iteration", (step) => (step.restart ? step.iteration + 1 : step.iteration));
  plain("next_pos", (step) => (step.restart ? 1 : positions.get(runKeyId(step.key))));
  caseOver("status", steps, "COALESCE(?, status)", (step) => [step.end?.status ?? null]);
  caseOver("wake_at", steps, "IF(wake_gen <> ?, ?, ?)", (step) => {
    const wake = wakeChoices(step);
    return [step.observedWakeGen, wake.ifWoken, wake.otherwise];
  });
  plain("lease_owner", (step) => (keeps(step) ? step.owner : null));
  plain("lease_until", (step) => (keeps(step) ? step.leaseUntil : null));
  plain("wanted_activity", (step) => step.wantedActivity ?? null);
  plain("stalls", () => 0);
  plain("stall_mark", () => 0);
  plain("updated_at", (step) => step.now);
  const ended = steps.filter((step) => step.end || step.restart);
  if (ended.length > 0) {
    caseOver("result", ended, "?", (step) => [step.end?.resultText ?? null]);
    caseOver("error", ended, "?", (step) => [step.end?.errorText ?? null]);
  }
  const restarted = steps.filter((step) => step.restart);
  if (restarted.length > 0) caseOver("input", restarted, "?", (step) => [step.restart?.inputText ?? null]);
  const where = whereRunKeys(steps.map((step) => step.key));
  return { sql: `UPDATE ${p}runs SET ${sets.join(", ")} WHERE ${where.sql}`, args: [...args, ...where.args] };
}

/** `(?,?,…),(?,?,…)…`: `rows` parenthesised lists of `columns` parameters. */
function valueRows(rows: number, columns: number): string {
  const row = `(${new Array(columns).fill("?").join(",")})`;
  return new Array(rows).fill(row).join(",");
}
