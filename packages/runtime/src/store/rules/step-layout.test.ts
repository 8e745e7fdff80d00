import { describe, expect, it } from "vitest";
import { newEvent } from "../../history/index.js";
import { aStep, T } from "./fixtures/steps.js";
import { runAfterStep, stepEvents } from "./step-layout.js";

const request = newEvent.activityRequest("charge", 0, '"c"', T);
const output = newEvent.output("o", 0, "1", T);

describe("stepEvents", () => {
  it("places the step's events from its first position on", () => {
    expect(stepEvents(aStep({ events: [request, output] }))).toEqual({
      events: [
        { iteration: 0, pos: 5, event: request },
        { iteration: 0, pos: 6, event: output },
      ],
      nextPos: 7,
    });
  });

  it("starts a restart's next iteration with its created event, at position 0", () => {
    const restarted = newEvent.restarted('{"n":2}', T);
    const step = aStep({ events: [restarted], restart: { inputText: '{"n":2}' } });
    expect(stepEvents(step)).toEqual({
      events: [
        { iteration: 0, pos: 5, event: restarted },
        { iteration: 1, pos: 0, event: newEvent.created('{"n":2}', T) },
      ],
      nextPos: 1,
    });
  });
});

describe("runAfterStep", () => {
  it("bumps the version, releases the lease and clears the stalls of a run that waits", () => {
    expect(runAfterStep(aStep({ events: [request], wantedActivity: "ship" }))).toEqual({
      version: 4,
      iteration: 0,
      nextPos: 6,
      status: undefined,
      wake: { ifWoken: T, otherwise: T + 5000 },
      leaseOwner: null,
      leaseUntil: null,
      wantedActivity: "ship",
      stalls: 0,
      stallMark: false,
      updatedAt: T,
      outcome: undefined,
      inputText: undefined,
    });
  });

  it("keeps the lease with the owner while activities run here", () => {
    expect(runAfterStep(aStep({ hold: true }))).toMatchObject({ leaseOwner: "w1", leaseUntil: T + 30_000 });
  });

  it("ends the run with its result, and releases it", () => {
    const end = { status: "failed" as const, resultText: null, errorText: '{"name":"E","message":"x"}' };
    expect(runAfterStep(aStep({ hold: true, end }))).toMatchObject({
      status: "failed",
      leaseOwner: null,
      wake: { ifWoken: null, otherwise: null },
      outcome: { resultText: null, errorText: end.errorText },
    });
  });

  it("starts the next iteration on a restart, with its input and no result", () => {
    expect(runAfterStep(aStep({ restart: { inputText: '{"n":2}' } }))).toMatchObject({
      iteration: 1,
      nextPos: 1,
      status: undefined,
      outcome: { resultText: null, errorText: null },
      inputText: '{"n":2}',
    });
  });
});
