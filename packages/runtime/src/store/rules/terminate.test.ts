import { describe, expect, it } from "vitest";
import { RunNotFoundError } from "../../errors.js";
import { EventType, newEvent } from "../../history/index.js";
import type { SourceEvent } from "./fork.js";
import { termination, waitedChildrenIn } from "./terminate.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const parent = { workflow: "batch", runId: "b-1", waits: true };
const run = (status: string, withParent = false, events: SourceEvent[] = []) => ({
  status,
  iteration: 1,
  version: 7,
  parent: withParent ? parent : null,
  events,
});
const placed = (pos: number, event: ReturnType<typeof newEvent.created>): SourceEvent => ({ pos, ...event });

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

describe("the children a terminated run waits for", () => {
  it("are asked to cancel (the parent close policy): those it waits for and no answer came for", () => {
    const events = [
      placed(1, newEvent.childRequest("ship", 0, '{"runId":"s-1","input":1,"wait":true}', T)),
      placed(2, newEvent.childRequest("ship", 1, '{"runId":"s-2","input":2,"wait":true}', T)),
      placed(3, newEvent.childRequest("mail", 0, '{"runId":"m-1","input":3,"wait":false}', T)),
      placed(4, newEvent.childResponse("ship", 0, { runId: "s-1", status: "completed", result: 1 }, T)),
    ];
    expect(waitedChildrenIn("shop", events)).toEqual([{ namespace: "shop", workflow: "ship", runId: "s-2" }]);
    expect(termination(key, run("running", false, events), "stop", T)?.cancelChildren).toEqual([
      { namespace: "shop", workflow: "ship", runId: "s-2" },
    ]);
  });

  it("read a child request's opened text when its stored text is encoded (a client's codecs)", () => {
    const request = newEvent.childRequest("ship", 0, '{"runId":"s-9","input":1,"wait":true}', T);
    const encoded = { ...request, payloadText: '{"$encoded":{"v":1,"codecs":["gzip"],"size":9,"data":"AA=="}}' };
    const events = [{ pos: 1, ...encoded, openText: request.payloadText }];
    expect(waitedChildrenIn("shop", events)).toEqual([{ namespace: "shop", workflow: "ship", runId: "s-9" }]);
  });
});
