import { describe, expect, it } from "vitest";
import { newPendingActivity, type PendingActivity } from "./pending-activities.js";
import { decideStep, type StepFacts } from "./step-decision.js";

const NOW = 1_000_000;

function facts(overrides: Partial<StepFacts> = {}): StepFacts {
  return {
    now: NOW,
    stopping: false,
    requested: [],
    running: 0,
    registered: { charge: () => {}, ship: () => {} },
    timers: [],
    holdUntil: undefined,
    changes: true,
    ...overrides,
  };
}

function activity(target: string, seq: number, readyAt: number): PendingActivity {
  return newPendingActivity(target, seq, readyAt);
}

function runningActivity(target: string, seq: number): PendingActivity {
  return { ...newPendingActivity(target, seq, NOW - 10), controller: new AbortController() };
}

describe("decideStep", () => {
  it("holds the run and starts the due attempts after committing what the step recorded", () => {
    const due = activity("charge", 1, NOW);
    const decision = decideStep(facts({ requested: [due] }));
    expect(decision).toEqual({
      hold: true,
      write: { hold: true, wakeAt: NOW, wantedActivity: undefined },
      start: [due],
      stepAgainAt: undefined,
    });
  });

  it("starts due attempts without a commit when the step recorded nothing", () => {
    const due = activity("charge", 1, NOW - 5);
    const decision = decideStep(facts({ requested: [due], changes: false }));
    expect(decision).toMatchObject({ hold: true, write: undefined, start: [due] });
  });

  it("keeps a run whose attempts still run, and steps it again at its next timer", () => {
    const decision = decideStep(facts({ running: 1, timers: [NOW + 500, undefined, NOW + 200], changes: false }));
    expect(decision).toEqual({ hold: true, write: undefined, start: [], stepAgainAt: NOW + 200 });
  });

  it("steps a held run again at the retry of another activity, not at the attempt it starts", () => {
    const due = activity("charge", 1, NOW);
    const retry = activity("ship", 2, NOW + 3000);
    const decision = decideStep(facts({ requested: [due, retry], changes: false }));
    expect(decision).toMatchObject({ hold: true, start: [due], stepAgainAt: NOW + 3000 });
  });

  it("steps a held run again no earlier than now", () => {
    const decision = decideStep(facts({ running: 1, timers: [NOW - 50], changes: false }));
    expect(decision).toMatchObject({ hold: true, stepAgainAt: NOW });
  });

  it("releases a run with nothing to run, to be woken at its earliest timer or retry", () => {
    const retry = activity("charge", 1, NOW + 4000);
    const decision = decideStep(facts({ requested: [retry], timers: [NOW + 9000] }));
    expect(decision).toEqual({ hold: false, write: { hold: false, wakeAt: NOW + 4000, wantedActivity: undefined } });
  });

  it("releases a run that waits only for a signal or a child with no wake time", () => {
    const decision = decideStep(facts({ changes: false }));
    expect(decision).toEqual({ hold: false, write: { hold: false, wakeAt: null, wantedActivity: undefined } });
  });

  it("does not count an attempt running here as due or as a wake time", () => {
    const decision = decideStep(facts({ requested: [runningActivity("charge", 1)], running: 1, changes: false }));
    expect(decision).toEqual({ hold: true, write: undefined, start: [], stepAgainAt: undefined });
  });

  it("releases a run due for an activity this worker lacks, wanting it now, and starts its other due attempts", () => {
    const lacking = activity("refund", 1, NOW);
    const released = decideStep(facts({ requested: [lacking], changes: false }));
    expect(released).toEqual({ hold: false, write: { hold: false, wakeAt: NOW, wantedActivity: "refund" } });

    const due = activity("charge", 2, NOW);
    const held = decideStep(facts({ requested: [lacking, due], changes: false }));
    expect(held).toMatchObject({ hold: true, write: undefined, start: [due] });
  });

  it("starts nothing while the worker stops, and lets go of a run with nothing running", () => {
    const due = activity("charge", 1, NOW);
    const decision = decideStep(facts({ requested: [due], stopping: true }));
    expect(decision).toEqual({ hold: false, write: { hold: false, wakeAt: NOW, wantedActivity: undefined } });
  });

  it("keeps a run taken up early until its wait here is over, then lets it go", () => {
    const timer = [NOW + 15];
    const waiting = decideStep(facts({ timers: timer, holdUntil: NOW + 20, changes: false }));
    expect(waiting).toEqual({ hold: true, write: undefined, start: [], stepAgainAt: NOW + 15 });

    const later = decideStep(facts({ timers: [NOW + 30], holdUntil: NOW + 20, changes: false }));
    expect(later).toMatchObject({ hold: false, write: { wakeAt: NOW + 30 } });
  });

  it("does not wait here for a timer while an activity it lacks is due, nor while stopping", () => {
    const lacking = activity("refund", 1, NOW);
    const wanting = decideStep(facts({ requested: [lacking], timers: [NOW + 15], holdUntil: NOW + 20 }));
    expect(wanting).toMatchObject({ hold: false, write: { wantedActivity: "refund", wakeAt: NOW } });

    const stopping = decideStep(facts({ timers: [NOW + 15], holdUntil: NOW + 20, stopping: true }));
    expect(stopping).toMatchObject({ hold: false, write: { wakeAt: NOW + 15 } });
  });

  it("starts nothing while the run is paused, and lets it go once no attempt runs here", () => {
    const due = activity("charge", 1, NOW);
    const held = decideStep(facts({ paused: true, requested: [due, runningActivity("ship", 0)], running: 1 }));
    expect(held).toMatchObject({ hold: true, start: [] });
    const released = decideStep(facts({ paused: true, requested: [due] }));
    expect(released).toMatchObject({ hold: false, write: { hold: false } });
  });

  it("sets no local timer while the run is paused, even for a timer past due: only its attempts' completions step it", () => {
    const held = decideStep(
      facts({ paused: true, requested: [runningActivity("ship", 0)], running: 1, timers: [NOW - 5] }),
    );
    expect(held).toMatchObject({ hold: true, start: [], stepAgainAt: undefined });
  });

  it("leaves an activity that waits for a slot of its queue to its queue: not due, no timer", () => {
    const waiting = { ...activity("charge", 1, NOW - 5), awaitingSlot: true };
    const decision = decideStep(facts({ requested: [waiting], timers: [NOW + 60_000] }));
    expect(decision).toEqual({ hold: false, write: { hold: false, wakeAt: NOW + 60_000, wantedActivity: undefined } });
  });
});
