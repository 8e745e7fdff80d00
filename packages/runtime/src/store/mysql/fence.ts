import { RunStatus } from "../../history/index.js";
import type { FencedRun } from "../rules/fence.js";
import type { RunSeen, StepWrite } from "../types.js";
import { type Row, text } from "./rows.js";
import { whereRunKeys } from "./run-keys.js";
import { qualified, type Statement } from "./statements.js";

/*
 * The SQL twin of the fence (rules/fence.ts: fenceRefusal): the columns it reads, their
 * mapping, and the guard that checks it inside the database (the run update's WHERE and
 * updatedGuardStatement). Change them together with the
 * rule; the conformance case "the fence's SQL guard and fenceRefusal agree"
 * (test/store/commits.test.ts) fails when they differ.
 */

/** The columns of `runs` the fence reads (FencedRun), selected with the lock. */
export const FENCE_COLUMNS = "version, lease_owner, lease_until, status, paused";

/** A locked `runs` row as fenceRefusal reads it. */
export function fencedRun(row: Row): FencedRun {
  return {
    version: Number(row.version),
    leaseOwner: row.lease_owner === null ? null : text(row.lease_owner),
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    status: text(row.status),
    paused: Number(row.paused) === 1,
  };
}

/**
 * fenceRefusal as SQL terms, one per step, each true when that step's run passes it. An ending
 * step also needs a run no parent waits for (its ending would be delivered to the parent, which
 * only the statement-by-statement path writes).
 *
 * Term by term, a run passes when: its version is the step's expected one ("another worker
 * committed first"); nobody else holds a live lease, i.e. it is free, the step owner's, or
 * expired (leasedByOther in rules/lease.ts); it is running ("the run is ..."); and, for a step
 * that must not meet a paused run (refusePaused), it is not paused (PAUSED_REFUSAL).
 */
export function fencePassesTerms(steps: readonly StepWrite[]): { terms: string[]; args: unknown[] } {
  const terms = steps.map(
    (step) =>
      `(workflow = ? AND run_id = ? AND version = ? AND status = ?
        AND (lease_owner IS NULL OR lease_owner = ? OR COALESCE(lease_until, 0) < ?)${
          step.end ? " AND (parent_run_id IS NULL OR parent_waits <> 1)" : ""
        }${step.refusePaused === true ? " AND paused = 0" : ""})`,
  );
  const args = steps.flatMap((step) => [
    step.key.workflow,
    step.key.runId,
    step.expectedVersion,
    RunStatus.Running,
    step.owner,
    step.now,
  ]);
  return { terms, args };
}

/**
 * The lean step's guard (see writeLean in step-writer.ts): sent right after the fenced run update
 * (an UPDATE whose WHERE is fencePassesTerms), it fails with errno 1242 unless that update
 * changed one row per step, i.e. every step passed the fence, so that nothing after it, COMMIT
 * included, runs. Otherwise it returns the runs' rows as the step's result reads them (`columns`),
 * a plain read of rows the update holds locked. ROW_COUNT() is the preceding statement's count;
 * the guard sits in a derived table so that it is evaluated even when no run row is left.
 */
export function updatedGuardStatement(p: string, steps: readonly StepWrite[], columns: readonly string[]): Statement {
  const where = whereRunKeys(
    steps.map((step) => step.key),
    "r",
  );
  return {
    sql: `SELECT ${qualified("r", columns)}, g.refused FROM
       (SELECT ${ROW_COUNT_FAILS} AS refused) AS g LEFT JOIN ${p}runs AS r ON ${where.sql}`,
    args: [steps.length, ...where.args],
  };
}

/**
 * What the lean step's update is fenced on besides the fence, per step: the run's wake and
 * request counters, cancel and pause are still what the worker saw (StepWrite.seen), so the
 * step's result is known without reading the row back. A run where one moved is not updated,
 * and the batch falls to the slow path, which reads them (see writeLean in step-writer.ts).
 */
export function unchangedSinceSeenTerm(step: StepWrite): { sql: string; args: unknown[] } {
  const seen = step.seen as RunSeen;
  return {
    sql: "wake_gen = ? AND request_gen = ? AND cancel_requested = ? AND paused = ?",
    args: [step.observedWakeGen, seen.requestGen, seen.cancelRequested ? 1 : 0, seen.paused ? 1 : 0],
  };
}

/**
 * `insert` (an INSERT ... VALUES of the lean step's events) carrying the guard of
 * updatedGuardStatement: sent right after the fenced run update, it fails with errno 1242
 * unless that update changed `steps` rows, before it writes a row. The guard is the first
 * value of the first row (the scalar subquery is NULL when it holds, and COALESCE gives the value).
 */
export function guardedByRowCount(insert: Statement, steps: number): Statement {
  const at = insert.sql.indexOf("VALUES (?");
  if (at < 0) throw new Error("guardedByRowCount: not an INSERT ... VALUES (?, ...)");
  const valuesAt = at + "VALUES (".length;
  return {
    sql: `${insert.sql.slice(0, valuesAt)}COALESCE(${ROW_COUNT_FAILS}, ?)${insert.sql.slice(valuesAt + 1)}`,
    args: [steps, ...insert.args],
  };
}

/** A scalar subquery that fails with errno 1242 (two rows) unless the preceding statement changed `?` rows. */
const ROW_COUNT_FAILS = "(SELECT 1 FROM (SELECT 1 AS x UNION ALL SELECT 2) AS two WHERE ROW_COUNT() <> ?)";

/**
 * Fails with errno 1242 unless the statement before it changed exactly one row: sent after a
 * write that must hold (a signal consumed, a stored update answered) in a one-round-trip batch,
 * so that a miss stops the batch before its COMMIT, as the fence's guard does.
 */
export function changedOneRowGuard(): Statement {
  return { sql: `SELECT ${ROW_COUNT_FAILS} AS refused`, args: [1] };
}
