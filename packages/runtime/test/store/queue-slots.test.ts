import { expect, it } from "vitest";
import type { RunKey, SlotRequest } from "../../src/index.js";
import { conformance, step, T } from "./harness.js";

conformance("activity queue slots", ({ kind, store }) => {
  const namespace = `slots-${kind}`;
  const run = (runId: string): RunKey => ({ namespace, workflow: "wf", runId });
  const ask = (runId: string, now: number, owner = "w1", concurrencyKey: string | null = null): SlotRequest => ({
    key: run(runId),
    iteration: 0,
    target: "email",
    seq: 0,
    queue: "mail",
    concurrencyKey,
    owner,
    now,
    leaseUntil: now + 1000,
  });

  it("grant at most `concurrency` slots, then line the others up and wake the longest waiting when one is given back", async () => {
    await store.configureQueue(namespace, "mail", { concurrency: 2 }, T);
    // Each run waits for its slot: let go of, with nothing else to wake it.
    for (const id of ["a", "b", "c", "d"]) {
      await store.createRun({ key: run(id), inputText: "null", now: T });
      await store.commit([step(run(id), { wakeAt: null })]);
    }
    expect(await store.acquireSlot(ask("a", T))).toEqual({ granted: true, woken: [] });
    expect(await store.acquireSlot(ask("a", T + 1))).toEqual({ granted: true, woken: [] });
    expect((await store.acquireSlot(ask("b", T + 1))).granted).toBe(true);
    expect((await store.acquireSlot(ask("c", T + 2))).granted).toBe(false);
    expect((await store.acquireSlot(ask("d", T + 3))).granted).toBe(false);
    expect(await store.releaseSlot(run("a"), 0, { target: "email", seq: 0 }, T + 4)).toEqual([run("c")]);
    // d asks before c came back: c waited longer, so d waits on (c is due already: not woken twice).
    expect(await store.acquireSlot(ask("d", T + 5))).toEqual({ granted: false, woken: [] });
    expect((await store.acquireSlot(ask("c", T + 6))).granted).toBe(true);
  });

  it("free the slot of a holder that stopped renewing it, and wake the line from a sweep", async () => {
    const ns = `${namespace}-sweep`;
    const key = (id: string) => ({ namespace: ns, workflow: "wf", runId: id });
    await store.configureQueue(ns, "mail", { concurrency: 1 }, T);
    for (const id of ["x", "y"]) {
      await store.createRun({ key: key(id), inputText: "null", now: T });
      await store.commit([step(key(id), { wakeAt: null })]);
    }
    const request = (id: string, now: number) => ({ ...ask(id, now), key: key(id) });
    expect((await store.acquireSlot(request("x", T))).granted).toBe(true);
    expect((await store.acquireSlot(request("y", T + 1))).granted).toBe(false);
    await store.renewSlots([key("x")], "w1", T + 2000);
    expect(await store.wakeSlotWaiters(ns, "mail", T + 1500)).toEqual([]);
    expect(await store.wakeSlotWaiters(ns, "mail", T + 2001)).toEqual([key("y")]);
    expect((await store.inspectRun(key("y")))?.wakeAt).toBe(T + 2001);
    // Due now and held by nobody: a claim takes it; the next sweep does not wake it again.
    expect(await store.wakeSlotWaiters(ns, "mail", T + 2002)).toEqual([]);
  });

  it("grant every attempt of a queue without limits at once, recording nothing", async () => {
    expect(await store.acquireSlot({ ...ask("a", T), queue: "free" })).toEqual({ granted: true, woken: [] });
    expect(await store.releaseSlot(run("a"), 0, { target: "other", seq: 9 }, T)).toEqual([]);
  });
});
