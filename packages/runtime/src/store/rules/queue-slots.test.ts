import { describe, expect, it } from "vitest";
import { type SlotCandidate, slotDecision, slotWakeNeeded, unlimited } from "./queue-slots.js";

const T = Date.UTC(2030, 0, 1);
const attempt = (runId: string, since: number, concurrencyKey: string | null = null): SlotCandidate => ({
  workflow: "order",
  runId,
  iteration: 0,
  target: "email",
  seq: 0,
  concurrencyKey,
  since,
});
const state = (held: number, limits = { concurrency: 2 }, recentStarts = 0) => ({
  limits,
  inProgress: new Map<string | null, number>(held === 0 ? [] : [[null, held]]),
  recentStarts,
});

describe("slotDecision", () => {
  it("grants a free slot to an attempt when nobody waits before it", () => {
    expect(slotDecision(attempt("a", T), [], state(1))).toEqual({ granted: true, wake: [] });
  });

  it("refuses it when every slot is held: it waits in line", () => {
    expect(slotDecision(attempt("a", T), [], state(2))).toEqual({ granted: false, wake: [] });
  });

  it("gives a freed slot to the attempt that waited longest, and wakes it instead of the one asking now", () => {
    const early = attempt("early", T - 50);
    expect(slotDecision(attempt("late", T), [early], state(1))).toEqual({ granted: false, wake: [early] });
  });

  it("grants the one asking when it waited longest, and wakes the next in line for a second free slot", () => {
    const first = attempt("first", T - 50);
    const second = attempt("second", T - 10);
    expect(slotDecision(first, [first, second], state(0))).toEqual({ granted: true, wake: [second] });
  });

  it("wakes the head of the line when a slot was given back and nobody asks", () => {
    const line = [attempt("b", T - 10), attempt("a", T - 20), attempt("c", T - 5)];
    expect(slotDecision(undefined, line, state(1)).wake.map((candidate) => candidate.runId)).toEqual(["a"]);
  });

  it("holds keyConcurrency per key and the rate limit across all, as run queues do", () => {
    const keyed = { keyConcurrency: 1 };
    const busyKey = { limits: keyed, inProgress: new Map([["t1", 1]]), recentStarts: 0 };
    expect(slotDecision(attempt("a", T, "t1"), [], busyKey).granted).toBe(false);
    expect(slotDecision(attempt("b", T, "t2"), [], busyKey).granted).toBe(true);
    const rated = { rateLimit: { limit: 3, periodMs: 1000 } };
    expect(slotDecision(attempt("a", T), [], state(0, rated as never, 3)).granted).toBe(false);
    expect(slotDecision(attempt("a", T), [], state(0, rated as never, 2)).granted).toBe(true);
  });
});

describe("unlimited", () => {
  it("is a queue without any limit: its attempts need no slot", () => {
    expect(unlimited({})).toBe(true);
    expect(unlimited({ concurrency: 1 })).toBe(false);
    expect(unlimited({ rateLimit: { limit: 1, periodMs: 1 } })).toBe(false);
  });
});

describe("slotWakeNeeded", () => {
  it("wakes a run that waits or is held, not one due already that nobody holds", () => {
    expect(slotWakeNeeded({ wakeAt: null, leaseUntil: null }, T)).toBe(true);
    expect(slotWakeNeeded({ wakeAt: T - 1, leaseUntil: T + 100 }, T)).toBe(true);
    expect(slotWakeNeeded({ wakeAt: T - 1, leaseUntil: null }, T)).toBe(false);
  });
});
