import { type EndStatus, newEvent } from "../../history/index.js";
import type { StepWrite } from "../step-write.js";
import type { PlacedEvent } from "./new-run.js";
import { wakeChoices } from "./wake.js";

/**
 * The events a step appends, at their positions from `step.firstPos`; a restart adds the next
 * iteration's created event (position 0). `nextPos`: where the run's next event goes.
 */
export function stepEvents(step: StepWrite): { readonly events: PlacedEvent[]; readonly nextPos: number } {
  const events = step.events.map((event, i) => ({ iteration: step.iteration, pos: step.firstPos + i, event }));
  if (step.restart) {
    const created = newEvent.created(step.restart.inputText, step.now);
    events.push({ iteration: step.iteration + 1, pos: 0, event: created });
  }
  return { events, nextPos: nextPosAfter(step) };
}

function nextPosAfter(step: StepWrite): number {
  return step.restart ? 1 : step.firstPos + step.events.length;
}

/** A run's new state after a step that passed the fence (see fenceRefusal). */
export interface RunAfterStep {
  readonly version: number;
  readonly iteration: number;
  readonly nextPos: number;
  /** The run's status when the step ends it; undefined: unchanged (running). */
  readonly status: EndStatus | undefined;
  /** Picked by whether wake_gen moved since the step read its inputs (see wakeChoices). */
  readonly wake: ReturnType<typeof wakeChoices>;
  /** The lease stays with the step's owner while activities run here; released otherwise. */
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  readonly wantedActivity: string | null;
  /** A step got through: the run does not stall its workers (see MAX_STALLS). */
  readonly stalls: 0;
  readonly stallMark: false;
  readonly updatedAt: number;
  /** Set when the iteration ends or restarts: the run's result and error (both null on a restart). */
  readonly outcome: { readonly resultText: string | null; readonly errorText: string | null } | undefined;
  /** Set on a restart: the next iteration's input. */
  readonly inputText: string | undefined;
}

export function runAfterStep(step: StepWrite): RunAfterStep {
  const keeps = step.hold && !step.end && !step.restart;
  const ends = step.end !== undefined || step.restart !== undefined;
  return {
    version: step.expectedVersion + 1,
    iteration: step.restart ? step.iteration + 1 : step.iteration,
    nextPos: nextPosAfter(step),
    status: step.end?.status,
    wake: wakeChoices(step),
    leaseOwner: keeps ? step.owner : null,
    leaseUntil: keeps ? step.leaseUntil : null,
    wantedActivity: step.wantedActivity ?? null,
    stalls: 0,
    stallMark: false,
    updatedAt: step.now,
    outcome: ends ? { resultText: step.end?.resultText ?? null, errorText: step.end?.errorText ?? null } : undefined,
    inputText: step.restart?.inputText,
  };
}
