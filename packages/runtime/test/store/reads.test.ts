import { expect, it } from "vitest";
import { type ListRunsFilter, newEvent } from "../../src/index.js";
import { CAN, conformance, fresh, key, step, T } from "./harness.js";

conformance("reads for the client", ({ kind, store, create }) => {
  it("page runs by (created, workflow, run id) with filters and an opaque cursor", async () => {
    const namespace = `pages-${kind}`;
    for (let i = 0; i < 7; i++) {
      await store.createRun({
        key: { namespace, workflow: i % 2 ? "odd" : "even", runId: `p${i}` },
        inputText: "null",
        now: T + (i % 3),
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({ namespace, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.runs.map((run) => `${run.createdAt.getTime() - T}${run.workflow}${run.runId}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["0evenp0", "0evenp6", "0oddp3", "1evenp4", "1oddp1", "2evenp2", "2oddp5"]);
    const odd = await store.listRuns({ namespace, workflow: "odd" });
    expect(odd.runs.map((run) => run.runId)).toEqual(["p3", "p1", "p5"]);
    expect((await store.listRuns({ namespace, status: "completed" })).runs).toEqual([]);
    await expect(store.listRuns({ namespace, cursor: "nonsense" })).rejects.toThrow(/invalid cursor/);
    await expect(store.listRuns({ namespace, limit: 0 })).rejects.toThrow(/invalid limit/);
  });

  it("filter runs by creation time and run id prefix, and page newest first with a cursor of that order", async () => {
    const namespace = `filters-${kind}`;
    const ids = ["order-1", "order-2", "order_3", "refund-1", "order-10"];
    for (const [i, runId] of ids.entries()) {
      await store.createRun({ key: { namespace, workflow: "wf", runId }, inputText: "null", now: T + i * 10 });
    }
    const list = async (filter: Omit<ListRunsFilter, "namespace">) =>
      (await store.listRuns({ namespace, ...filter })).runs.map((run) => run.runId);
    expect(await list({ runIdPrefix: "order-" })).toEqual(["order-1", "order-2", "order-10"]);
    expect(await list({ runIdPrefix: "order_" })).toEqual(["order_3"]);
    expect(await list({ createdAfter: new Date(T + 10), createdBefore: new Date(T + 40) })).toEqual([
      "order_3",
      "refund-1",
    ]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({ namespace, order: "desc", limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.runs.map((run) => run.runId));
      cursor = page.nextCursor;
      if (cursor) {
        await expect(store.listRuns({ namespace, cursor })).rejects.toThrow(/order "desc"/);
      }
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it("list the namespaces that have runs", async () => {
    await create(fresh("ns"));
    await store.createRun({
      key: { namespace: `zz-ns-${kind}`, workflow: "wf", runId: "r" },
      inputText: "1",
      now: T,
    });
    const namespaces = await store.listNamespaces();
    expect(namespaces).toContain(`zz-ns-${kind}`);
    expect(namespaces).toContain("conf");
    expect([...namespaces].sort()).toEqual(namespaces);
  });

  it("count runs by status per workflow, and running ones by lease and wake state", async () => {
    const namespace = `counts-${kind}`;
    const run = (workflow: string, runId: string) => ({ namespace, workflow, runId });
    for (const key of [run("a", "1"), run("a", "2"), run("b", "3")]) {
      await store.createRun({ key, inputText: "null", now: T });
    }
    await store.claim({
      can: { workflows: ["a", "b"], activities: [] },
      namespace,
      owner: "w1",
      now: T,
      leaseMs: 1000,
      limit: 1,
    });
    await store.commit([
      step(run("b", "3"), { end: { status: "completed", resultText: "1", errorText: null }, now: T }),
    ]);
    const counts = await store.countRuns({ namespace }, T + 1);
    expect(counts).toMatchObject({
      statuses: { running: 2, completed: 1 },
      workflows: { a: { running: 2 }, b: { completed: 1 } },
    });
    expect(counts.active + counts.queued + counts.waiting).toBe(2);
    expect((await store.countRuns({ namespace, workflow: "b" }, T + 1)).workflows).toEqual({ b: { completed: 1 } });
  });

  it("inspect a run: its lease, wake time, retry rows of the current iteration and unconsumed signals", async () => {
    const run = fresh("inspect");
    await create(run);
    await store.addSignal(run, { signal: "go", externalId: "e1", payloadText: '{"n":1}' }, T + 1);
    await store.addSignal(run, { signal: "/child", externalId: "wf/c", payloadText: "{}" }, T + 2);
    await store.claim({ can: CAN, namespace: "conf", owner: "w1", now: T + 3, leaseMs: 60_000, limit: 1000 });
    const retry = {
      target: "charge",
      seq: 0,
      attempt: 2,
      readyAt: T + 500,
      lastError: '{"name":"TypeError","message":"x"}',
    };
    const events = [newEvent.activityRequest("charge", 0, "1", T + 4)];
    await store.commit([step(run, { events, taskWrites: [retry], hold: true, leaseUntil: T + 9000, wakeAt: T + 500 })]);
    const inspection = await store.inspectRun(run);
    expect(inspection).toMatchObject({
      run: { runId: run.runId, status: "running" },
      leaseOwner: "w1",
      leaseUntil: T + 9000,
      tasks: [{ target: "charge", seq: 0, attempt: 2, readyAt: T + 500, lastError: retry.lastError }],
    });
    expect(
      inspection?.inbox.map((entry) => [entry.signal, entry.externalId, entry.payloadText, entry.receivedAt]),
    ).toEqual([
      ["go", "e1", '{"n":1}', T + 1],
      ["/child", "wf/c", "{}", T + 2],
    ]);
    expect(await store.inspectRun(key("nobody"))).toBeUndefined();
  });

  it("purge ended runs before a time with their events, signals and retry rows, in rounds of `limit`", async () => {
    const namespace = `purge-${kind}`;
    const run = (runId: string) => ({ namespace, workflow: "wf", runId });
    const end = async (runId: string, status: "completed" | "failed", at: number) => {
      await store.createRun({ key: run(runId), inputText: "null", now: T });
      await store.addSignal(run(runId), { signal: "s", externalId: "e", payloadText: "1" }, T);
      const retry = { target: "a", seq: 0, attempt: 1, readyAt: at, lastError: "{}" };
      await store.commit([
        step(run(runId), { now: at, taskWrites: [retry], events: [newEvent.output("o", 0, "1", at)] }),
      ]);
      await store.commit([
        step(run(runId), {
          expectedVersion: 1,
          firstPos: 2,
          now: at,
          end: { status, resultText: null, errorText: null },
        }),
      ]);
    };
    for (const i of [1, 2, 3]) await end(`old-${i}`, "completed", T + 100);
    await end("old-failed", "failed", T + 100);
    await end("recent", "completed", T + 5000);
    await store.createRun({ key: run("running"), inputText: "null", now: T });
    const request = { namespace, endedBefore: T + 1000, statuses: ["completed" as const], limit: 2 };
    expect(await store.purgeRuns(request)).toBe(2);
    expect(await store.purgeRuns(request)).toBe(1);
    expect(await store.purgeRuns(request)).toBe(0);
    expect(await store.getRun(run("old-1"))).toBeUndefined();
    expect(await store.getHistory(run("old-2"))).toBeUndefined();
    expect(await store.inspectRun(run("old-3"))).toBeUndefined();
    const left = (await store.listRuns({ namespace })).runs.map((info) => info.runId).sort();
    expect(left).toEqual(["old-failed", "recent", "running"]);
    const events = await store.readEvents(0, { namespace });
    expect(new Set(events.events.map((event) => event.runId))).toEqual(new Set(left));
    // The signal of a purged run is gone with it: the same external id is new again.
    expect(await store.addSignal(run("old-1"), { signal: "s", externalId: "e", payloadText: "2" }, T)).toBe(true);
    expect(await store.purgeRuns({ ...request, statuses: ["failed"], limit: 10 })).toBe(1);
    expect(await store.getRun(run("old-failed"))).toBeUndefined();
  });

  it("tell the id of the newest event, after which a stream sees only what comes next", async () => {
    const run = fresh("tail");
    await create(run);
    const end = await store.lastEventId();
    expect((await store.readEvents(end - 1, { namespace: "conf", runId: run.runId })).events).toHaveLength(1);
    await store.commit([step(run, { events: [newEvent.output("o", 0, '"next"', T)] })]);
    expect((await store.readEvents(end, { namespace: "conf" })).events.map((event) => event.payload)).toEqual(["next"]);
  });

  it("stream events after a cursor in id order, filtered, and store named cursors", async () => {
    const namespace = `stream-${kind}`;
    const run = { namespace, workflow: "wf", runId: "s1" };
    await store.createRun({ key: run, inputText: '"in"', now: T });
    await store.commit([step(run, { events: [newEvent.output("o", 0, '"a"', T), newEvent.output("o", 1, '"b"', T)] })]);
    const all = await store.readEvents(0, { namespace });
    expect(all.events.map((event) => event.type)).toEqual(["created", "output", "output"]);
    expect(all.blocked).toBe(false);
    const last = all.events.at(-1)?.id ?? 0;
    expect(all.cursor).toBeGreaterThanOrEqual(last);
    const outputs = await store.readEvents(0, { namespace, types: ["output"] });
    expect(outputs.events.map((event) => event.payload)).toEqual(["a", "b"]);
    const after = await store.readEvents(all.events[1]?.id ?? 0, { namespace, runId: "s1" });
    expect(after.events.map((event) => event.seq)).toEqual([1]);
    expect((await store.readEvents(0, { namespace, types: [] })).events).toEqual([]);
    expect(await store.loadCursor(namespace, "c")).toBeUndefined();
    await store.saveCursor(namespace, "c", 5, T);
    await store.saveCursor(namespace, "c", 9, T);
    expect(await store.loadCursor(namespace, "c")).toBe(9);
  });
});
