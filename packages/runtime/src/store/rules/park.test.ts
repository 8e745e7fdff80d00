import { describe, expect, it } from "vitest";
import { parking } from "./park.js";

const T = Date.UTC(2030, 0, 1);
const running = { status: "running", leaseOwner: "w1", leaseUntil: T + 1000, version: 4 };
const request = { owner: "w1", errorText: '{"name":"X","message":"no"}', now: T };

describe("parking", () => {
  it("parks a running run for its lease holder: stuck with the error, released, never woken, a version up", () => {
    expect(parking(running, request)).toEqual({
      status: "stuck",
      errorText: request.errorText,
      wakeAt: null,
      leaseOwner: null,
      leaseUntil: null,
      version: 5,
      updatedAt: T,
    });
  });

  it("refuses while another owner holds a live lease, and not once it ran out", () => {
    expect(parking(running, { ...request, owner: "w2" })).toBeUndefined();
    expect(parking({ ...running, leaseUntil: T - 1 }, { ...request, owner: "w2" })).toBeDefined();
  });

  it("parks a run nobody holds for whoever found the fault, unless it moved past the version seen", () => {
    const free = { ...running, leaseOwner: null, leaseUntil: null };
    expect(parking(free, { ...request, owner: "w9", version: 4 })).toBeDefined();
    expect(parking(free, { ...request, owner: "w9", version: 3 })).toBeUndefined();
  });

  it("refuses a run that is gone or no longer running", () => {
    expect(parking(undefined, request)).toBeUndefined();
    expect(parking({ ...running, status: "stuck" }, request)).toBeUndefined();
    expect(parking({ ...running, status: "completed" }, request)).toBeUndefined();
  });
});
