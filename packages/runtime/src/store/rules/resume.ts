import { RunNotFoundError, RunNotResumableError, type SerializedError } from "../../errors.js";
import { newEvent, type RunKey, RunStatus } from "../../history/index.js";
import type { PlacedEvent } from "./new-run.js";
import { wakeUnlessPaused } from "./pause.js";

/** What resuming reads of a run. */
export interface ResumableRun {
  readonly status: string;
  readonly iteration: number;
  readonly version: number;
  readonly errorText: string | null;
  readonly codeVersion: string | null;
  /** A paused run resumed stays paused: not due until unpaused. */
  readonly paused?: boolean | undefined;
}

/** The run's new state after a resume, and the `resumed` event to append. */
export interface Resumption {
  readonly set: {
    readonly status: RunStatus;
    readonly errorText: null;
    readonly wakeAt: number | null;
    readonly leaseOwner: null;
    readonly leaseUntil: null;
    /** One up: whatever a worker still holds of the run is stale now. */
    readonly version: number;
    readonly codeVersion: string | null;
    readonly updatedAt: number;
  };
  readonly event: PlacedEvent;
}

/**
 * See ClientStore.resumeRun: only a stuck run resumes (RunNotFoundError, RunNotResumableError
 * otherwise). It runs again from now, its error cleared and kept in the `resumed` event (no
 * position: not part of replay), re-pinned to `codeVersion` when one is given.
 */
export function resumption(
  key: RunKey,
  run: ResumableRun | undefined,
  codeVersion: string | undefined,
  now: number,
): Resumption {
  if (run === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  if (run.status !== RunStatus.Stuck) throw new RunNotResumableError(key.runId, run.status);
  const error = run.errorText === null ? null : (JSON.parse(run.errorText) as SerializedError);
  return {
    set: {
      status: RunStatus.Running,
      errorText: null,
      wakeAt: wakeUnlessPaused(run.paused === true, now),
      leaseOwner: null,
      leaseUntil: null,
      version: run.version + 1,
      codeVersion: codeVersion ?? run.codeVersion,
      updatedAt: now,
    },
    event: {
      iteration: run.iteration,
      pos: null,
      event: newEvent.resumed({ error, version: codeVersion ?? null }, now),
    },
  };
}
