import { describe, expect, it } from "vitest";
import { hasTags, runMatches } from "./run-filter.js";

const T = Date.UTC(2030, 0, 1);
const run = {
  workflow: "order",
  runId: "o-17",
  status: "running",
  codeVersion: "v2",
  queue: "orders",
  createdAt: T,
  tags: { customer: "c-1", plan: "pro", seats: 5, trial: false },
};

describe("runMatches", () => {
  it("passes a run that meets every condition given, and any run with none", () => {
    expect(runMatches(run, {})).toBe(true);
    expect(
      runMatches(run, {
        workflow: "order",
        status: "running",
        version: "v2",
        queue: "orders",
        createdAfter: new Date(T - 1),
        createdBefore: new Date(T + 1),
        runIdPrefix: "o-",
        tags: { customer: "c-1", seats: 5 },
      }),
    ).toBe(true);
  });

  it("fails a run that misses any one of them", () => {
    for (const filter of [
      { workflow: "refund" },
      { status: "completed" as const },
      { version: "v1" },
      { queue: "other" },
      { createdAfter: new Date(T) },
      { createdBefore: new Date(T) },
      { runIdPrefix: "x" },
      { tags: { customer: "c-2" } },
    ]) {
      expect(runMatches(run, filter), JSON.stringify(filter)).toBe(false);
    }
  });
});

describe("hasTags", () => {
  it("compares values with their type: the string 5 is not the number 5, false is a value", () => {
    expect(hasTags(run.tags, { seats: 5, trial: false })).toBe(true);
    expect(hasTags(run.tags, { seats: "5" })).toBe(false);
    expect(hasTags(run.tags, { missing: false })).toBe(false);
    expect(hasTags({}, undefined)).toBe(true);
  });
});
