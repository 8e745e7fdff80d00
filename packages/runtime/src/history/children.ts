import type { SerializedError } from "../errors.js";
import type { ChildEnding } from "./events.js";
import type { RunKey } from "./run-key.js";

/**
 * How a child's ending reaches its parent: as a signal in the parent's inbox, written in the
 * transaction that ends the child, so it is delivered once and wakes the parent like any
 * signal. The name cannot collide with a user's signal: user names never contain "/".
 */
export const CHILD_SIGNAL = "/child";

/** The external id of a child's ending in its parent's inbox: one per child run. */
export function childEndingId(child: Pick<RunKey, "workflow" | "runId">): string {
  return `${child.workflow}/${child.runId}`;
}

/** The ending of a run as its parent receives it, from what the run's last step wrote. */
export function childEndingText(status: string, resultText: string | null, errorText: string | null): string {
  if (status === "completed") return `{"status":"completed","result":${resultText ?? "null"}}`;
  return `{"status":${JSON.stringify(status)},"error":${errorText ?? "null"}}`;
}

/** The ending a parent receives for a child it cannot wait for (it reports to another parent). */
export function foreignChildEnding(child: RunKey, parent: Pick<RunKey, "workflow" | "runId">): ChildEnding {
  const error: SerializedError = {
    name: "ChildWorkflowError",
    message: `run ${child.workflow}/${child.runId} exists and reports to parent ${parent.workflow}/${parent.runId}; a run reports to one parent only: choose another child run id`,
  };
  return { status: "failed", error };
}

/**
 * The ending a parent receives for a child that waits for it already (see rules/children.ts
 * waitCycle): `cycle` lists the runs in "waits for" order, from the parent.
 */
export function cycleChildEnding(
  child: Pick<RunKey, "workflow" | "runId">,
  cycle: readonly Pick<RunKey, "workflow" | "runId">[],
): ChildEnding {
  const waiter = cycle[0] ?? child;
  const error: SerializedError = {
    name: "ChildCycleError",
    code: "CHILD_CYCLE",
    message: `run ${waiter.workflow}/${waiter.runId} cannot wait for run ${child.workflow}/${child.runId}: it waits back (${describeCycle(cycle)}, each waiting for the next), so neither would ever end; start the child with a run id of its own`,
  };
  return { status: "failed", error };
}

/** Runs that wait for each other, in "waits for" order, as "a/1 → b/2 → a/1". */
export function describeCycle(cycle: readonly Pick<RunKey, "workflow" | "runId">[]): string {
  const first = cycle[0];
  const names = [...cycle, ...(first === undefined ? [] : [first])].map((run) => `${run.workflow}/${run.runId}`);
  return names.join(" → ");
}
