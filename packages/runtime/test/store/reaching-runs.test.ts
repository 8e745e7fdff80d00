import { expect, it } from "vitest";
import { conformance, fresh, key, step, T } from "./harness.js";

conformance("steps that reach other runs", ({ store, create }) => {
  it("start children once, linked to the parent, and tell a waiting parent how each ended", async () => {
    const parent = fresh("parent");
    await create(parent);
    const child = { key: key(`${parent.runId}-child`, "kid"), inputText: "7", waits: true };
    const [started] = await store.commit([step(parent, { childStarts: [child] })]);
    expect(started).toMatchObject({ ok: true, createdChildren: [child.key] });
    expect(await store.getRun(child.key)).toMatchObject({
      input: 7,
      parent: { workflow: "wf", runId: parent.runId },
    });
    const [again] = await store.commit([step(parent, { expectedVersion: 1, childStarts: [child] })]);
    expect(again).toMatchObject({ ok: true });
    expect(again?.ok && again.createdChildren).toBeFalsy();

    const end = { status: "completed" as const, resultText: "49", errorText: null };
    const [ended] = await store.commit([step(child.key, { end })]);
    expect(ended).toMatchObject({ ok: true, woken: [parent] });
    const inbox = await store.loadSignals(parent, ["/child"]);
    expect(inbox).toEqual([
      {
        id: expect.any(Number),
        signal: "/child",
        externalId: `kid/${child.key.runId}`,
        payloadText: '{"status":"completed","result":49}',
        createdAt: T + 10,
      },
    ]);
    expect((await store.readRun(parent, "w1", T + 20))?.wakeGen).toBe(1);
  });

  it("answer a parent at once for a child that ended before it was started as one", async () => {
    const parent = fresh("late-parent");
    const child = fresh("ended-child");
    await create(parent);
    await create(child);
    await store.commit([
      step(child, { end: { status: "failed", resultText: null, errorText: '{"name":"E","message":"no"}' } }),
    ]);
    await store.commit([step(parent, { childStarts: [{ key: child, inputText: "null", waits: true }] })]);
    const [ending] = await store.loadSignals(parent, ["/child"]);
    expect(JSON.parse(ending?.payloadText ?? "null")).toEqual({
      status: "failed",
      error: { name: "E", message: "no" },
    });
  });

  it("send signals once per external id, and ask waited-for children to cancel", async () => {
    const sender = fresh("sender");
    const target = fresh("target");
    await create(sender);
    await create(target);
    const signal = { key: target, signal: { signal: "ping", externalId: "s-1", payloadText: '"hi"' } };
    const [sent] = await store.commit([step(sender, { signalsSent: [signal], cancelChildren: [target] })]);
    expect(sent).toMatchObject({ ok: true, woken: [target, target] });
    await store.commit([step(sender, { expectedVersion: 1, signalsSent: [signal] })]);
    expect(await store.loadSignals(target, ["ping"])).toHaveLength(1);
    expect((await store.getRun(target))?.cancelRequested).toBe(true);
  });

  it("keep an attempt's heartbeat for the next attempt, and let a retry replace the row", async () => {
    const run = fresh("beat");
    await create(run);
    await store.recordHeartbeat(run, 0, { target: "imp", seq: 0, attempt: 1 }, '{"row":5}', T);
    expect(await store.loadTasks(run, 0)).toEqual([
      { target: "imp", seq: 0, attempt: 1, readyAt: 0, heartbeat: '{"row":5}' },
    ]);
    const retry = { target: "imp", seq: 0, attempt: 1, readyAt: T + 50, lastError: "{}" };
    await store.commit([step(run, { taskWrites: [retry] })]);
    expect(await store.loadTasks(run, 0)).toEqual([
      { target: "imp", seq: 0, attempt: 1, readyAt: T + 50, heartbeat: '{"row":5}' },
    ]);
  });
});
