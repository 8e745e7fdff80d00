import type { Transaction } from "../../api.js";
import {
  CHILD_SIGNAL,
  childEndingId,
  childEndingText,
  foreignChildEnding,
  type RunKey,
  RunStatus,
} from "../../history/index.js";
import type { ChildStart, StepWrite } from "../types.js";
import { type Row, text } from "./rows.js";
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
  const parent = { workflow: step.key.workflow, runId: step.key.runId };
  for (const child of step.childStarts) {
    if (await startChild(conn, p, child, parent, step.now)) created.push(child.key);
  }
  for (const { key, signal } of step.signalsSent) {
    if (await insertSignal(conn, p, key, signal, step.now)) woken.push(key);
  }
  for (const child of step.cancelChildren) {
    if (await requestCancel(conn, p, child, step.now).catch(() => false)) woken.push(child);
  }
  const waiting = parentWaiting(step, row);
  if (waiting && step.end) {
    const ending = childEndingText(step.end.status, step.end.resultText, step.end.errorText);
    await insertSignal(
      conn,
      p,
      waiting,
      { signal: CHILD_SIGNAL, externalId: childEndingId(step.key), payloadText: ending },
      step.now,
    );
    woken.push(waiting);
  }
  if (created.length === 0 && woken.length === 0) return {};
  return { createdChildren: created, woken };
}

/** The parent that waits for this run's ending, read from the locked run row. */
function parentWaiting(step: StepWrite, row: Row): RunKey | undefined {
  if (row.parent_run_id === null || Number(row.parent_waits) !== 1) return undefined;
  return { namespace: step.key.namespace, workflow: text(row.parent_workflow), runId: text(row.parent_run_id) };
}

/**
 * Creates the child, linked to its parent. A child that exists already is waited for: linked
 * when it has no parent, its ending delivered now when it ended; one that reports to another
 * parent is delivered as a failure that says so. True when the child was created.
 */
async function startChild(
  conn: Transaction,
  p: string,
  child: ChildStart,
  parent: { workflow: string; runId: string },
  now: number,
): Promise<boolean> {
  const { key, inputText, waits, codeVersion, deadline, queue, traceContext } = child;
  const created = await insertRun(conn, p, {
    key,
    inputText,
    now,
    codeVersion,
    deadline,
    queue,
    parent: { ...parent, waits },
    traceContext,
  });
  if (created || !waits) return created;
  const [rows] = await conn.query<Row[]>(
    `SELECT status, result, error, parent_workflow, parent_run_id FROM ${p}runs
      WHERE namespace = ? AND workflow = ? AND run_id = ? FOR UPDATE`,
    [key.namespace, key.workflow, key.runId],
  );
  const existing = rows[0];
  if (existing === undefined) return false;
  const ownParent =
    existing.parent_run_id === null
      ? undefined
      : { workflow: text(existing.parent_workflow), runId: text(existing.parent_run_id) };
  const parentKey = { namespace: key.namespace, ...parent };
  const deliver = (payloadText: string) =>
    insertSignal(conn, p, parentKey, { signal: CHILD_SIGNAL, externalId: childEndingId(key), payloadText }, now);
  if (ownParent && (ownParent.workflow !== parent.workflow || ownParent.runId !== parent.runId)) {
    await deliver(JSON.stringify(foreignChildEnding(key, ownParent)));
    return false;
  }
  const status = text(existing.status);
  if (status === RunStatus.Running || status === RunStatus.Stuck) {
    await conn.query(
      `UPDATE ${p}runs SET parent_workflow = ?, parent_run_id = ?, parent_waits = 1
        WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [parent.workflow, parent.runId, key.namespace, key.workflow, key.runId],
    );
    return false;
  }
  const resultText = existing.result === null ? null : text(existing.result);
  const errorText = existing.error === null ? null : text(existing.error);
  await deliver(childEndingText(status, resultText, errorText));
  return false;
}
