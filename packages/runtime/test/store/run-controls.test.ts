import { expect, it } from "vitest";
import { newEvent, type RunKey, RunNotFoundError } from "../../src/index.js";
import { PAUSED_REFUSAL, refusedIfPaused } from "../../src/store/rules/index.js";
import { CAN, conformance, fresh, step, T } from "./harness.js";

const claimAll = (store: Parameters<Parameters<typeof conformance>[1]>[0]["store"], owner: string, now: number) =>
  store.claim({ can: CAN, namespace: "conf", owner, now, leaseMs: 60_000, limit: 1000 });

conformance("pausing runs", ({ store, create }) => {
  it("keeps a paused run from every claim and wake-up, signals and cancels included, until it is unpaused", async () => {
    const run = fresh("pause");
    await create(run);
    // A run that has taken a step: a cancel to one that never ran ends it at once (rules/cancel.ts).
    await claimAll(store, "w1", T - 10);
    await store.commit([
      step(run, {
        events: [newEvent.sleepRequest(0, { duration: 3_600_000, deadline: T + 3_600_000 }, T - 5)],
        now: T - 5,
      }),
    ]);
    await store.release(run, "w1", null);
    expect(await store.setPaused(run, true, T)).toBe(true);
    expect(await store.setPaused(run, true, T)).toBe(false);
    expect(await store.getRun(run)).toMatchObject({ status: "running", paused: true });
    await store.addSignal(run, { signal: "go", externalId: "g", payloadText: '"x"' }, T + 1);
    await store.requestCancel(run, T + 2);
    expect((await claimAll(store, "w", T + 10)).map((claimed) => claimed.runId)).not.toContain(run.runId);
    expect(await store.claimRun(run, 0, { owner: "w", now: T + 10, leaseMs: 1000 })).toBeUndefined();
    expect(await store.readRun(run, "w", T + 10)).toBeUndefined();
    expect((await store.inspectRun(run))?.wakeAt).toBeNull();
    expect(await store.setPaused(run, false, T + 20)).toBe(true);
    expect((await store.inspectRun(run))?.wakeAt).toBe(T + 20);
    const claimed = await claimAll(store, "w", T + 20);
    expect(claimed.find((one) => one.runId === run.runId)).toMatchObject({ wakeGen: 2, cancelRequested: true });
    const marks = (await store.getHistory(run))?.filter((event) => event.pos === null).map((event) => event.type);
    expect(marks).toEqual(["paused", "cancel_requested", "unpaused"]);
  });

  it("commits the step a worker was in when the run was paused, tells it so, and keeps the run asleep", async () => {
    const run = fresh("pause-step");
    await create(run);
    await claimAll(store, "w1", T);
    await store.setPaused(run, true, T + 1);
    const events = [newEvent.activityRequest("a", 0, '"x"', T + 2)];
    const [result] = await store.commit([step(run, { events, now: T + 2, hold: true, wakeAt: T + 2 })]);
    expect(result).toMatchObject({ ok: true, paused: true });
    await store.release(run, "w1", T + 3);
    expect((await store.inspectRun(run))?.wakeAt).toBeNull();
    await store.releaseAll("conf", "w1", T + 4);
    expect((await store.inspectRun(run))?.wakeAt).toBeNull();
  });

  it("refuses a step that delivered arrivals to a run paused before its holder heard of it, and leaves the run as it was", async () => {
    const run = fresh("pause-arrivals");
    await create(run);
    await claimAll(store, "w1", T);
    await store.addSignal(run, { signal: "go", externalId: "g", payloadText: '"x"' }, T + 1);
    await store.setPaused(run, true, T + 2);
    const [signal] = await store.loadSignals(run, ["go"]);
    if (signal === undefined) throw new Error("the signal was not stored");
    const tookArrivals = step(run, {
      events: [newEvent.signalMessage("go", 0, signal.id, '"x"', T + 3)],
      signalsConsumed: [{ id: signal.id, seq: 0 }],
      now: T + 3,
      refusePaused: refusedIfPaused({ unread: false, tookArrivals: true }),
    });
    expect(await store.commit([tookArrivals])).toEqual([{ ok: false, reason: PAUSED_REFUSAL }]);
    expect((await store.loadSignals(run, ["go"])).map((row) => row.id)).toEqual([signal.id]);
    const replayed = (await store.getHistory(run))?.filter((event) => event.pos !== null).map((event) => event.type);
    expect(replayed).toEqual(["created"]);
  });

  it("refuses a run that does not exist, and has nothing to pause in an ended run", async () => {
    await expect(store.setPaused(fresh("none"), true, T)).rejects.toThrow(RunNotFoundError);
    const run = fresh("pause-ended");
    await create(run);
    await store.commit([step(run, { end: { status: "completed", resultText: "1", errorText: null } })]);
    expect(await store.setPaused(run, true, T + 20)).toBe(false);
  });
});

