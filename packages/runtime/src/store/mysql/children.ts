import type { Transaction } from "../../api.js";
import type { RunKey } from "../../history/index.js";
import {
  type ChildParent,
  childCreation,
  childStart,
  type ExistingChild,
  endingToParent,
  readsExistingChild,
} from "../rules/children.js";
import type { ParentLink } from "../rules/new-run.js";
import type { ChildStart, StepWrite } from "../types.js";
import { nullableText, type Row, text } from "./rows.js";
import { tagsAfter } from "./tags.js";
import { insertRun, insertSignal, requestCancel } from "./writes.js";

/** What a step did to other runs, for the worker's in-process wake-ups. */
export interface Reach {
  readonly createdChildren?: readonly RunKey[];
  readonly woken?: readonly RunKey[];
}

/**
 * The writes of a step that reach other runs of the namespace, in the step's transaction:
 * children started, signals sent, children cancelled, and the parent told of this run's end.
 */
export async function reachOtherRuns(conn: Transaction, p: string, step: StepWrite, row: Row): Promise<Reach> {
  const created: RunKey[] = [];
  const woken: RunKey[] = [];
  // Children inherit the parent's tags as the step leaves them.
  const parent = step.childStarts.length === 0 ? step.key : { ...step.key, tags: tagsAfter(step, row) };
  for (const child of step.childStarts) {
    if (await startChild(conn, p, child, parent, step.now)) created.push(child.key);
  }
  for (const { key, signal } of step.signalsSent) {
    if (await insertSignal(conn, p, key, signal, step.now)) woken.push(key);
  }
  for (const child of step.cancelChildren) {
    if (await requestCancel(conn, p, child, step.now).catch(() => false)) woken.push(child);
  }
  const ending = endingToParent(step.key, parentOf(row), step.end);
  if (ending) {
    await insertSignal(conn, p, ending.key, ending.signal, step.now);
    woken.push(ending.key);
  }
  if (created.length === 0 && woken.length === 0) return {};
  return { createdChildren: created, woken };
}

/** The parent this run reports to, read from the locked run row. */
function parentOf(row: Row): ParentLink | null {
  if (row.parent_run_id === null) return null;
  return { workflow: text(row.parent_workflow), runId: text(row.parent_run_id), waits: Number(row.parent_waits) === 1 };
}

/**
 * See childStart (rules/children.ts). The child is inserted first: a key taken meanwhile by
 * another transaction fails the insert instead of racing it. Only then is the existing child
 * read (locked), when the rule needs it. True when the child was created.
 */
async function startChild(
  conn: Transaction,
  p: string,
  child: ChildStart,
  parent: ChildParent,
  now: number,
): Promise<boolean> {
  if (await insertRun(conn, p, childCreation(child, parent, now))) return true;
  if (!readsExistingChild(child)) return false;
  const existing = await lockChild(conn, p, child.key);
  if (existing === undefined) return false;
  const decision = childStart(child, parent, existing, now);
  if (decision.kind === "deliver") await insertSignal(conn, p, decision.ending.key, decision.ending.signal, now);
  if (decision.kind === "link") {
    await conn.query(
      `UPDATE ${p}runs SET parent_workflow = ?, parent_run_id = ?, parent_waits = ?
        WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [
        decision.parent.workflow,
        decision.parent.runId,
        decision.parent.waits ? 1 : 0,
        child.key.namespace,
        child.key.workflow,
        child.key.runId,
      ],
    );
  }
  return false;
}

async function lockChild(conn: Transaction, p: string, key: RunKey): Promise<ExistingChild | undefined> {
  const [rows] = await conn.query<Row[]>(
    `SELECT status, result, error, parent_workflow, parent_run_id FROM ${p}runs
      WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`,
    [key.namespace, key.workflow, key.runId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    status: text(row.status),
    resultText: nullableText(row.result),
    errorText: nullableText(row.error),
    parent: row.parent_run_id === null ? null : { workflow: text(row.parent_workflow), runId: text(row.parent_run_id) },
  };
}
