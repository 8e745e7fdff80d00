import type { PendingActivity } from "./pending-activities.js";

/** What a step of a run that goes on (it neither ended nor faulted) knows when it decides. */
export interface StepFacts {
  /** The step's time, ms since the epoch. */
  readonly now: number;
  /** The worker is stopping: no attempt starts. */
  readonly stopping: boolean;
  /** The run is paused: no attempt starts, and the run is let go of once none runs here. */
  readonly paused?: boolean | undefined;
  /** The run's pending activities whose request the workflow still waits on, in request order. */
  readonly requested: readonly PendingActivity[];
  /** Attempts of the run running here now. */
  readonly running: number;
  /** The activities this worker has, by name. */
  readonly registered: Readonly<Record<string, unknown>>;
  /** The run's timers: its own deadline, and those of the commands it waits on (sleeps, signal timeouts). */
  readonly timers: readonly (number | undefined)[];
  /** The run was taken up early for a timer or retry due then (a local wake): until then it waits here. */
  readonly holdUntil: number | undefined;
  /** The step records something: events, or changes besides them. */
  readonly changes: boolean;
}

/** What a step's commit carries besides its events and changes (see StepWrite). */
export interface StepWriteFields {
  /** The run stays leased by this worker. */
  readonly hold: boolean;
  /** When the store wakes the run (its next timer or retry); null: only a signal, an ending or a cancel does. */
  readonly wakeAt: number | null;
  /** The activity the run waits for that this worker lacks: a worker that has it claims the run. */
  readonly wantedActivity: string | undefined;
}

/** The run stays leased here: attempts run or start now, or its wait here is not over. */
export interface HoldDecision {
  readonly hold: true;
  /**
   * The commit, or undefined when nothing is new: then the due attempts start without one.
   * Their requests are already stored, so if this worker dies they run again on another one
   * once the lease ends.
   */
  readonly write: StepWriteFields | undefined;
  /** Attempts to start, once the step is written. */
  readonly start: readonly PendingActivity[];
  /** When a local timer runs the next step: the next timer or retry, not before now; undefined: none. */
  readonly stepAgainAt: number | undefined;
}

/** The run is let go of: its lease released, to be woken at `write.wakeAt`. */
export interface ReleaseDecision {
  readonly hold: false;
  readonly write: StepWriteFields;
}

export type StepDecision = HoldDecision | ReleaseDecision;

/**
 * Decides, after a step's deliveries, what becomes of a run that goes on: held here or
 * released, when it wakes, which activity it wants, whether and what to commit, and which
 * attempts to start. Pure: the actor does the I/O it asks for.
 */
export function decideStep(facts: StepFacts): StepDecision {
  const { now, holdUntil, registered } = facts;
  const stopping = facts.stopping || facts.paused === true;
  // An activity waiting for a slot of its queue is woken by its queue, not by a timer.
  const idle = facts.requested.filter((activity) => !activity.controller && !activity.awaitingSlot);
  const next = earliest(facts.timers, idle);
  const dueNow = stopping ? [] : idle.filter((activity) => activity.readyAt <= now);
  // An activity this worker lacks (newer code requested it, or another deployment did) is
  // left to a worker that has it: the run is released, marked as wanting that activity.
  const start = dueNow.filter((activity) => registered[activity.target] !== undefined);
  const lacking = dueNow.find((activity) => registered[activity.target] === undefined);
  // Taken up early for a timer or retry due in a moment: wait for it here, lease held.
  const waitHere =
    holdUntil !== undefined && !stopping && lacking === undefined && (next ?? Number.POSITIVE_INFINITY) <= holdUntil;
  if (facts.running > 0 || start.length > 0 || waitHere) {
    const write = facts.changes ? { hold: true, wakeAt: next ?? null, wantedActivity: undefined } : undefined;
    // The attempts that start now are not waited for by a timer: their completions step the run.
    // Nor is a paused run's timer: it fires after the unpause, so only completions step the run.
    if (facts.paused === true) return { hold: true, write, start, stepAgainAt: undefined };
    const later = earliest(
      facts.timers,
      idle.filter((activity) => !start.includes(activity)),
    );
    return { hold: true, write, start, stepAgainAt: later === undefined ? undefined : Math.max(later, now) };
  }
  const wantedActivity = lacking?.target;
  const wakeAt = wantedActivity === undefined ? (next ?? null) : now;
  return { hold: false, write: { hold: false, wakeAt, wantedActivity } };
}

/** The earliest time something of the run becomes due: a timer, or an idle activity's next attempt. */
function earliest(timers: readonly (number | undefined)[], idle: readonly PendingActivity[]): number | undefined {
  let next: number | undefined;
  for (const at of timers) if (at !== undefined && (next === undefined || at < next)) next = at;
  for (const { readyAt } of idle) if (next === undefined || readyAt < next) next = readyAt;
  return next;
}
