import { expect, it } from "vitest";
import { CAN, conformance, fresh, key, step, T } from "./harness.js";

conformance("telemetry fields", ({ kind, store, create }) => {
  const traceContext = '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}';

  it("keep a run's trace context and hand it to every claim, read and child", async () => {
    const namespace = `trace-${kind}`;
    const run = { namespace, workflow: "wf", runId: "t1" };
    const plain = { namespace, workflow: "wf", runId: "t2" };
    await store.createRun({ key: run, inputText: "null", now: T, traceContext });
    await store.createRun({ key: plain, inputText: "null", now: T + 1 });
    expect((await store.readRun(run, "a", T))?.fresh?.traceContext).toBe(traceContext);
    const claimed = await store.claim({ can: CAN, namespace, owner: "a", now: T + 10, leaseMs: 100, limit: 5 });
    expect(claimed.map((c) => [c.runId, c.traceContext, c.dueAt])).toEqual([
      ["t1", traceContext, T],
      ["t2", undefined, T + 1],
    ]);
    const child = { key: { namespace, workflow: "kid", runId: "t1-kid" }, inputText: "null", waits: false };
    await store.commit([step(run, { owner: "a", childStarts: [{ ...child, traceContext }] })]);
    const kid = await store.claim({ can: CAN, namespace, owner: "b", now: T + 20, leaseMs: 100, limit: 5 });
    expect(kid.map((c) => [c.runId, c.traceContext])).toEqual([["t1-kid", traceContext]]);
  });

  it("tell a claim that took over a lease that ran out from one that did not", async () => {
    const namespace = `takeover-${kind}`;
    const run = { namespace, workflow: "wf", runId: "o1" };
    await store.createRun({ key: run, inputText: "null", now: T });
    const claimAt = async (owner: string, now: number) =>
      (await store.claim({ can: CAN, namespace, owner, now, leaseMs: 100, limit: 1 })).map((c) => c.takeover);
    expect(await claimAt("a", T)).toEqual([false]);
    expect(await claimAt("b", T + 200)).toEqual([true]);
    await store.release(run, "b", T + 250);
    expect(await claimAt("c", T + 300)).toEqual([false]);
  });

  it("give each inbox signal the time it was stored", async () => {
    const run = fresh("sig-time");
    await create(run);
    await store.addSignal(run, { signal: "go", externalId: "e1", payloadText: "1" }, T + 7);
    expect((await store.loadSignals(run, ["go"])).map((signal) => signal.createdAt)).toEqual([T + 7]);
  });

  it("report a queue claim held back by the queue's limits, and none that found nothing due", async () => {
    const queue = `q-held-${kind}`;
    await store.configureQueue("conf", queue, { concurrency: 1 }, T);
    let heldBack = 0;
    const claim = (owner: string, now: number) =>
      store.claim({
        can: CAN,
        namespace: "conf",
        owner,
        now,
        leaseMs: 1000,
        limit: 5,
        queue,
        heldBack: () => heldBack++,
      });
    expect(await claim("a", T)).toEqual([]);
    expect(heldBack).toBe(0);
    for (const i of [1, 2]) await store.createRun({ key: key(`${queue}-${i}`), inputText: "null", now: T, queue });
    expect(await claim("a", T + 10)).toHaveLength(1);
    expect(heldBack).toBe(1);
    expect(await claim("b", T + 20)).toEqual([]);
    expect(heldBack).toBe(2);
  });
});
