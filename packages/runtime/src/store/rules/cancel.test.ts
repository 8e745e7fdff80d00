import { describe, expect, it } from "vitest";
import { cancelRequest } from "./cancel.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "ns", workflow: "wf", runId: "r1" };
const run = {
  status: "running",
  iteration: 0,
  version: 0,
  nextPos: 1,
  cancelRequested: false,
  wakeAt: T + 60_000,
  leaseUntil: null,
  parent: null,
};

describe("cancelRequest", () => {
  it("ends a run that never ran and nobody holds at once, before its start time or slot", () => {
    const decision = cancelRequest(key, run, T);
    expect(decision).toMatchObject({ kind: "end", end: { status: "cancelled" }, version: 1, nextPos: 2 });
    if (decision.kind !== "end") return;
    expect(decision.events.map((placed) => [placed.event.type, placed.pos])).toEqual([
      ["cancel_requested", null],
      ["cancelled", 1],
    ]);
    expect(decision.toParent).toBeUndefined();
  });

  it("tells a parent that waits for it of that ending", () => {
    const decision = cancelRequest(key, { ...run, parent: { workflow: "p", runId: "p1", waits: true } }, T);
    expect(decision).toMatchObject({ kind: "end", toParent: { key: { workflow: "p", runId: "p1" } } });
  });

  it("marks and wakes a run that started, or that a worker holds, for its workflow to see", () => {
    expect(cancelRequest(key, { ...run, version: 3 }, T)).toMatchObject({ kind: "request", wakeAt: T });
    expect(cancelRequest(key, { ...run, leaseUntil: T + 10 }, T)).toMatchObject({ kind: "request", wakeAt: T });
  });

  it("does nothing to a run that ended or was asked before", () => {
    expect(cancelRequest(key, { ...run, status: "completed" }, T)).toEqual({ kind: "none" });
    expect(cancelRequest(key, { ...run, version: 2, cancelRequested: true }, T)).toEqual({ kind: "none" });
  });
});