conformance("terminating runs", ({ store, create }) => {
  it("ends a held run as terminated with its reason, refuses its holder's next step, and deletes its retry rows", async () => {
    const run = fresh("term");
    await create(run);
    await claimAll(store, "w1", T);
    const retry = { target: "a", seq: 0, attempt: 1, readyAt: T + 500, lastError: '{"name":"E","message":"x"}' };
    const events = [newEvent.activityRequest("a", 0, '"x"', T + 1)];
    await store.commit([step(run, { events, taskWrites: [retry], hold: true, now: T + 1 })]);
    expect(await store.terminateRun(run, "deploy broke it", T + 5)).toBe(true);
    expect(await store.terminateRun(run, "again", T + 6)).toBe(false);
    const info = await store.getRun(run);
    expect(info).toMatchObject({ status: "terminated", error: { name: "RunTerminatedError" } });
    expect(info?.error?.message).toContain("deploy broke it");
    expect(await store.loadTasks(run, 0)).toEqual([]);
    const [late] = await store.commit([step(run, { expectedVersion: 1, now: T + 7 })]);
    expect(late).toMatchObject({ ok: false });
    const terminated = (await store.getHistory(run))?.find((event) => event.type === "terminated");
    expect(terminated).toMatchObject({ pos: null, payload: { reason: "deploy broke it" } });
  });

  it("tells a parent that waits for the run how it ended, and terminates a stuck run too", async () => {
    const parent = fresh("term-parent");
    await create(parent);
    const child = { namespace: "conf", workflow: "kid", runId: `${parent.runId}-kid` };
    const childStarts = [{ key: child, inputText: "1", waits: true }];
    await store.commit([step(parent, { events: [newEvent.childRequest("kid", 0, "{}", T)], childStarts })]);
    await store.park(child, "w", '{"name":"NonDeterminismError","message":"x"}', T + 1);
    expect(await store.terminateRun(child, "give up", T + 2)).toBe(true);
    const [ending] = await store.loadSignals(parent, ["/child"]);
    expect(JSON.parse(ending?.payloadText ?? "null")).toMatchObject({
      status: "terminated",
      error: { name: "RunTerminatedError" },
    });
  });
});

