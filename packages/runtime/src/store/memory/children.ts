import type { RunKey } from "../../history/index.js";
import { childStart, endingToParent, MAX_WAIT_CHAIN, readsWaitChain } from "../rules/children.js";
import type { ChildStart, StepWrite } from "../types.js";
import type { MemoryTables, RunRow } from "./tables.js";
import { addSignal, requestCancel } from "./writes.js";

/** What a step did to other runs, for the worker's in-process wake-ups. */
export interface Reach {
  readonly createdChildren?: RunKey[];
  readonly woken?: RunKey[];
}

/** Children started, signals sent, children cancelled, the parent told of this run's end. */
export function reachOtherRuns(db: MemoryTables, step: StepWrite, run: RunRow): Reach {
  const created: RunKey[] = [];
  const woken: RunKey[] = [];
  for (const child of step.childStarts) if (startChild(db, child, run, step.now)) created.push(child.key);
  for (const { key, signal } of step.signalsSent) if (addSignal(db, key, signal, step.now)) woken.push(key);
  for (const child of step.cancelChildren) woken.push(...requestCancel(db, child, step.now));
  const ending = endingToParent(step.key, run.parent, step.end);
  if (ending) {
    addSignal(db, ending.key, ending.signal, step.now);
    woken.push(ending.key);
  }
  return created.length === 0 && woken.length === 0 ? {} : { createdChildren: created, woken };
}

/** See childStart (rules/children.ts): create, link, or deliver the ending now. True when created. */
function startChild(db: MemoryTables, child: ChildStart, parent: RunRow, now: number): boolean {
  const existing = db.run(child.key);
  const ancestors = existing !== undefined && readsWaitChain(child, existing) ? waitChain(db, parent) : [];
  const decision = childStart(child, parent, existing, now, ancestors);
  switch (decision.kind) {
    case "create":
      return db.insertRun(decision.creation) !== undefined;
    case "link":
      if (existing) existing.parent = decision.parent;
      return false;
    case "deliver":
      addSignal(db, decision.ending.key, decision.ending.signal, now);
      return false;
    case "nothing":
      return false;
  }
}

/** The runs above `run` that wait for the one below them, at most MAX_WAIT_CHAIN (see childStart). */
function waitChain(db: MemoryTables, run: RunRow): RunKey[] {
  const chain: RunKey[] = [];
  for (let next = run.parent; next?.waits && chain.length < MAX_WAIT_CHAIN; ) {
    const key = { namespace: run.namespace, workflow: next.workflow, runId: next.runId };
    chain.push(key);
    next = db.run(key)?.parent ?? null;
  }
  return chain;
}
