import { runKeyId } from "../../history/index.js";
import { type RunAfterStep, runAfterStep, stepEvents } from "../rules/step-layout.js";
import type { StepWrite } from "../types.js";
import { FENCE_COLUMNS, fencePassesTerms, unchangedSinceSeenTerm } from "./fence.js";
import { eventRowBatches } from "./packet.js";
import { unlessPausedSql } from "./pause.js";
import { whereRunKeys } from "./run-keys.js";
import { insertEventsOf, type Statement, valueRows } from "./statements.js";
import { writesWaits } from "./waits.js";

/*
 * The statements of a batch of steps (see step-writer.ts), built without I/O so that they can
 * be sent one by one or several in one round trip. Each writes the rows of every step of the
 * batch at once; none reads what the lock returned, so they may go out before it is looked at.
 */

/** The columns of `runs` a step's result and the writes after its run update read. */
export const STEP_RESULT_COLUMNS = [
  "workflow",
  "run_id",
  ...FENCE_COLUMNS.split(", "),
  "wake_gen",
  "request_gen",
  "cancel_requested",
  "parent_workflow",
  "parent_run_id",
  "parent_waits",
  "tags",
  "created_at",
] as const;

/** The columns the fence and the step's result read, locked for the transaction. */
export function lockRunsStatement(p: string, steps: readonly StepWrite[]): Statement {
  const where = whereRunKeys(steps.map((step) => step.key));
  return {
    sql: `SELECT ${STEP_RESULT_COLUMNS.join(", ")} FROM ${p}runs WHERE ${where.sql} FOR UPDATE`,
    args: where.args,
  };
}

/**
 * True when a batch's COMMIT may go out in its first round trip, behind the fenced run update
 * and its guards (see writeLean): nothing it writes depends on what the lock would read besides
 * the fence and the rows its guarded writes must change (no child started, signal sent or child
 * cancelled, which reach other runs; no token or event wait, see waits.ts; no stream written,
 * whose offsets come from heads locked in the transaction).
 */
export function foldsCommit(steps: readonly StepWrite[]): boolean {
  return steps.every(
    (step) =>
      step.childStarts.length === 0 &&
      step.signalsSent.length === 0 &&
      step.cancelChildren.length === 0 &&
      !writesWaits(step) &&
      (step.streamWrites?.length ?? 0) === 0,
  );
}

/**
 * True when a step writes rows the one-round-trip paths do not (tags it set, which merge with
 * the locked row's; queue slots it gives up): the batch is written statement by statement.
 */
export function hasSideWrites(steps: readonly StepWrite[]): boolean {
  return steps.some((step) => (step.tagsSet?.length ?? 0) > 0 || (step.slotDeletes?.length ?? 0) > 0);
}

/** Every step's events at their positions (stepEvents), in one INSERT; with each run's next position. */
export function insertEventsStatement(
  p: string,
  steps: readonly StepWrite[],
): { statement: Statement | undefined; positions: Map<string, number> } {
  const { rows, positions } = eventRows(steps);
  return { statement: rows.length === 0 ? undefined : insertEventsOf(p, rows), positions };
}

/** insertEventsStatement cut into INSERTs of at most `budget` bytes each (see packet.ts). */
export function insertEventsStatements(
  p: string,
  steps: readonly StepWrite[],
  budget: number,
): { statements: Statement[]; positions: Map<string, number> } {
  const { rows, positions } = eventRows(steps);
  return { statements: eventRowBatches(rows, budget).map((group) => insertEventsOf(p, group)), positions };
}

