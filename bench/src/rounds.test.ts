import { describe, expect, it } from "vitest";
import type { WorkloadId } from "./args.js";
import { Results } from "./results.js";
import { aggregateRounds, median, schedule, spread } from "./rounds.js";
import { renderTable } from "./table.js";

const W1 = { workload: "W1", metric: "N=10 per-step p50", unit: "ms", better: "lower" as const };
const W4 = { workload: "W4", metric: "signal -> resume p50", unit: "ms", better: "lower" as const };

function round(values: { w1?: [number, number]; w4?: number }): Results {
  const results = new Results();
  if (values.w1) {
    results.set("replaykit", W1, values.w1[0]);
    results.set("dbos", W1, values.w1[1]);
  }
  if (values.w4 !== undefined) results.set("replaykit", W4, values.w4);
  results.detail("marker", values);
  return results;
}

describe("the order of the rounds", () => {
  it("runs round 1 of every selected workload before round 2 of any", () => {
    const turns = schedule(new Set<WorkloadId>(["W4", "W1", "W6"]), 2);
    expect(turns.map((t) => `${t.round}:${t.workload}`)).toEqual(["1:W1", "1:W4", "1:W6", "2:W1", "2:W4", "2:W6"]);
  });

  it("measures the floor at the start and at the end of every round when other workloads run", () => {
    const turns = schedule(new Set<WorkloadId>(["floor", "W1"]), 2);
    expect(turns.map((t) => `${t.round}:${t.workload}`)).toEqual([
      "1:floor",
      "1:W1",
      "1:floor",
      "2:floor",
      "2:W1",
      "2:floor",
    ]);
  });

  it("measures the floor once per round when it runs alone", () => {
    expect(schedule(new Set<WorkloadId>(["floor"]), 3).map((t) => t.round)).toEqual([1, 2, 3]);
  });
});

describe("the median and the spread", () => {
  it("takes the middle value of an odd count and the mean of the two middle values of an even one", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("ignores values that are not finite, and is NaN when none is left", () => {
    expect(median([Number.NaN, 5, 1])).toBe(3);
    expect(median([])).toBeNaN();
    expect(spread([Number.NaN])).toBeUndefined();
  });

  it("gives the smallest and the largest value", () => {
    expect(spread([1.7, 1.5, 1.6])).toEqual({ min: 1.5, max: 1.7 });
  });
});

describe("aggregating the rounds", () => {
  const rounds = [round({ w1: [1.6, 1.9], w4: 2.4 }), round({ w1: [1.4, 2.1] }), round({ w1: [1.5, 1.7], w4: 2.0 })];
  const combined = aggregateRounds(rounds);

  it("reports each system's median over the rounds and keeps every round's value in round order", () => {
    const row = combined.get("W1", W1.metric);
    expect(row?.replaykit).toBe(1.5);
    expect(row?.dbos).toBe(1.9);
    expect(row?.perRound).toEqual({ replaykit: [1.6, 1.4, 1.5], dbos: [1.9, 2.1, 1.7] });
  });

  it("takes the median over the rounds that measured a row and marks the others undefined", () => {
    const row = combined.get("W4", W4.metric);
    expect(row?.replaykit).toBe(2.2);
    expect(row?.dbos).toBeUndefined();
    expect(row?.perRound).toEqual({ replaykit: [2.4, undefined, 2.0] });
  });

  it("keeps the rows in the order they were first written and leaves the rounds' details with them", () => {
    expect(combined.rows.map((r) => r.workload)).toEqual(["W1", "W4"]);
    expect(combined.details).toEqual({});
  });

  it("prints each system's min–max beside the medians when there are several rounds", () => {
    const table = renderTable(combined, 3).split("\n");
    expect(table[0]).toContain("replaykit min–max | DBOS min–max |");
    expect(table[2]).toBe(
      "| W1 | N=10 per-step p50 | ms | 1.50 | 1.90 | 0.79 | lower | replaykit | 1.40–1.60 | 1.70–2.10 |",
    );
    expect(renderTable(combined, 1)).not.toContain("min–max");
  });

  it("writes a range with a negative end with words, not a dash", () => {
    const cost = { workload: "W1", metric: "gzip+AES cost", unit: "%", better: "lower" as const };
    const rounds = [-1.5, -0.5].map((value) => {
      const results = new Results();
      results.set("replaykit", cost, value);
      return results;
    });
    expect(renderTable(aggregateRounds(rounds), 2)).toContain("| -1.00 | – | – | lower |  | -1.50 to -0.50 | – |");
  });
});
