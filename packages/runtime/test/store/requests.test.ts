import { expect, it } from "vitest";
import { newEvent, RunEndedError, type RunKey, RunNotFoundError } from "../../src/index.js";
import type { NewRequest, RequestWrite } from "../../src/store/request-records.js";
import { requestsAtEnd } from "../../src/store/rules/requests.js";
import { CAN, conformance, fresh, step, T } from "./harness.js";

const update = (requestId: string, inputText = "1"): NewRequest => ({
  requestId,
  kind: "update",
  name: "add",
  inputText,
});
const query = (requestId: string): NewRequest => ({ requestId, kind: "query", name: "total", inputText: "null" });

/** A step's write of request `requestId`, found as `from`, to `status`. */
function written(requestId: string, overrides: Partial<RequestWrite> = {}): RequestWrite {
  return {
    requestId,
    kind: "update",
    name: "add",
    from: "requested",
    status: "accepted",
    inputText: null,
    resultText: null,
    errorText: null,
    ...overrides,
  };
}

conformance("update and query requests", ({ store, create }) => {
  /** A run that a worker let go of to wait for a timer far away, at version 1. */
  async function waitingRun(prefix: string): Promise<RunKey> {
    const run = fresh(prefix);
    await create(run);
    await store.commit([step(run, { wakeAt: T + 3_600_000 })]);
    return run;
  }

  it("are stored once per id, wake the run and move its generations", async () => {
    const run = await waitingRun("req");
    expect(await store.addRequest(run, update("u1"), T + 20)).toEqual({ added: true });
    expect(await store.addRequest(run, update("u1", "99"), T + 21)).toEqual({
      added: false,
      state: { status: "requested", resultText: null, errorText: null },
    });
    expect(await store.readRun(run, "w1", T + 30)).toMatchObject({ wakeGen: 1, requestGen: 1 });
    const due = await store.claim({ can: CAN, namespace: "conf", owner: "w2", now: T + 30, leaseMs: 1000, limit: 100 });
    expect(due.find((claimed) => claimed.runId === run.runId)).toMatchObject({ requestGen: 1 });
    expect(await store.heldRuns([run])).toEqual([
      { key: run, wakeGen: 1, requestGen: 1, cancelRequested: false, paused: false, status: "running", version: 1 },
    ]);
    expect((await store.loadRequests(run)).map((request) => [request.requestId, request.inputText])).toEqual([
      ["u1", "1"],
    ]);
  });

  it("are refused by a run that does not exist or ended, unless the id was stored before", async () => {
    await expect(store.addRequest(fresh("none"), update("u1"), T)).rejects.toThrow(RunNotFoundError);
    const run = await waitingRun("ended");
    await store.addRequest(run, update("u1"), T + 20);
    const end = { status: "completed" as const, resultText: "1", errorText: null };
    await store.commit([step(run, { expectedVersion: 1, now: T + 30, end })]);
    await expect(store.addRequest(run, update("u2"), T + 40)).rejects.toThrow(RunEndedError);
    await expect(store.addRequest(run, query("q1"), T + 40)).rejects.toThrow('query "total" cannot be answered');
    expect(await store.addRequest(run, update("u1"), T + 40)).toMatchObject({
      added: false,
      state: { status: "ended" },
    });
  });

  it("are answered by a step: accepted, then completed; rejected; new rows of updates taken up in-process", async () => {
    const run = await waitingRun("answer");
    for (const id of ["u1", "u2"]) await store.addRequest(run, update(id), T + 20);
    const [first] = await store.commit([
      step(run, {
        expectedVersion: 1,
        observedWakeGen: 2,
        events: [newEvent.updateAccepted("add", 0, "u1", "1", T + 30)],
        requestWrites: [
          written("u1"),
          written("u2", { status: "rejected", errorText: '{"name":"Error","message":"no"}' }),
          written("l1", { from: undefined, inputText: "5", status: "completed", resultText: "6" }),
        ],
      }),
    ]);
    expect(first).toMatchObject({ ok: true, requestGen: 2 });
    expect(await store.readRequest(run, "u1")).toEqual({ status: "accepted", resultText: null, errorText: null });
    expect(await store.readRequest(run, "u2")).toMatchObject({ status: "rejected" });
    expect(await store.readRequest(run, "l1")).toEqual({ status: "completed", resultText: "6", errorText: null });
    expect(await store.loadRequests(run)).toEqual([]);
    await store.commit([
      step(run, {
        expectedVersion: 2,
        firstPos: 2,
        requestWrites: [written("u1", { from: "accepted", status: "completed", resultText: "2" })],
      }),
    ]);
    expect(await store.readRequest(run, "u1")).toEqual({ status: "completed", resultText: "2", errorText: null });
  });

  it("refuse a step that answers an update its caller withdrew, and drop a withdrawn query's answer", async () => {
    const run = await waitingRun("withdrawn");
    await store.addRequest(run, update("u1"), T + 20);
    await store.addRequest(run, query("q1"), T + 20);
    expect(await store.withdrawRequest(run, "u1")).toMatchObject({ status: "requested" });
    expect(await store.withdrawRequest(run, "q1")).toMatchObject({ status: "requested" });
    expect(await store.readRequest(run, "u1")).toBeUndefined();
    const events = [newEvent.updateAccepted("add", 0, "u1", "1", T + 30)];
    const [refused] = await store.commit([
      step(run, { expectedVersion: 1, observedWakeGen: 2, events, requestWrites: [written("u1")] }),
    ]);
    expect(refused).toEqual({ ok: false, reason: "update request u1 was withdrawn by its caller" });
    expect((await store.loadHistory(run, 0)).map((event) => event.type)).toEqual(["created"]);
    const answer = written("q1", { kind: "query", name: "total", status: "completed", resultText: "3" });
    const [answered] = await store.commit([
      step(run, { expectedVersion: 1, observedWakeGen: 2, requestWrites: [answer] }),
    ]);
    expect(answered).toMatchObject({ ok: true });
    expect(await store.readRequest(run, "q1")).toBeUndefined();
  });

  it("are withdrawn only while no worker took them up, and forgotten whatever their status", async () => {
    const run = await waitingRun("withdraw");
    await store.addRequest(run, update("u1"), T + 20);
    await store.commit([step(run, { expectedVersion: 1, observedWakeGen: 1, requestWrites: [written("u1")] })]);
    expect(await store.withdrawRequest(run, "u1")).toMatchObject({ status: "accepted" });
    expect(await store.readRequest(run, "u1")).toMatchObject({ status: "accepted" });
    expect(await store.withdrawRequest(run, "none")).toBeUndefined();
    await store.forgetRequest(run, "u1");
    expect(await store.readRequest(run, "u1")).toBeUndefined();
  });

  it("still open when a step ends the run are settled as requestsAtEnd says", async () => {
    const run = await waitingRun("end");
    for (const id of ["u1", "u2", "u3"]) await store.addRequest(run, update(id), T + 20);
    await store.commit([
      step(run, {
        expectedVersion: 1,
        observedWakeGen: 3,
        requestWrites: [written("u1"), written("u2", { status: "completed", resultText: "1" })],
      }),
    ]);
    const end = { status: "failed" as const, resultText: null, errorText: "{}" };
    await store.commit([step(run, { expectedVersion: 2, now: T + 50, end })]);
    const atEnd = requestsAtEnd(run, end);
    expect(await store.readRequest(run, "u1")).toEqual({ ...atEnd.accepted, resultText: null });
    expect(await store.readRequest(run, "u2")).toEqual({ status: "completed", resultText: "1", errorText: null });
    expect(await store.readRequest(run, "u3")).toEqual({ ...atEnd.requested, resultText: null });
  });

  it("of a run cancelled before it ever ran end with it", async () => {
    const run = fresh("cancel-early");
    await store.createRun({ key: run, inputText: "null", now: T, startAt: T + 3_600_000 });
    await store.addRequest(run, update("u1"), T + 10);
    expect(await store.readRun(run, "w1", T + 10)).toMatchObject({ requestGen: 1 });
    expect(await store.requestCancel(run, T + 20)).toBe(true);
    expect(await store.getRun(run)).toMatchObject({ status: "cancelled" });
    expect(await store.readRequest(run, "u1")).toMatchObject({ status: "ended" });
  });

  it("still open when an operator terminates the run end with it, as when a step ends it", async () => {
    const run = await waitingRun("terminate");
    for (const id of ["u1", "u2"]) await store.addRequest(run, update(id), T + 20);
    await store.addRequest(run, query("q1"), T + 21);
    await store.commit([step(run, { expectedVersion: 1, observedWakeGen: 3, requestWrites: [written("u1")] })]);
    expect(await store.terminateRun(run, "enough", T + 40)).toBe(true);
    const atEnd = requestsAtEnd(run, { status: "terminated" });
    expect(await store.readRequest(run, "u1")).toEqual({ ...atEnd.accepted, resultText: null });
    expect(await store.readRequest(run, "u2")).toEqual({ ...atEnd.requested, resultText: null });
    expect(await store.readRequest(run, "q1")).toEqual({ ...atEnd.requested, resultText: null });
  });

  it("go back to the run on a reset when their acceptance was not kept; the rest stay as they are", async () => {
    const run = await waitingRun("reset");
    for (const id of ["u1", "u2", "u3", "u4"]) await store.addRequest(run, update(id), T + 20);
    const accept = (id: string, seq: number, version: number, overrides: Partial<RequestWrite> = {}) =>
      step(run, {
        expectedVersion: version,
        firstPos: seq,
        observedWakeGen: 4,
        now: T + 30 + seq,
        events: [newEvent.updateAccepted("add", seq, id, "1", T + 30 + seq)],
        requestWrites: [written(id, overrides)],
      });
    // Step 0 accepts u1; step 1 accepts u2; step 2 accepts u3, whose handler completes at once.
    await store.commit([accept("u1", 1, 1)]);
    await store.commit([accept("u2", 2, 2)]);
    await store.commit([accept("u3", 3, 3, { status: "completed", resultText: "3" })]);
    const before = await store.readRun(run, "w1", T + 50);
    expect(await store.resetRun(run, { toStep: 1 }, T + 60)).toBe(1);
    // u1's acceptance was copied: its handler runs again in the new iteration and answers it.
    expect(await store.readRequest(run, "u1")).toMatchObject({ status: "accepted" });
    // u2's was not: it waits for the new iteration again, in its order of arrival, with u4.
    expect(await store.readRequest(run, "u2")).toMatchObject({ status: "requested" });
    expect(await store.readRequest(run, "u3")).toEqual({ status: "completed", resultText: "3", errorText: null });
    expect((await store.loadRequests(run)).map((request) => request.requestId)).toEqual(["u2", "u4"]);
    const after = await store.readRun(run, "w1", T + 60);
    expect(after?.requestGen).toBe((before?.requestGen ?? 0) + 1);
  });

  it("start a run and store a request, or a signal, in one go; an existing run just gets it", async () => {
    const run = fresh("with-start");
    const started = await store.updateWithStart({ key: run, inputText: '"in"', now: T }, update("u1"));
    expect(started).toEqual({ created: true, arrival: { added: true } });
    expect(await store.readRun(run, "w1", T)).toMatchObject({ requestGen: 1, fresh: { inputText: '"in"' } });
    expect(await store.updateWithStart({ key: run, inputText: '"other"', now: T }, update("u1"))).toMatchObject({
      created: false,
      arrival: { added: false },
    });
    const signalled = fresh("signal-with-start");
    const signal = { signal: "go", externalId: "e1", payloadText: "1" };
    expect(await store.signalWithStart({ key: signalled, inputText: "null", now: T }, signal)).toEqual({
      created: true,
      sent: true,
    });
    expect(await store.signalWithStart({ key: signalled, inputText: "null", now: T }, signal)).toEqual({
      created: false,
      sent: false,
    });
    expect((await store.loadSignals(signalled, ["go"])).map((row) => row.payloadText)).toEqual(["1"]);
  });

  it("are deleted with their run by purgeRuns", async () => {
    const run = await waitingRun("purge");
    await store.addRequest(run, update("u1"), T + 20);
    await store.commit([
      step(run, { expectedVersion: 1, now: T + 30, end: { status: "completed", resultText: "1", errorText: null } }),
    ]);
    expect(
      await store.purgeRuns({ namespace: "conf", endedBefore: T + 1000, statuses: ["completed"], limit: 1000 }),
    ).toBeGreaterThan(0);
    expect(await store.readRequest(run, "u1")).toBeUndefined();
  });
});