function eventRows(steps: readonly StepWrite[]) {
  const positions = new Map<string, number>();
  const rows = steps.flatMap((step) => {
    const { events, nextPos } = stepEvents(step);
    positions.set(runKeyId(step.key), nextPos);
    return events.map((placed) => ({ key: step.key, placed }));
  });
  return { rows, positions };
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
 * One UPDATE for all runs of the batch, of the state runAfterStep gives each: each column is a
 * CASE over the runs. What depends on the run row (its status unless the step ends it; its
 * wake time, by whether wake_gen moved since the step read its inputs) is computed by the
 * server from the locked row, so the statement can be sent before the lock's answer is read.
 */
/**
 * The run update of a batch. Fenced (the lean step, see writeLean): only the runs that pass the
 * fence are updated, and with "fence and seen" only those still as their worker saw them too.
 */
export function updateRunsStatement(
  p: string,
  steps: readonly StepWrite[],
  fenced: false | "fence" | "fence and seen" = false,
): Statement {
  const sets: string[] = [];
  const args: unknown[] = [];
  const after = new Map(steps.map((step) => [step, runAfterStep(step)]));
  const caseOver = (
    column: string,
    touched: readonly StepWrite[],
    then: string,
    values: (run: RunAfterStep, step: StepWrite) => unknown[],
  ) => {
    sets.push(
      `${column} = CASE ${touched.map(() => `WHEN workflow = ? AND run_id = ? THEN ${then}`).join(" ")} ELSE ${column} END`,
    );
    for (const step of touched) {
      args.push(step.key.workflow, step.key.runId, ...values(after.get(step) as RunAfterStep, step));
    }
  };
  const plain = (column: string, value: (run: RunAfterStep) => unknown) =>
    caseOver(column, steps, "?", (s) => [value(s)]);
  plain("version", (run) => run.version);
  plain("iteration", (run) => run.iteration);
  plain("next_pos", (run) => run.nextPos);
  caseOver("status", steps, "COALESCE(?, status)", (run) => [run.status ?? null]);
  caseOver("wake_at", steps, unlessPausedSql("IF(wake_gen <> ?, ?, ?)"), (run, step) => [
    step.observedWakeGen,
    run.wake.ifWoken,
    run.wake.otherwise,
  ]);
  plain("lease_owner", (run) => run.leaseOwner);
  plain("lease_until", (run) => run.leaseUntil);
  plain("wanted_activity", (run) => run.wantedActivity);
  plain("stalls", (run) => run.stalls);
  plain("stall_mark", (run) => (run.stallMark ? 1 : 0));
  plain("updated_at", (run) => run.updatedAt);
  const ended = steps.filter((step) => after.get(step)?.outcome !== undefined);
  if (ended.length > 0) {
    caseOver("result", ended, "?", (run) => [run.outcome?.resultText ?? null]);
    caseOver("error", ended, "?", (run) => [run.outcome?.errorText ?? null]);
  }
  const restarted = steps.filter((step) => after.get(step)?.inputText !== undefined);
  if (restarted.length > 0) {
    caseOver("input", restarted, "?", (run) => [run.inputText ?? null]);
    // The next iteration draws ctx.random() from its own stream.
    caseOver("seed_iteration", restarted, "NULL", () => []);
  }
  const where = fenced ? fencedWhere(steps, fenced === "fence and seen") : whereRunKeys(steps.map((step) => step.key));
  return { sql: `UPDATE ${p}runs SET ${sets.join(", ")} WHERE ${where.sql}`, args: [...args, ...where.args] };
}

function fencedWhere(steps: readonly StepWrite[], seen: boolean): { sql: string; args: unknown[] } {
  const passes = fencePassesTerms(steps);
  if (!seen) {
    return {
      sql: `namespace = ? AND (${passes.terms.join(" OR ")})`,
      args: [steps[0]?.key.namespace ?? "", ...passes.args],
    };
  }
  const terms: string[] = [];
  const args: unknown[] = [];
  for (const step of steps) {
    const fence = fencePassesTerms([step]);
    const seenTerm = unchangedSinceSeenTerm(step);
    terms.push(`(${fence.terms[0]} AND ${seenTerm.sql})`);
    args.push(...fence.args, ...seenTerm.args);
  }
  return { sql: `namespace = ? AND (${terms.join(" OR ")})`, args: [steps[0]?.key.namespace ?? "", ...args] };
}
