import { expect, it } from "vitest";
import { CHILD_SIGNAL } from "../../src/history/index.js";
import { RunNotFoundError } from "../../src/index.js";
import { conformance, fresh, key, step, T } from "./harness.js";

conformance("runs", ({ store, create }) => {
  it("are created once, with their created event, and read back fresh", async () => {
    const run = fresh("create");
    expect(await create(run)).toBe(true);
    expect(await create(run, { other: true })).toBe(false);
    const info = await store.getRun(run);
    expect(info).toMatchObject({ status: "running", iteration: 0, input: { n: 1 }, cancelRequested: false });
    expect(info?.createdAt.getTime()).toBe(T);
    expect(await store.getHistory(run)).toEqual([
      { type: "created", iteration: 0, pos: 0, target: "", seq: 0, payload: { n: 1 }, at: T },
    ]);
    const state = await store.readRun(run, "w1", T);
    expect(state).toMatchObject({ version: 0, nextPos: 1, fresh: { inputText: '{"n":1}', createdAt: T } });
    expect(await store.getRun(key("nobody"))).toBeUndefined();
    expect(await store.getHistory(key("nobody"))).toBeUndefined();
  });

  it("record a cancel request to a run a worker holds once, and refuse a run that does not exist", async () => {
    const run = fresh("cancel");
    await create(run);
    expect(await store.readRun(run, "w1", T)).toBeDefined();
    await store.claimRun(run, 0, { owner: "w1", now: T, leaseMs: 60_000 });
    expect(await store.requestCancel(run, T + 1)).toBe(true);
    expect(await store.requestCancel(run, T + 2)).toBe(false);
    expect((await store.getRun(run))?.cancelRequested).toBe(true);
    const history = (await store.getHistory(run)) ?? [];
    expect(history.map((event) => [event.type, event.pos])).toEqual([
      ["created", 0],
      ["cancel_requested", null],
    ]);
    await expect(store.requestCancel(key("missing"), T)).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it("end a run that never ran as cancelled at once, and tell the parent that waits for it", async () => {
    const parent = fresh("parent");
    const child = { namespace: "conf", workflow: "kid", runId: `${parent.runId}-kid` };
    await create(parent);
    const start = { key: child, inputText: "null", waits: true, queue: "nobody-serves-this" };
    expect((await store.commit([step(parent, { childStarts: [start] })]))[0]?.ok).toBe(true);
    expect(await store.requestCancel(child, T + 20)).toBe(true);
    expect(await store.requestCancel(child, T + 30)).toBe(false);
    expect(await store.getRun(child)).toMatchObject({ status: "cancelled", error: { name: "CancelledError" } });
    const history = (await store.getHistory(child)) ?? [];
    expect(history.map((event) => [event.type, event.pos])).toEqual([
      ["created", 0],
      ["cancel_requested", null],
      ["cancelled", 1],
    ]);
    const told = await store.loadSignals(parent, [CHILD_SIGNAL]);
    expect(told.map((signal) => JSON.parse(signal.payloadText ?? "null"))).toMatchObject([
      { status: "cancelled", error: { name: "CancelledError" } },
    ]);
  });
});
