import { RunStatus } from "../../history/index.js";
import type { StepWrite } from "../step-write.js";
import { leasedByOther } from "./lease.js";

/*
 * The fence: whether a step a worker computed may be written. Its SQL twin is
 * fencePassesTerms in store/mysql/fence.ts (the lean step's run update), which checks the same in the database so that a
 * batch can be committed in one round trip; change both together. The conformance case "the
 * fence's SQL guard and fenceRefusal agree" (test/store/commits.test.ts) fails when they differ.
 */

/** What the fence reads of a run before a step is written. */
export interface FencedRun {
  readonly version: number;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  readonly status: string;
  readonly paused: boolean;
}

/** Why a step that must not meet a paused run (StepWrite.refusePaused, see refusedIfPaused) is refused. */
export const PAUSED_REFUSAL = "the run is paused";

/**
 * Why a step may not be written, or undefined when it may. Every store applies these rules
 * with the run locked (a row lock on MySQL).
 */
export function fenceRefusal(step: StepWrite, run: FencedRun | undefined): string | undefined {
  if (!run) return "the run row is gone";
  if (run.version !== step.expectedVersion) return "another worker committed first";
  // A lease that is ours, free or expired is fine: the version already proves nobody else
  // committed since this step's state was read, and activities start only after the commit.
  if (leasedByOther(run, step.owner, step.now)) return "another worker holds the lease";
  if (run.status !== RunStatus.Running) return `the run is ${run.status}`;
  if (step.refusePaused === true && run.paused) return PAUSED_REFUSAL;
  return undefined;
}
