import { describe, expect, it } from "vitest";
import {
  childrenToCancelOnEnd,
  childStart,
  endingToParent,
  readsExistingChild,
  readsWaitChain,
  waitCycle,
} from "./children.js";

const T = Date.UTC(2030, 0, 1);
const parent = { namespace: "shop", workflow: "batch", runId: "b-1" };
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const child = { key, inputText: '"in"', waits: true, queue: "orders" };
const existing = (status: string, own: { workflow: string; runId: string } | null = null) => ({
  status,
  resultText: status === "completed" ? "42" : null,
  errorText: status === "failed" ? '{"name":"E","message":"no"}' : null,
  parent: own,
});
const toParent = (payloadText: string) => ({
  kind: "deliver",
  ending: { key: parent, signal: { signal: "/child", externalId: "order/o-1", payloadText } },
});

describe("childStart", () => {
  it("creates a child whose key is free, linked to its parent, with the start's options", () => {
    const decision = childStart(child, parent, undefined, T);
    expect(decision.kind).toBe("create");
    if (decision.kind !== "create") return;
    expect(decision.creation.row).toMatchObject({
      ...key,
      inputText: '"in"',
      queue: "orders",
      parent: { workflow: "batch", runId: "b-1", waits: true },
      createdAt: T,
    });
  });

  it("links a child that runs (or is stuck) to the parent that waits for it", () => {
    const link = { kind: "link", parent: { workflow: "batch", runId: "b-1", waits: true } };
    expect(childStart(child, parent, existing("running"), T)).toEqual(link);
    expect(childStart(child, parent, existing("stuck", parent), T)).toEqual(link);
  });

  it("delivers the ending of a child that ended before it was started as one", () => {
    expect(childStart(child, parent, existing("completed"), T)).toEqual(toParent('{"status":"completed","result":42}'));
    expect(childStart(child, parent, existing("failed"), T)).toEqual(
      toParent('{"status":"failed","error":{"name":"E","message":"no"}}'),
    );
  });

  it("delivers a failure for a child that reports to another parent", () => {
    const decision = childStart(child, parent, existing("running", { workflow: "batch", runId: "b-2" }), T);
    expect(decision.kind).toBe("deliver");
    if (decision.kind !== "deliver") return;
    expect(JSON.parse(decision.ending.signal.payloadText)).toMatchObject({
      status: "failed",
      error: { name: "ChildWorkflowError", message: expect.stringContaining("reports to parent batch/b-2") },
    });
  });

  it("leaves an existing child alone when the parent does not wait, and then needs no read of it", () => {
    expect(childStart({ ...child, waits: false }, parent, existing("completed"), T)).toEqual({ kind: "nothing" });
    expect(readsExistingChild({ ...child, waits: false })).toBe(false);
    expect(readsExistingChild(child)).toBe(true);
  });
});

describe("endingToParent", () => {
  const end = { status: "completed" as const, resultText: "7", errorText: null };

  it("tells the parent that waits how its child ended", () => {
    expect(endingToParent(key, { workflow: "batch", runId: "b-1", waits: true }, end)).toEqual(
      toParent('{"status":"completed","result":7}').ending,
    );
  });

  it("tells nobody when the step does not end the run or no parent waits", () => {
    expect(endingToParent(key, { workflow: "batch", runId: "b-1", waits: true }, undefined)).toBeUndefined();
    expect(endingToParent(key, { workflow: "batch", runId: "b-1", waits: false }, end)).toBeUndefined();
    expect(endingToParent(key, null, end)).toBeUndefined();
  });
});

describe("a child start that would close a cycle of waiting runs", () => {
  it("delivers a ChildCycleError failure instead of linking a run that waits for the parent", () => {
    const grandparent = { workflow: "order", runId: "o-1" };
    const decision = childStart(child, parent, existing("running"), T, [grandparent]);
    expect(decision.kind).toBe("deliver");
    if (decision.kind !== "deliver") return;
    expect(JSON.parse(decision.ending.signal.payloadText)).toMatchObject({
      status: "failed",
      error: {
        name: "ChildCycleError",
        code: "CHILD_CYCLE",
        message: expect.stringContaining("batch/b-1 → order/o-1 → batch/b-1"),
      },
    });
  });

  it("links it when the run is not up the parent's chain of waiting runs", () => {
    const other = [{ workflow: "batch", runId: "b-0" }];
    expect(childStart(child, parent, existing("running"), T, other)).toMatchObject({ kind: "link" });
  });

  it("reads the chain only for a run it would link, and lists a cycle in waits-for order", () => {
    expect(readsWaitChain(child, existing("running"))).toBe(true);
    expect(readsWaitChain(child, existing("running", { workflow: "x", runId: "y" }))).toBe(false);
    expect(readsWaitChain({ ...child, waits: false }, existing("running"))).toBe(false);
    expect(readsWaitChain(child, existing("completed"))).toBe(false);
    const a = { workflow: "a", runId: "1" };
    const b = { workflow: "b", runId: "2" };
    const c = { workflow: "c", runId: "3" };
    expect(waitCycle(a, [a])).toEqual([a]);
    expect(waitCycle(c, [a, b, c])).toEqual([a, c, b]);
    expect(waitCycle(c, [a, b])).toBeUndefined();
  });
});

describe("the parent close policy", () => {
  it("asks every child the ending run still waits for to cancel, each once", () => {
    const a = { namespace: "shop", workflow: "refund", runId: "r-1" };
    const b = { namespace: "shop", workflow: "refund", runId: "r-2" };
    expect(childrenToCancelOnEnd([a], [a, b])).toEqual([a, b]);
    expect(childrenToCancelOnEnd([], [])).toEqual([]);
  });
});
