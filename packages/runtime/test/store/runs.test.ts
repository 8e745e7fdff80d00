import { expect, it } from "vitest";
import { RunNotFoundError } from "../../src/index.js";
import { conformance, fresh, key, T } from "./harness.js";

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

  it("record a cancel request once, and refuse a run that does not exist", async () => {
    const run = fresh("cancel");
    await create(run);
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
});
