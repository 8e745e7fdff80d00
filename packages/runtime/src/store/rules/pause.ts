import { RunNotFoundError } from "../../errors.js";
import { isEnded, newEvent, type RunKey, RunStatus } from "../../history/index.js";
import type { PlacedEvent } from "./new-run.js";

/*
 * Pausing a run. A paused run takes no new step: the claim filter passes no paused run, and its
 * wake_at is NULL for as long as it is paused (every writer of wake_at keeps it so, through
 * wakeUnlessPaused), so it costs the claims and polls of the due runs nothing. What arrives for
 * it (signals, a cancel) is stored as usual and read once it runs again. A worker that holds
 * it when it is paused finishes the step it is in, commits it, starts nothing new (no new
 * attempt of an activity) and lets go once its attempts in flight have ended.
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
