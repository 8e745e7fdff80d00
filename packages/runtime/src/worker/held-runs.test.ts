import { describe, expect, it } from "vitest";
import { runKeyId } from "../history/index.js";
import { createMemoryStore } from "../store/memory/index.js";
import type { ClaimedRun } from "../store/types.js";
import { HeldRuns } from "./held-runs.js";

const key = { namespace: "ns", workflow: "wf", runId: "r1" };
const claimAt = (version: number) => ({ ...key, version }) as ClaimedRun;

function heldRuns(): HeldRuns {
  return new HeldRuns(4, { store: createMemoryStore(), owner: "w1", now: () => 0 });
}

describe("HeldRuns.isStale", () => {
  it("calls a claim stale when the run was let go of here at a later version during the claim round", () => {
    const held = heldRuns();
    held.beginClaimRound();
    held.letGo(runKeyId(key), { version: 3 });
    expect(held.isStale(claimAt(1))).toBe(true);
    expect(held.isStale(claimAt(3))).toBe(false);
    expect(held.isStale(claimAt(4))).toBe(false);
  });

  it("forgets what was let go of once the claim round ends, and remembers nothing between rounds", () => {
    const held = heldRuns();
    held.beginClaimRound();
    held.letGo(runKeyId(key), { version: 3 });
    held.endClaimRound();
    expect(held.isStale(claimAt(1))).toBe(false);
    held.letGo(runKeyId(key), { version: 5 });
    held.beginClaimRound();
    expect(held.isStale(claimAt(1))).toBe(false);
  });
});
