import { describe, expect, it } from "vitest";
import { leasableByKey, leasedByOther } from "./lease.js";

describe("leasableByKey", () => {
  it("lets an owner lease by key a run nobody holds, or one its own claim leased, and no other's", () => {
    expect(leasableByKey({ leaseOwner: null }, "w1")).toBe(true);
    expect(leasableByKey({ leaseOwner: "w1" }, "w1")).toBe(true);
    expect(leasableByKey({ leaseOwner: "w2" }, "w1")).toBe(false);
  });
});

describe("leasedByOther", () => {
  it("is true only while another owner's lease is live", () => {
    expect(leasedByOther({ leaseOwner: "w2", leaseUntil: 100 }, "w1", 100)).toBe(true);
    expect(leasedByOther({ leaseOwner: "w2", leaseUntil: 99 }, "w1", 100)).toBe(false);
    expect(leasedByOther({ leaseOwner: "w1", leaseUntil: 200 }, "w1", 100)).toBe(false);
    expect(leasedByOther({ leaseOwner: null, leaseUntil: null }, "w1", 100)).toBe(false);
  });
});
