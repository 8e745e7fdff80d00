import { describe, expect, it } from "vitest";
import { aStep, T } from "./fixtures/steps.js";
import { wakeAfterStep, wakeChoices, wakeOnArrival } from "./wake.js";

describe("wakeAfterStep", () => {
  it("wakes a waiting run at its next deadline, or now when something arrived since the step read its inputs", () => {
    expect(wakeAfterStep(aStep(), 2)).toBe(T + 5000);
    expect(wakeAfterStep(aStep(), 3)).toBe(T);
  });

  it("keeps a held run due now, a restarted run due now, and never wakes an ended one", () => {
    expect(wakeAfterStep(aStep({ hold: true }), 2)).toBe(T);
    expect(wakeAfterStep(aStep({ restart: { inputText: "1" } }), 2)).toBe(T);
    const end = { status: "completed" as const, resultText: "1", errorText: null };
    expect(wakeAfterStep(aStep({ end }), 3)).toBeNull();
  });

  it("has the two outcomes a database picks between from the locked row", () => {
    expect(wakeChoices(aStep())).toEqual({ ifWoken: T, otherwise: T + 5000 });
    expect(wakeChoices(aStep({ wakeAt: null }))).toEqual({ ifWoken: T, otherwise: null });
  });
});

describe("wakeOnArrival", () => {
  it("makes a started run due now unless it is due earlier already", () => {
    expect(wakeOnArrival(null, T, true)).toBe(T);
    expect(wakeOnArrival(T + 10, T, true)).toBe(T);
    expect(wakeOnArrival(T - 10, T, true)).toBe(T - 10);
  });

  it("keeps the start time of a run that has not started (a delay, a startAt)", () => {
    expect(wakeOnArrival(T + 3_600_000, T, false)).toBe(T + 3_600_000);
    expect(wakeOnArrival(T - 10, T, false)).toBe(T - 10);
  });

  it("keeps a paused run without a wake time: what arrived waits until it is unpaused", () => {
    expect(wakeOnArrival(null, T, true, true)).toBeNull();
    expect(wakeAfterStep(aStep(), 3, true)).toBeNull();
  });
});
