import { describe, expect, it } from "vitest";
import { shardOf } from "../../shard.js";
import { canRun, claimable, dueUnheld, inShards, runsVersion, workerTakes } from "./claim-filter.js";

const T = Date.UTC(2030, 0, 1);
const can = { workflows: ["order"], activities: ["charge"] };
const run = { workflow: "order", runId: "o-1", codeVersion: null, wantedActivity: null, wakeAt: T, leaseUntil: null };

describe("the claim filter", () => {
  it("passes a due run nobody holds that the worker can run", () => {
    expect(claimable({ can }, run, T)).toBe(true);
  });

  it("leaves a run that is not due yet, or held under a live lease, its last holder's included", () => {
    expect(dueUnheld({ wakeAt: T + 1, leaseUntil: null }, T)).toBe(false);
    expect(dueUnheld({ wakeAt: null, leaseUntil: null }, T)).toBe(false);
    expect(dueUnheld({ wakeAt: T, leaseUntil: T }, T)).toBe(false);
    expect(dueUnheld({ wakeAt: T, leaseUntil: T - 1 }, T)).toBe(true);
  });

  it("leaves a paused run, whatever its wake time", () => {
    expect(dueUnheld({ wakeAt: T, leaseUntil: null, paused: true }, T)).toBe(false);
    expect(claimable({ can }, { ...run, paused: true }, T)).toBe(false);
  });

  it("splits runs across workers by shard, from the stored shard or the run id", () => {
    const shard = shardOf("o-1");
    expect(inShards({ count: 2, index: shard % 2 }, { runId: "o-1" })).toBe(true);
    expect(inShards({ count: 2, index: (shard + 1) % 2 }, { runId: "o-1" })).toBe(false);
    expect(inShards({ count: 4, index: 3 }, { runId: "o-1", shard: 7 })).toBe(true);
    expect(inShards(undefined, { runId: "o-1" })).toBe(true);
  });

  it("runs a worker's own code version and runs pinned to none; a worker without one runs all", () => {
    expect(runsVersion("v2", "v2")).toBe(true);
    expect(runsVersion("v2", null)).toBe(true);
    expect(runsVersion("v2", undefined)).toBe(true);
    expect(runsVersion("v2", "v1")).toBe(false);
    expect(runsVersion(undefined, "v1")).toBe(true);
  });

  it("leaves runs of other workflows, and runs waiting for an activity the worker lacks", () => {
    expect(canRun(can, { workflow: "refund" })).toBe(false);
    expect(canRun(can, { workflow: "order", wantedActivity: "ship" })).toBe(false);
    expect(canRun(can, { workflow: "order", wantedActivity: "charge" })).toBe(true);
  });

  it("combines shards, version and abilities for the in-process take", () => {
    const filter = { version: "v1", can };
    expect(workerTakes(filter, { ...run, codeVersion: "v1" })).toBe(true);
    expect(workerTakes(filter, { ...run, codeVersion: "v2" })).toBe(false);
    expect(workerTakes({ ...filter, shards: { count: 1, index: 1 } }, run)).toBe(false);
  });
});
