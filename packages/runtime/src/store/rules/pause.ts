import { RunNotFoundError } from "../../errors.js";
import { isEnded, newEvent, type RunKey, RunStatus } from "../../history/index.js";
import type { PlacedEvent } from "./new-run.js";

/*
 * Pausing a run. A paused run takes no new step: the claim filter passes no paused run, and its
 * wake_at is NULL for as long as it is paused (every writer of wake_at keeps it so, through
 * wakeUnlessPaused), so it costs the claims and polls of the due runs nothing. What arrives for
 * it (signals, a cancel) is stored as usual and read once it runs again. A worker that holds
 * it when it is paused finishes the step it is in, commits it, starts nothing new (no new
 * attempt of an activity) and lets go once its attempts in flight have ended. The steps that
 * record those attempts' results deliver nothing else (see takesArrivals), and the store refuses
 * a step that took something new from a run it finds paused (see refusedIfPaused).
 */

/** What pausing and unpausing read of a run. */
export interface PausableRun {
  readonly status: string;
  readonly paused: boolean;
  readonly iteration: number;
}

/** A run's new pause state, and the operator's mark in its history (no position: not part of replay). */
export interface PauseChange {
  readonly set: { readonly paused: boolean; readonly wakeAt: number | null; readonly updatedAt: number };
  readonly event: PlacedEvent;
}

/**
 * See Client.pauseRun. Undefined (nothing to change) when the run is paused already or has
 * ended; a stuck run may be paused (resumeRun then leaves it paused). Throws RunNotFoundError.
 */
export function pausing(key: RunKey, run: PausableRun | undefined, now: number): PauseChange | undefined {
  if (run === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  if (run.paused || isEnded(run.status)) return undefined;
  return {
    set: { paused: true, wakeAt: null, updatedAt: now },
    event: { iteration: run.iteration, pos: null, event: newEvent.paused(now) },
  };
}

/**
 * See Client.unpauseRun. Undefined when the run is not paused. A running run is due at once:
 * the timers that came due while it was paused fire in that step. Throws RunNotFoundError.
 */
export function unpausing(key: RunKey, run: PausableRun | undefined, now: number): PauseChange | undefined {
  if (run === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  if (!run.paused) return undefined;
  return {
    set: { paused: false, wakeAt: run.status === RunStatus.Running ? now : null, updatedAt: now },
    event: { iteration: run.iteration, pos: null, event: newEvent.unpaused(now) },
  };
}

/**
 * The wake time a writer gives a run: none while it is paused, `wakeAt` otherwise. SQL twin:
 * unlessPausedSql in store/mysql/pause.ts.
 */
export function wakeUnlessPaused(paused: boolean, wakeAt: number | null): number | null {
  return paused ? null : wakeAt;
}

/**
 * Whether a step of a held run delivers arrivals to its workflow: everything that arrived or came
 * due since its last step (signals, children's endings, token completions, events, timers, the
 * run's timeout included, a cancel, updates and queries), besides the results of the attempts
 * that ran here, which every step records. A paused run takes no new step, so it takes no
 * arrivals: they wait where they are stored, and the first step after unpauseRun delivers them
 * in arrival order.
 */
export function takesArrivals(paused: boolean): boolean {
  return !paused;
}

/** How a step came to be, as far as a pause is concerned. */
export interface StepOrigin {
  /** Its run was taken up without a read: a pause since then is unknown to its holder. */
  readonly unread: boolean;
  /** It delivered arrivals (see takesArrivals): signals, timers, a cancel, requests... */
  readonly tookArrivals: boolean;
}

/**
 * Whether the store refuses the step when it finds the run paused (StepWrite.refusePaused, and
 * PAUSED_REFUSAL in rules/fence.ts). Refused: a step whose holder may not know of the pause
 * (unread), and one that delivered arrivals, which a paused run takes none of: the pause came
 * while its holder had not yet heard of it. The holder then lets go of the run, whose stored
 * state is as before the step; the arrivals are delivered after unpauseRun. A step that
 * delivered only results is committed, and tells its holder of the pause (StepResult.paused).
 */
export function refusedIfPaused(origin: StepOrigin): boolean {
  return origin.unread || origin.tookArrivals;
}
