import { describe, expect, it } from "vitest";
import { RunNotFoundError } from "../../errors.js";
import { EventType } from "../../history/index.js";
import { termination } from "./terminate.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const parent = { workflow: "batch", runId: "b-1", waits: true };
const run = (status: string, withParent = false) => ({
  status,
  iteration: 1,
  version: 7,
  parent: withParent ? parent : null,
});

describe("termination", () => {
  it("ends a running or stuck run as terminated with the reason, its lease cleared and its version one up", () => {
    for (const status of ["running", "stuck"]) {
      const ended = termination(key, run(status), "deploy gone wrong", T);
      expect(ended?.set).toMatchObject({
        status: "terminated",
        resultText: null,
        wakeAt: null,
        leaseOwner: null,
        leaseUntil: null,
        version: 8,
        updatedAt: T,
      });
      expect(JSON.parse(ended?.set.errorText ?? "null")).toEqual({
        name: "RunTerminatedError",
        code: "RUN_TERMINATED",
        message: expect.stringContaining("run o-1 was terminated by an operator: deploy gone wrong"),
      });
      expect(ended?.event).toMatchObject({ iteration: 1, pos: null, event: { type: EventType.Terminated } });
      expect(JSON.parse(ended?.event.event.payloadText ?? "null")).toEqual({ reason: "deploy gone wrong" });
    }
  });

  it("tells the parent that waits for it, as a terminated ending in the parent's inbox", () => {
    const ended = termination(key, run("running", true), "stop", T);
    expect(ended?.toParent?.key).toEqual({ namespace: "shop", workflow: "batch", runId: "b-1" });
    expect(ended?.toParent?.signal).toMatchObject({ signal: "/child", externalId: "order/o-1" });
    expect(JSON.parse(ended?.toParent?.signal.payloadText ?? "null")).toMatchObject({
      status: "terminated",
      error: { name: "RunTerminatedError" },
    });
    expect(termination(key, run("running"), "stop", T)?.toParent).toBeUndefined();
  });

  it("leaves a run that has ended, and refuses one that does not exist", () => {
    for (const status of ["completed", "failed", "cancelled", "terminated"]) {
      expect(termination(key, run(status), "stop", T)).toBeUndefined();
    }
    expect(() => termination(key, undefined, "stop", T)).toThrow(RunNotFoundError);
  });
});
