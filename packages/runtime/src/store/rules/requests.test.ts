import { describe, expect, it } from "vitest";
import { RunEndedError, RunNotFoundError } from "../../errors.js";
import type { RequestState, RequestWrite } from "../request-records.js";
import { requestArrival, requestsAtEnd, requestWriteRefusal, runAfterRequest, withdrawal } from "./requests.js";

const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const update = { kind: "update" as const, name: "approve" };
const done: RequestState = { status: "completed", resultText: "1", errorText: null };

describe("a client's request", () => {
  it("is stored for a running or stuck run", () => {
    expect(requestArrival(key, update, { status: "running" }, undefined)).toEqual({ add: true });
    expect(requestArrival(key, update, { status: "stuck" }, undefined)).toEqual({ add: true });
  });

  it("with an id stored before is answered with that request, even once the run ended", () => {
    expect(requestArrival(key, update, { status: "running" }, done)).toEqual({ add: false, state: done });
    expect(requestArrival(key, update, { status: "completed" }, done)).toEqual({ add: false, state: done });
  });

  it("to a run that does not exist or ended is refused", () => {
    expect(() => requestArrival(key, update, undefined, undefined)).toThrow(RunNotFoundError);
    expect(() => requestArrival(key, update, { status: "failed" }, undefined)).toThrow(RunEndedError);
    expect(() => requestArrival(key, { kind: "query", name: "status" }, { status: "cancelled" }, undefined)).toThrow(
      'query "status" cannot be answered',
    );
  });

  it("moves the run's generations, and makes a running run due now unless it is due earlier or has not started", () => {
    const run = { status: "running", version: 3, wakeAt: 5000, wakeGen: 2, requestGen: 0 };
    expect(runAfterRequest(run, 100)).toEqual({ wakeAt: 100, wakeGen: 3, requestGen: 1 });
    expect(runAfterRequest({ ...run, wakeAt: 50 }, 100)).toMatchObject({ wakeAt: 50 });
    expect(runAfterRequest({ ...run, wakeAt: null }, 100)).toMatchObject({ wakeAt: 100 });
    // A run that has not started keeps its start time (a delayed start), as for a signal.
    expect(runAfterRequest({ ...run, version: 0, wakeAt: 5000 }, 100)).toMatchObject({ wakeAt: 5000 });
    expect(runAfterRequest({ ...run, status: "stuck", wakeAt: null }, 100)).toEqual({
      wakeAt: null,
      wakeGen: 3,
      requestGen: 1,
    });
  });
});

describe("a step's write of a request", () => {
  const write = (overrides: Partial<RequestWrite>): RequestWrite => ({
    requestId: "u1",
    kind: "update",
    name: "approve",
    from: "requested",
    status: "accepted",
    inputText: null,
    resultText: null,
    errorText: null,
    ...overrides,
  });

  it("passes when the request is as the step found it, or new when the step took it up in-process", () => {
    expect(requestWriteRefusal(write({}), "requested")).toBeUndefined();
    expect(requestWriteRefusal(write({ from: "accepted", status: "completed" }), "accepted")).toBeUndefined();
    expect(requestWriteRefusal(write({ from: undefined, inputText: "1" }), undefined)).toBeUndefined();
  });

  it("refuses the step for an update its caller withdrew, or one that moved on, and drops a query's answer", () => {
    expect(requestWriteRefusal(write({}), undefined)).toBe("update request u1 was withdrawn by its caller");
    expect(requestWriteRefusal(write({}), "rejected")).toBe("update request u1 is rejected, not requested");
    expect(requestWriteRefusal(write({ from: undefined }), "requested")).toBe("update request u1 exists already");
    expect(requestWriteRefusal(write({ kind: "query", status: "completed" }), undefined)).toBeUndefined();
  });

  it("drops the outcome of an update with no row, as in a fork of the run that accepted it", () => {
    expect(requestWriteRefusal(write({ from: "accepted", status: "completed" }), undefined)).toBeUndefined();
  });
});

describe("the end of a run", () => {
  it("ends the requests no worker took up and fails the updates whose handler runs, saying why", () => {
    const atEnd = requestsAtEnd(key, { status: "completed" });
    expect(atEnd.requested.status).toBe("ended");
    expect(atEnd.accepted.status).toBe("failed");
    expect(JSON.parse(atEnd.requested.errorText ?? "")).toMatchObject({
      name: "RunEndedError",
      code: "RUN_ENDED",
      message: "run shop/order/o-1 ended (completed) before a worker took the request up",
    });
    expect(JSON.parse(atEnd.accepted.errorText ?? "").message).toContain("before the handler of this update finished");
  });
});

describe("a caller that gives up", () => {
  it("withdraws a request no worker took up, and leaves one that was", () => {
    const requested: RequestState = { status: "requested", resultText: null, errorText: null };
    expect(withdrawal(requested)).toEqual({ deletes: true, state: requested });
    expect(withdrawal(done)).toEqual({ deletes: false, state: done });
    expect(withdrawal(undefined)).toEqual({ deletes: false, state: undefined });
  });
});
