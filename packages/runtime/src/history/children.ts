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