conformance("resetting runs", ({ store, create }) => {
  /** A run that consumed two signals, then failed for good on activity b; returns its key. */
  async function failedRun(): Promise<RunKey> {
    const run = fresh("reset");
    await create(run);
    for (const [i, id] of ["s1", "s2"].entries()) {
      await store.addSignal(run, { signal: "go", externalId: id, payloadText: `"${id}"` }, T + i);
    }
    const [s1, s2] = await store.loadSignals(run, ["go"]);
    const events = [
      newEvent.activityRequest("a", 0, '"x"', T + 10),
      newEvent.activityResult("a", 0, '"ok"', 1, T + 11),
      newEvent.signalRequest("go", 0, { timeout: 9, deadline: T + 21 }, T + 12),
      newEvent.signalMessage("go", 0, s1?.id ?? 0, '"s1"', T + 13),
      newEvent.signalRequest("go", 1, { timeout: 9, deadline: T + 23 }, T + 14),
      newEvent.signalMessage("go", 1, s2?.id ?? 0, '"s2"', T + 15),
      newEvent.activityRequest("b", 0, '"y"', T + 16),
      newEvent.activityError("b", 0, { name: "E", message: "no" }, 3, T + 17),
      newEvent.failed({ name: "ActivityFailure", message: "b failed" }, T + 18),
    ];
    const signalsConsumed = [
      { id: s1?.id ?? 0, seq: 0 },
      { id: s2?.id ?? 0, seq: 1 },
    ];
    const end = { status: "failed" as const, resultText: null, errorText: '{"name":"E","message":"b failed"}' };
    const [ok] = await store.commit([step(run, { events, signalsConsumed, end, now: T + 18 })]);
    expect(ok?.ok).toBe(true);
    return run;
  }

  it("starts the next iteration with the steps before toStep, runs again, and keeps the old iteration readable", async () => {
    const run = await failedRun();
    expect(await store.resetRun(run, { toStep: 2 }, T + 100)).toBe(1);
    expect(await store.getRun(run)).toMatchObject({ status: "running", iteration: 1, input: { n: 1 } });
    expect((await store.getRun(run))?.error).toBeUndefined();
    const history = await store.loadHistory(run, 1);
    expect(history.map((event) => [event.pos, event.type, event.target, event.seq])).toEqual([
      [0, "created", "", 0],
      [1, "activity_request", "a", 0],
      [2, "activity_response", "a", 0],
      [3, "signal_request", "go", 0],
      [4, "signal_response", "go", 0],
    ]);
    expect((await store.getHistory(run, { iteration: 0 }))?.at(-1)?.type).toBe("failed");
    expect((await store.getHistory(run))?.at(-1)).toMatchObject({
      type: "reset",
      pos: null,
      payload: { iteration: 0 },
    });
    const claimed = await store.claimRun(run, 2, { owner: "w", now: T + 100, leaseMs: 1000 });
    expect(claimed).toMatchObject({ iteration: 1, version: 2, nextPos: 5, seedIteration: 0 });
  });

  it("gives back the signals the old iteration consumed after the reset point, in their order", async () => {
    const run = await failedRun();
    await store.resetRun(run, { toStep: 1 }, T + 100);
    expect((await store.loadSignals(run, ["go"])).map((signal) => signal.externalId)).toEqual(["s1", "s2"]);
    const again = await failedRun();
    await store.resetRun(again, { toStep: 2 }, T + 100);
    expect((await store.loadSignals(again, ["go"])).map((signal) => signal.externalId)).toEqual(["s2"]);
  });

  it("goes back to the first failing step when none is given, and takes a running run from its holder", async () => {
    const run = await failedRun();
    await store.resetRun(run, { toStep: undefined }, T + 100);
    expect((await store.loadHistory(run, 1)).map((event) => event.type).at(-1)).toBe("signal_response");
    const held = await store.claimRun(run, 2, { owner: "w1", now: T + 100, leaseMs: 60_000 });
    expect(held).toMatchObject({ runId: run.runId, iteration: 1 });
    expect(await store.resetRun(run, { toStep: 0, codeVersion: "v9" }, T + 200)).toBe(2);
    const [late] = await store.commit([step(run, { iteration: 1, expectedVersion: 2, owner: "w1", now: T + 201 })]);
    expect(late).toMatchObject({ ok: false, reason: "another worker committed first" });
    expect(await store.getRun(run)).toMatchObject({ iteration: 2, version: "v9" });
    await expect(store.resetRun(fresh("none"), { toStep: 0 }, T)).rejects.toThrow(RunNotFoundError);
  });
});
