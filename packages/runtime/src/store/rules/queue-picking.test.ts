import { describe, expect, it } from "vitest";
import {
  claimOrder,
  decodeStarts,
  encodeStarts,
  fairOrder,
  limitsBind,
  pickQueued,
  planCandidates,
  selectCandidates,
  startsInWindow,
} from "./queue-picking.js";

const T = Date.UTC(2030, 0, 1);
const candidate = (runId: string, concurrencyKey: string | null = null, fresh = true) => ({
  workflow: "wf",
  runId,
  concurrencyKey,
  fresh,
});
const entry = (runId: string, concurrencyKey: string | null, priority = 0, wakeAt = T) => ({
  workflow: "wf",
  runId,
  concurrencyKey,
  priority,
  wakeAt,
  createdAt: T,
});
const ids = (runs: readonly { runId: string }[]) => runs.map((run) => run.runId);
const idle = { free: 10, inProgress: new Map<string | null, number>(), recentStarts: 0 };

describe("pickQueued", () => {
  it("takes at most the free room of the worker and of the queue", () => {
    const all = ["a", "b", "c", "d"].map((id) => candidate(id));
    expect(ids(pickQueued(all, {}, { ...idle, free: 2 }))).toEqual(["a", "b"]);
    const busy = new Map<string | null, number>([[null, 2]]);
    expect(ids(pickQueued(all, { concurrency: 3 }, { ...idle, inProgress: busy }))).toEqual(["a"]);
  });

  it("skips a run whose key is at its limit and goes on with the next", () => {
    const all = [candidate("a1", "a"), candidate("a2", "a"), candidate("b1", "b")];
    expect(ids(pickQueued(all, { keyConcurrency: 1 }, idle))).toEqual(["a1", "b1"]);
    const held = new Map<string | null, number>([["a", 1]]);
    expect(ids(pickQueued(all, { keyConcurrency: 1 }, { ...idle, inProgress: held }))).toEqual(["b1"]);
  });

  it("counts only new starts against the rate limit", () => {
    const all = [candidate("new-1"), candidate("old", null, false), candidate("new-2")];
    const rateLimit = { limit: 3, periodMs: 1000 };
    expect(ids(pickQueued(all, { rateLimit }, { ...idle, recentStarts: 2 }))).toEqual(["new-1", "old"]);
  });
});

describe("planCandidates", () => {
  it("reads fresh runs only up to the rate allowance left, and started runs up to the free slots", () => {
    const rateLimit = { limit: 2, periodMs: 1000 };
    expect(planCandidates({ rateLimit }, { ...idle, recentStarts: 2 })).toEqual({ resumptions: 10, starts: 0 });
    expect(planCandidates({ rateLimit, concurrency: 4 }, { ...idle, recentStarts: 1 })).toEqual({
      resumptions: 4,
      starts: 1,
    });
  });

  it("reads nothing of a key at its limit, and no more of a key than its limit", () => {
    const held = new Map<string | null, number>([
      ["a", 2],
      ["b", 1],
      [null, 5],
    ]);
    expect(planCandidates({ keyConcurrency: 2 }, { ...idle, inProgress: held })).toEqual({
      resumptions: 10,
      starts: 10,
      keys: { perKey: 2, fullKeys: ["a"] },
    });
  });

  it("says when a limit, not the worker's room, bounds the reads", () => {
    expect(limitsBind({ resumptions: 10, starts: 10 }, 10)).toBe(false);
    expect(limitsBind({ resumptions: 10, starts: 0 }, 10)).toBe(true);
    expect(limitsBind({ resumptions: 3, starts: 3 }, 10)).toBe(true);
    expect(limitsBind({ resumptions: 10, starts: 10, keys: { perKey: 1, fullKeys: ["a"] } }, 10)).toBe(true);
  });
});

describe("selectCandidates", () => {
  const due = (runId: string, key: string | null, fresh: boolean, wakeAt = T) => ({
    ...entry(runId, key, 0, wakeAt),
    fresh,
  });

  it("selects started runs apart from fresh ones, so a backlog of fresh runs hides none of them", () => {
    const backlog = Array.from({ length: 100 }, (_, i) => due(`f${i}`, null, true));
    const woken = due("woken", null, false, T + 500);
    expect(ids(selectCandidates([...backlog, woken], { resumptions: 4, starts: 0 }))).toEqual(["woken"]);
    expect(ids(selectCandidates([...backlog, woken], { resumptions: 4, starts: 2 }))).toEqual(["woken", "f0", "f1"]);
  });

  it("leaves out the runs of full keys and each key's runs past its limit", () => {
    const runs = [due("a1", "a", true), due("b1", "b", true), due("b2", "b", true), due("c1", "c", true)];
    const plan = { resumptions: 5, starts: 5, keys: { perKey: 1, fullKeys: ["a"] } };
    expect(ids(selectCandidates(runs, plan))).toEqual(["b1", "c1"]);
  });
});

describe("claimOrder", () => {
  it("takes a started run before fresh ones of its priority, never before a higher priority", () => {
    const runs = [
      { ...entry("fresh", null, 0, T), fresh: true },
      { ...entry("started", null, 0, T + 9), fresh: false },
      { ...entry("urgent", null, -1, T + 50), fresh: true },
    ];
    expect(ids(claimOrder(runs, false))).toEqual(["urgent", "started", "fresh"]);
  });
});

describe("fairOrder", () => {
  it("takes each key's first run, then each key's second, so a long key does not starve a short one", () => {
    const due = [entry("a1", "a"), entry("a2", "a"), entry("a3", "a"), entry("b1", "b"), entry("c1", "c")];
    expect(ids(fairOrder(due))).toEqual(["a1", "b1", "c1", "a2", "a3"]);
  });

  it("orders by priority, then wake time, within a rank", () => {
    const due = [entry("late", "a", 0, T + 5), entry("low", "b", 5), entry("early", "c", 0, T)];
    expect(ids(fairOrder(due))).toEqual(["early", "late", "low"]);
  });
});

describe("the rate window", () => {
  it("keeps the starts inside the sliding window, and none without a rate limit", () => {
    const limits = { rateLimit: { limit: 5, periodMs: 1000 } };
    expect(startsInWindow([T - 1000, T - 999, T], limits, T)).toEqual([T - 999, T]);
    expect(startsInWindow([T], {}, T)).toEqual([]);
  });

  it("stores its start times as text and reads them back, skipping what is not a number", () => {
    expect(decodeStarts(encodeStarts([T, T + 1]))).toEqual([T, T + 1]);
    expect(decodeStarts(null)).toEqual([]);
    expect(decodeStarts(`${T},x`)).toEqual([T]);
  });
});
