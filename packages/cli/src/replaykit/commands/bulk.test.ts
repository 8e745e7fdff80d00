import { describe, expect, it } from "vitest";
import { bar, progressLine } from "./bulk.js";

describe("the bulk progress", () => {
  const progress = { batchId: "b", matched: 250, done: 90, skipped: 8, failed: 2, failures: [] };

  it("counts the runs acted on, of those matched, with how each went", () => {
    expect(progressLine(progress)).toBe("100/250 runs (90 done, 8 skipped, 2 failed)");
  });

  it("draws a bar of 20 cells with the share done", () => {
    expect(bar(progress)).toBe(`[${"█".repeat(8)}${"░".repeat(12)}]  40%`);
    expect(bar({ ...progress, matched: 0, done: 0, skipped: 0, failed: 0 })).toBe(`[${"█".repeat(20)}] 100%`);
  });
});
