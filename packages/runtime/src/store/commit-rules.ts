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
  const choices = wakeChoices(step);
  return currentWakeGen !== step.observedWakeGen ? choices.ifWoken : choices.otherwise;
}

/**
 * wakeAfterStep as its two outcomes, for a store that lets the database pick between them
 * from the locked row: `ifWoken` when wake_gen moved since `step.observedWakeGen`.
 */
export function wakeChoices(step: StepWrite): { readonly ifWoken: number | null; readonly otherwise: number | null } {
  if (step.end) return { ifWoken: null, otherwise: null };
  if (step.restart) return { ifWoken: step.now, otherwise: step.now };
  return { ifWoken: step.now, otherwise: step.hold ? step.now : step.wakeAt };
}

/**
 * Workers in a row that froze while running a run's workflow code. A run whose code blocks the
 * event loop (a synchronous loop) freezes each worker that takes it over, one after another;
 * once this many took it over and froze, the next claim parks it as stuck instead.
 *
 * How it is counted: a worker that takes a run over (its lease ran out in another worker's
 * hands) sets the run's stall mark before it runs the run's code, and clears mark and count
 * once a step got through or its next lease renewal went out. A takeover that finds the mark
 * set counts one more stall only when the holder is still present (EngineStore.holdPresence):
 * a frozen process keeps its connection to the database; a process that was killed, or crashed,
 * does not, and a worker that lost the database gives its lease back once it is reachable again.
 * So kills, crashes and outages do not add up to a false "stuck".
 */
export const MAX_STALLS = 2;

/** How a claim by `owner` changes a run's stall count and mark. */
export interface StallsAfterClaim {
  readonly stalls: number;
  /** The claim takes over a lease that another owner let run out. */
  readonly takeover: boolean;
}

/**
 * `holderPresent`: whether the worker that let the lease run out is still present; asked only
 * of a takeover that finds the stall mark set.
 */
export function stallsAfterClaim(
  leaseOwner: string | null,
  owner: string,
  stalls: number,
  marked: boolean,
  holderPresent: (holder: string) => boolean,
): StallsAfterClaim {
  if (leaseOwner === null) return { stalls: 0, takeover: false };
  if (leaseOwner === owner) return { stalls, takeover: false };
  return { stalls: marked && holderPresent(leaseOwner) ? stalls + 1 : stalls, takeover: true };
}
