import { RunStatus } from "../../history/index.js";
import type { FencedRun } from "../rules/fence.js";
import type { StepWrite } from "../types.js";
import { type Row, text } from "./rows.js";
import type { Statement } from "./statements.js";

/*
 * The SQL twin of the fence (rules/fence.ts: fenceRefusal): the columns it reads, their
 * mapping, and the guard that checks it inside the database. Change them together with the
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
 * fenceRefusal checked in the database, right after the lock: counts the locked runs that pass
 * it, and fails with errno 1242 (a scalar subquery with two rows) unless every step's does, so
 * that the statements after it, COMMIT included, are not run. An ending step also needs a run
 * no parent waits for (its ending would be delivered to the parent, which only the
 * statement-by-statement path writes). The locked rows cannot change under it; being the
 * transaction's first plain read, it reads them as they are now.
 *
 * Term by term, a run passes when: its version is the step's expected one ("another worker
 * committed first"); nobody else holds a live lease, i.e. it is free, the step owner's, or
 * expired (leasedByOther in rules/lease.ts); it is running ("the run is ..."); and, for a step
 * taken up without a read (refusePaused), it is not paused (PAUSED_REFUSAL).
 */
export function fenceGuardStatement(p: string, steps: readonly StepWrite[]): Statement {
  const namespace = steps[0]?.key.namespace ?? "";
  const passes = steps.map(
    (step) =>
      `(workflow = ? AND run_id = ? AND version = ? AND status = ?
        AND (lease_owner IS NULL OR lease_owner = ? OR COALESCE(lease_until, 0) < ?)${
          step.end ? " AND (parent_run_id IS NULL OR parent_waits <> 1)" : ""
        }${step.refusePaused === true ? " AND paused = 0" : ""})`,
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
