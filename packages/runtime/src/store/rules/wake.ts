import type { StepWrite } from "../step-write.js";
import { wakeUnlessPaused } from "./pause.js";

/**
 * When the run needs a worker after the step: now while held here, or when something
 * arrived since the step read its inputs (wake_gen moved); at its next deadline when it
 * waits; never once ended, nor while paused (see rules/pause.ts).
 */
export function wakeAfterStep(step: StepWrite, currentWakeGen: number, paused = false): number | null {
  const choices = wakeChoices(step);
  return wakeUnlessPaused(paused, currentWakeGen !== step.observedWakeGen ? choices.ifWoken : choices.otherwise);
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
 * The wake time of a running run that something arrived for from outside (a signal, a cancel
 * request): due now, unless it is due earlier already. A run that has not `started` (no step
 * committed yet) keeps its start time: a signal waits in its inbox for the run's `delay` or
 * `startAt` (and a queued run for its slot), as it would have had it come first. A paused run
 * stays without a wake time: what arrived is read once it runs again. The store bumps its
 * wake_gen with it. SQL twin: WAKE_ON_ARRIVAL in store/mysql/writes.ts.
 */
export function wakeOnArrival(wakeAt: number | null, now: number, started: boolean, paused = false): number | null {
  if (!started) return wakeUnlessPaused(paused, wakeAt);
  return wakeUnlessPaused(paused, wakeAt === null || wakeAt > now ? now : wakeAt);
}
