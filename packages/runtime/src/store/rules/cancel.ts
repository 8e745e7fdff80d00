import { CancelledError } from "../../errors.js";
import { newEvent, type RunKey, RunStatus } from "../../history/index.js";
import { serializeError } from "../../serialize-error.js";
import { FRESH_VERSION } from "../claimed-run.js";
import type { RunEnd, SignalToSend } from "../step-write.js";
import { endingToParent } from "./children.js";
import { leaseLive } from "./lease.js";
import type { ParentLink, PlacedEvent } from "./new-run.js";
import { wakeOnArrival } from "./wake.js";

/** What a cancel request reads of its run. */
export interface CancellableRun {
  readonly status: string;
  readonly iteration: number;
  readonly version: number;
  readonly nextPos: number;
  readonly cancelRequested: boolean;
  readonly wakeAt: number | null;
  readonly leaseUntil: number | null;
  readonly parent: ParentLink | null;
  /** Paused (pauseRun): marked, but not woken until unpaused. */
  readonly paused?: boolean | undefined;
}

/** What a store persists for a cancel request (see cancelRequest). */
export type CancelDecision =
  /** Nothing: the run ended, or was asked to cancel before. */
  | { readonly kind: "none" }
  /** Mark it and wake it: a worker delivers the cancellation to its workflow. */
  | { readonly kind: "request"; readonly wakeAt: number | null; readonly events: readonly PlacedEvent[] }
  /** It never ran: end it as cancelled now, and tell a parent that waits for it. */
  | {
      readonly kind: "end";
      readonly end: RunEnd;
      readonly version: number;
      readonly nextPos: number;
      readonly events: readonly PlacedEvent[];
      readonly toParent: SignalToSend | undefined;
    };

/**
 * A cancel request to a running run. A run that has started, or that a worker holds, is marked
 * and woken: its workflow sees the cancellation at its next step. A run that never ran a step
 * and that nobody holds (queued behind a limit, delayed, or not taken up yet) has no code to
 * tell: it ends as cancelled at once, without waiting for a slot of its queue or its start
 * time, and a parent waiting for it receives that ending. Both write a `cancel_requested`
 * event (no position: not part of replay).
 */
export function cancelRequest(key: RunKey, run: CancellableRun, now: number): CancelDecision {
  if (run.status !== RunStatus.Running || run.cancelRequested) return { kind: "none" };
  const requested: PlacedEvent = { iteration: run.iteration, pos: null, event: newEvent.cancelRequested(now) };
  if (run.version !== FRESH_VERSION || leaseLive(run, now)) {
    return { kind: "request", wakeAt: wakeOnArrival(run.wakeAt, now, true, run.paused), events: [requested] };
  }
  const error = serializeError(new CancelledError(key.runId));
  const end: RunEnd = { status: RunStatus.Cancelled, resultText: null, errorText: JSON.stringify(error) };
  const cancelled: PlacedEvent = { iteration: run.iteration, pos: run.nextPos, event: newEvent.cancelled(error, now) };
  return {
    kind: "end",
    end,
    version: run.version + 1,
    nextPos: run.nextPos + 1,
    events: [requested, cancelled],
    toParent: endingToParent(key, run.parent, end),
  };
}
