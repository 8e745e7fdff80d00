import type { Transaction } from "../../api.js";
import type { RunKey } from "../../history/index.js";
import {
  type ChildParent,
  childCreation,
  childStart,
  type ExistingChild,
  endingToParent,
  MAX_WAIT_CHAIN,
  readsExistingChild,
  readsWaitChain,
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
    if (await startChild(conn, p, child, { key: parent, parent: parentOf(row) }, step.now)) created.push(child.key);
  }
  for (const { key, signal } of step.signalsSent) {
    if (await insertSignal(conn, p, key, signal, step.now)) woken.push(key);
  }
  for (const child of step.cancelChildren) {
    woken.push(...(await requestCancel(conn, p, child, step.now).catch((): RunKey[] => [])));
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
  starter: { readonly key: RunKey & ChildParent; readonly parent: ParentLink | null },
  now: number,
): Promise<boolean> {
  const parent = starter.key;
  if (await insertRun(conn, p, childCreation(child, parent, now))) return true;
  if (!readsExistingChild(child)) return false;
  const existing = await lockChild(conn, p, child.key);
  if (existing === undefined) return false;
  const ancestors = readsWaitChain(child, existing) ? await waitChain(conn, p, parent, starter.parent) : [];
  const decision = childStart(child, parent, existing, now, ancestors);
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

/**
 * The runs above `run` that wait for the one below them, from `link` (its own parent) up: its
 * parent if that waits for it, that one's, ... at most MAX_WAIT_CHAIN (see childStart).
 */
async function waitChain(conn: Transaction, p: string, run: RunKey, link: ParentLink | null): Promise<RunKey[]> {
  const chain: RunKey[] = [];
  for (let next = link; next?.waits && chain.length < MAX_WAIT_CHAIN; ) {
    const key = { namespace: run.namespace, workflow: next.workflow, runId: next.runId };
    chain.push(key);
    const [rows] = await conn.query<Row[]>(
      `SELECT parent_workflow, parent_run_id, parent_waits FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [key.namespace, key.workflow, key.runId],
    );
    next = rows[0] === undefined ? null : parentOf(rows[0]);
  }
  return chain;
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
