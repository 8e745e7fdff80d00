import { describe, expect, it } from "vitest";
import { type FencedRun, fenceRefusal } from "./fence.js";
import { aStep, T } from "./fixtures/steps.js";
import { leasedByOther, leaseLive } from "./lease.js";

const run = (overrides: Partial<FencedRun> = {}): FencedRun => ({
  version: 3,
  leaseOwner: null,
  leaseUntil: null,
  status: "running",
  paused: false,
  ...overrides,
});

describe("fenceRefusal", () => {
  it("lets a step through on a running run at its version that nobody else holds", () => {
    expect(fenceRefusal(aStep(), run())).toBeUndefined();
    expect(fenceRefusal(aStep(), run({ leaseOwner: "w1", leaseUntil: T + 1000 }))).toBeUndefined();
  });

  it("lets a step through over another owner's lease that ran out", () => {
    expect(fenceRefusal(aStep(), run({ leaseOwner: "w2", leaseUntil: T - 1 }))).toBeUndefined();
  });

  it("refuses a step whose run is gone, moved on, held by another live owner, or no longer running", () => {
    expect(fenceRefusal(aStep(), undefined)).toBe("the run row is gone");
    expect(fenceRefusal(aStep(), run({ version: 4 }))).toBe("another worker committed first");
    expect(fenceRefusal(aStep(), run({ leaseOwner: "w2", leaseUntil: T }))).toBe("another worker holds the lease");
    expect(fenceRefusal(aStep(), run({ status: "stuck" }))).toBe("the run is stuck");
  });

  it("refuses a step taken up without a read on a paused run, and lets a step of its holder through", () => {
    expect(fenceRefusal(aStep({ refusePaused: true }), run({ paused: true }))).toBe("the run is paused");
    expect(fenceRefusal(aStep({ refusePaused: true }), run())).toBeUndefined();
    expect(fenceRefusal(aStep(), run({ paused: true }))).toBeUndefined();
  });

  it("names the version first when several reasons hold", () => {
    const everything = run({ version: 9, leaseOwner: "w2", leaseUntil: T + 5, status: "completed" });
    expect(fenceRefusal(aStep(), everything)).toBe("another worker committed first");
  });
});

describe("leases", () => {
  it("are live up to and including their end", () => {
    expect(leaseLive({ leaseUntil: T }, T)).toBe(true);
    expect(leaseLive({ leaseUntil: T - 1 }, T)).toBe(false);
    expect(leaseLive({ leaseUntil: null }, T)).toBe(false);
  });

  it("leave a run to its own holder, and to anyone once free or expired", () => {
    expect(leasedByOther({ leaseOwner: "a", leaseUntil: T + 1 }, "b", T)).toBe(true);
    expect(leasedByOther({ leaseOwner: "a", leaseUntil: T + 1 }, "a", T)).toBe(false);
    expect(leasedByOther({ leaseOwner: "a", leaseUntil: T - 1 }, "b", T)).toBe(false);
    expect(leasedByOther({ leaseOwner: null, leaseUntil: null }, "b", T)).toBe(false);
  });
});
