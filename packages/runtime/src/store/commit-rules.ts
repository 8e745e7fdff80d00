import { RunStatus } from "../history/index.js";
import type { StepWrite } from "./types.js";

/** What the fence reads of a run before a step is written. */
export interface FencedRun {
  readonly version: number;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  readonly status: string;
}

/**
 * Why a step may not be written, or undefined when it may. Every store applies these rules
 * with the run locked (a row lock on MySQL).
 */
export function fenceRefusal(step: StepWrite, run: FencedRun | undefined): string | undefined {
  if (!run) return "the run row is gone";
  if (run.version !== step.expectedVersion) return "another worker committed first";
  // A lease that is ours, free or expired is fine: the version already proves nobody else
  // committed since this step's state was read, and activities start only after the commit.
  const leasedByOther = run.leaseOwner !== null && run.leaseOwner !== step.owner && (run.leaseUntil ?? 0) >= step.now;
  if (leasedByOther) return "another worker holds the lease";
  if (run.status !== RunStatus.Running) return `the run is ${run.status}`;
  return undefined;
}

/**
 * When the run needs a worker after the step: now while held here, or when something
 * arrived since the step read its inputs (wake_gen moved); at its next deadline when it
 * waits; never once ended.
 */
export function wakeAfterStep(step: StepWrite, currentWakeGen: number): number | null {
  if (step.end) return null;
  if (step.restart) return step.now;
  const arrivedSince = currentWakeGen !== step.observedWakeGen;
  return step.hold || arrivedSince ? step.now : step.wakeAt;
}

/**
 * Claims of a run in a row that lost their lease before the run committed a step. A run whose
 * code blocks the event loop (a synchronous loop) freezes each worker that takes it over, one
 * after another; after this many, it is parked as stuck instead of run again.
 */
export const MAX_STALLS = 3;

/**
 * The stall count of a run once `owner` claims it. Taking over a lease that another holder let
 * run out (it neither committed, released nor renewed: its event loop did not run) is one more
 * stall; a run given back starts again from 0; the same owner claiming again changes nothing.
 * Commits and lease renewals reset the count to 0.
 */
export function stallsAfterClaim(leaseOwner: string | null, owner: string, stalls: number): number {
  if (leaseOwner === null) return 0;
  return leaseOwner === owner ? stalls : stalls + 1;
}
