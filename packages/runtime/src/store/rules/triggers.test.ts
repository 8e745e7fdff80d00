import { describe, expect, it } from "vitest";
import { T } from "./fixtures/steps.js";
import { debounceAfter, singletonDecision, singletonRunIds, triggerKey } from "./triggers.js";

describe("a debounce window", () => {
  const window = { periodMs: 1000, maxDelayMs: 5000 };

  it("opens at the first event and starts its run a period after the last", () => {
    const first = debounceAfter(undefined, T, window);
    expect(first).toEqual({ state: { firstAt: T, lastAt: T, fireAt: T + 1000 }, takesData: true });
    const second = debounceAfter(first.state, T + 800, window);
    expect(second).toEqual({ state: { firstAt: T, lastAt: T + 800, fireAt: T + 1800 }, takesData: true });
  });

  it("starts its run no later than maxDelay after the first event", () => {
    let state = debounceAfter(undefined, T, window).state;
    for (let at = T + 500; at <= T + 9000; at += 500) state = debounceAfter(state, at, window).state;
    expect(state.fireAt).toBe(T + 5000);
    expect(debounceAfter(undefined, T, { periodMs: 1000 }).state.fireAt).toBe(T + 1000);
  });

  it("keeps the data of the last event when an earlier one is dispatched late", () => {
    const open = debounceAfter(undefined, T + 500, window).state;
    const late = debounceAfter(open, T, window);
    expect(late).toEqual({ state: { firstAt: T, lastAt: T + 500, fireAt: T + 1500 }, takesData: false });
  });
});

describe("a singleton trigger", () => {
  const current = { key: { namespace: "ns", workflow: "wf", runId: "r1" }, status: "running" };

  it("starts a run when none runs for the key", () => {
    expect(singletonDecision("skip", undefined)).toEqual({ kind: "start" });
    for (const status of ["completed", "failed", "cancelled", "stuck"]) {
      expect(singletonDecision("skip", { ...current, status })).toEqual({ kind: "start" });
    }
  });

  it("skips the event while a run for the key runs, or cancels that run and starts anew", () => {
    expect(singletonDecision("skip", current)).toEqual({ kind: "skip" });
    expect(singletonDecision("replace", current)).toEqual({ kind: "start", cancel: current.key });
  });

  it("names the new run after the event when the trigger's run id is taken", () => {
    expect(singletonRunIds("user-1", "evt-9")).toEqual(["user-1", "user-1~evt-9"]);
  });

  it("groups events without a key under one key", () => {
    expect(triggerKey(null)).toBe("");
    expect(triggerKey("u-1")).toBe("u-1");
  });
});
