import { describe, expect, it } from "vitest";
import { RunNotFoundError } from "../../errors.js";
import { EventType, newEvent } from "../../history/index.js";
import type { SourceEvent } from "./fork.js";
import { firstFailingStep, resetting, staysConsumed } from "./reset.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const placed = (pos: number | null, event: ReturnType<typeof newEvent.created>): SourceEvent => ({ pos, ...event });
const childEnding = { runId: "k-1", status: "completed" as const, result: 1 };
const history: SourceEvent[] = [
  placed(0, newEvent.created('"in"', T)),
  placed(1, newEvent.activityRequest("charge", 0, '"c"', T + 1)),
  placed(2, newEvent.activityResult("charge", 0, '"ok"', 1, T + 2)),
  placed(3, newEvent.signalRequest("go", 0, { timeout: 10, deadline: T + 13 }, T + 3)),
  placed(4, newEvent.signalMessage("go", 0, 41, '"first"', T + 4)),
  placed(5, newEvent.childRequest("kid", 0, '{"runId":"k-1","input":1,"wait":true}', T + 5)),
  placed(6, newEvent.childResponse("kid", 0, childEnding, T + 6)),
  placed(7, newEvent.signalRequest("go", 1, { timeout: 10, deadline: T + 17 }, T + 7)),
  placed(8, newEvent.signalMessage("go", 1, 42, '"second"', T + 8)),
];
const run = {
  status: "failed",
  iteration: 3,
  version: 9,
  inputText: '"in"',
  codeVersion: "v1",
  seedIteration: null,
  paused: false,
  events: history,
};

describe("resetting", () => {
  it("starts the next iteration of the same run with the steps before toStep and their results, then a reset mark", () => {
    const reset = resetting(key, run, { toStep: 2, now: T + 100 });
    expect(reset.events.map((e) => [e.iteration, e.pos, e.event.type, e.event.target])).toEqual([
      [4, 0, EventType.Created, ""],
      [4, 1, EventType.ActivityRequest, "charge"],
      [4, 2, EventType.ActivityResponse, "charge"],
      [4, 3, EventType.SignalRequest, "go"],
      [4, 4, EventType.SignalResponse, "go"],
      [4, null, EventType.Reset, ""],
    ]);
    expect(JSON.parse(reset.events[5]?.event.payloadText ?? "null")).toEqual({
      iteration: 3,
      toStep: 2,
      version: null,
      seedIteration: 3,
    });
    expect(reset.from).toBe(3);
  });

  it("runs again from now under the fence: version one up, lease cleared, its end and cancel undone", () => {
    const reset = resetting(key, run, { toStep: 2, now: T + 100, codeVersion: "v2" });
    expect(reset.set).toMatchObject({
      iteration: 4,
      status: "running",
      version: 10,
      nextPos: 5,
      wakeAt: T + 100,
      leaseOwner: null,
      leaseUntil: null,
      resultText: null,
      errorText: null,
      cancelRequested: false,
      codeVersion: "v2",
    });
  });

  it("continues the random stream of the iteration it copied, across resets of resets", () => {
    expect(resetting(key, run, { toStep: 0, now: T }).set.seedIteration).toBe(3);
    expect(resetting(key, { ...run, seedIteration: 1 }, { toStep: 0, now: T }).set.seedIteration).toBe(1);
  });

  it("keeps consumed only the inbox rows of the copied steps, so later signals and child endings are read again", () => {
    const kept = resetting(key, run, { toStep: 2, now: T }).keptConsumed;
    expect(kept).toEqual({ signalIds: [41], childEndings: [] });
    expect(staysConsumed(kept, { id: 41, signal: "go", externalId: "e1" })).toBe(true);
    expect(staysConsumed(kept, { id: 42, signal: "go", externalId: "e2" })).toBe(false);
    const all = resetting(key, run, { toStep: 9, now: T }).keptConsumed;
    expect(all).toEqual({ signalIds: [41, 42], childEndings: ["kid/k-1"] });
    expect(staysConsumed(all, { id: 7, signal: "/child", externalId: "kid/k-1" })).toBe(true);
  });

  it("leaves a paused run without a wake time, and refuses a run that does not exist", () => {
    expect(resetting(key, { ...run, paused: true }, { toStep: 0, now: T }).set.wakeAt).toBeNull();
    expect(() => resetting(key, undefined, { toStep: 0, now: T })).toThrow(RunNotFoundError);
  });
});

describe("firstFailingStep", () => {
  it("is the step of the first activity that failed for good, or of a child that did not complete", () => {
    const failed = [
      ...history.slice(0, 3),
      placed(3, newEvent.activityRequest("ship", 0, '"s"', T + 3)),
      placed(4, newEvent.activityError("ship", 0, { name: "E", message: "no" }, 3, T + 4)),
    ];
    expect(firstFailingStep(failed)).toBe(1);
    const error = { name: "E", message: "x" };
    const childFailed = [
      ...history.slice(0, 6),
      placed(6, newEvent.childResponse("kid", 0, { runId: "k-1", status: "failed", error }, T + 6)),
    ];
    expect(firstFailingStep(childFailed)).toBe(2);
  });

  it("is the number of steps when none failed (a stuck run): every recorded step is reused", () => {
    expect(firstFailingStep(history)).toBe(4);
  });
});
