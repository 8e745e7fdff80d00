import { expect, it } from "vitest";
import type { BulkBatch, BulkSpec } from "../../src/index.js";
import { conformance, T } from "./harness.js";

const key = (namespace: string, runId: string) => ({ namespace, workflow: "wf", runId });

conformance("bulk actions", ({ kind, store }) => {
  async function batchOf(namespace: string, batchId: string, spec: BulkSpec): Promise<BulkBatch> {
    const opened = await store.openBulk(namespace, batchId, spec, T);
    const page = await store.listRuns({ namespace, ...spec.filter });
    const runs = page.runs.map((run) => ({ workflow: run.workflow, runId: run.runId }));
    await store.addBulkItems(namespace, batchId, runs, undefined, true, T);
    return { ...opened, listed: true };
  }

  it("act on each listed run once, recording what they did, and keep the batch's spec for a second call", async () => {
    const ns = `bulk-once-${kind}`;
    for (const i of [1, 2, 3])
      await store.createRun({ key: key(ns, `r${i}`), inputText: "null", now: T, tags: { t: 1 } });
    const spec: BulkSpec = { action: "pause", filter: { status: "running", tags: { t: 1 } } };
    const batch = await batchOf(ns, "b1", spec);
    expect((await store.openBulk(ns, "b1", { ...spec, action: "cancel" }, T)).spec).toEqual(spec);
    const pending = await store.pendingBulkItems(ns, "b1", 10);
    expect(pending.map((run) => run.runId)).toEqual(["r1", "r2", "r3"]);
    for (const run of pending.slice(0, 2))
      expect(await store.applyBulkItem(batch, run, T + 1)).toEqual({ outcome: "done" });
    expect(await store.applyBulkItem(batch, { workflow: "wf", runId: "r1" }, T + 2)).toEqual({ outcome: "done" });
    const pauses = (await store.getHistory(key(ns, "r1")))?.filter((event) => event.type === "paused");
    expect(pauses).toHaveLength(1);
    expect((await store.pendingBulkItems(ns, "b1", 10)).map((run) => run.runId)).toEqual(["r3"]);
    expect(await store.readBulk(ns, "b1")).toEqual(batch);
    expect(await store.readBulk(ns, "none")).toBeUndefined();
    expect(await store.bulkProgress(ns, "b1")).toEqual({
      batchId: "b1",
      matched: 3,
      done: 2,
      skipped: 0,
      failed: 0,
      failures: [],
    });
  });

  it("skip a run that stopped matching since it was listed, and fail one the action refuses, with the reason", async () => {
    const ns = `bulk-skip-${kind}`;
    for (const i of [1, 2]) await store.createRun({ key: key(ns, `r${i}`), inputText: "null", now: T });
    const batch = await batchOf(ns, "b2", { action: "resume", filter: { status: "running" } });
    await store.terminateRun(key(ns, "r1"), "gone", T + 1);
    expect(await store.applyBulkItem(batch, { workflow: "wf", runId: "r1" }, T + 2)).toEqual({
      outcome: "skipped",
      reason: "it no longer matches the filter",
    });
    expect(await store.applyBulkItem(batch, { workflow: "wf", runId: "r2" }, T + 2)).toMatchObject({
      outcome: "failed",
    });
    expect(await store.getRun(key(ns, "r1"))).toMatchObject({ status: "terminated" });
    const progress = await store.bulkProgress(ns, "b2");
    expect(progress).toMatchObject({ matched: 2, done: 0, skipped: 1, failed: 1 });
    expect(progress.failures).toEqual([
      { workflow: "wf", runId: "r2", reason: expect.stringContaining("cannot resume") },
    ]);
  });

  it("keep a listed run's item when the listing is written again after a crash", async () => {
    const ns = `bulk-relist-${kind}`;
    await store.createRun({ key: key(ns, "r1"), inputText: "null", now: T });
    const batch = await batchOf(ns, "b3", { action: "cancel", filter: {} });
    await store.applyBulkItem(batch, { workflow: "wf", runId: "r1" }, T + 1);
    await store.addBulkItems(ns, "b3", [{ workflow: "wf", runId: "r1" }], "c", false, T + 2);
    expect(await store.pendingBulkItems(ns, "b3", 10)).toEqual([]);
    expect(await store.openBulk(ns, "b3", { action: "cancel", filter: {} }, T + 3)).toMatchObject({
      listed: false,
      listCursor: "c",
    });
  });
});
