import type { RowDataPacket } from "mysql2/promise";
import { expect, it } from "vitest";
import { encodeTags } from "../../src/history/index.js";
import { newEvent } from "../../src/index.js";
import { conformance, onMariaDb, step, T } from "./harness.js";

const key = (namespace: string, runId: string, workflow = "wf") => ({ namespace, workflow, runId });

conformance("tags", ({ kind, store }) => {
  it("are stored with the run, and select it in listings and counts, every tag given and its type alike", async () => {
    const ns = `tags-list-${kind}`;
    const tagged = [
      ["a1", { customer: "c-1", plan: "pro" }],
      ["a2", { customer: "c-1", plan: "free" }],
      ["a3", { customer: "c-2", plan: "pro" }],
      ["a4", { customer: "c-1", plan: "pro", seats: 5 }],
      ["a5", {}],
    ] as const;
    for (const [i, [runId, tags]] of tagged.entries()) {
      await store.createRun({ key: key(ns, runId), inputText: "null", now: T + i, tags });
    }
    expect(await store.getRun(key(ns, "a4"))).toMatchObject({ tags: { customer: "c-1", plan: "pro", seats: 5 } });
    expect((await store.getRun(key(ns, "a5")))?.tags).toEqual({});
    const ids = async (tags: Record<string, string | number>, extra = {}) =>
      (await store.listRuns({ namespace: ns, tags, ...extra })).runs.map((run) => run.runId);
    expect(await ids({ customer: "c-1" })).toEqual(["a1", "a2", "a4"]);
    expect(await ids({ customer: "c-1", plan: "pro" })).toEqual(["a1", "a4"]);
    expect(await ids({ customer: "c-1" }, { order: "desc" })).toEqual(["a4", "a2", "a1"]);
    expect(await ids({ seats: "5" })).toEqual([]);
    expect(await ids({ seats: 5 })).toEqual(["a4"]);
    const first = await store.listRuns({ namespace: ns, tags: { customer: "c-1" }, limit: 2 });
    expect(first.runs.map((run) => run.runId)).toEqual(["a1", "a2"]);
    const next = await store.listRuns({
      namespace: ns,
      tags: { customer: "c-1" },
      limit: 2,
      cursor: first.nextCursor ?? "",
    });
    expect(next.runs.map((run) => run.runId)).toEqual(["a4"]);
    const counts = await store.countRuns({ namespace: ns, tags: { customer: "c-1" } }, T + 10);
    expect(counts).toMatchObject({ statuses: { running: 3 }, queued: 3, paused: 0 });
  });

  it("set by a step are merged into the run's, found by their new values and no longer by the old", async () => {
    const ns = `tags-step-${kind}`;
    const run = key(ns, "s1");
    await store.createRun({ key: run, inputText: "null", now: T, tags: { stage: "new", customer: "c-1" } });
    const events = [newEvent.tagsSet(0, encodeTags({ stage: "paid" }), T + 1)];
    const [ok] = await store.commit([step(run, { events, tagsSet: [{ stage: "paid" }, { region: "eu" }] })]);
    expect(ok?.ok).toBe(true);
    expect((await store.getRun(run))?.tags).toEqual({ stage: "paid", customer: "c-1", region: "eu" });
    expect((await store.listRuns({ namespace: ns, tags: { stage: "paid" } })).runs).toHaveLength(1);
    expect((await store.listRuns({ namespace: ns, tags: { stage: "new" } })).runs).toHaveLength(0);
  });

  it("are inherited by children, under the child's own, and kept by a fork", async () => {
    const ns = `tags-kids-${kind}`;
    const parent = key(ns, "p1");
    await store.createRun({ key: parent, inputText: "null", now: T, tags: { customer: "c-1", plan: "pro" } });
    const childStarts = [
      { key: key(ns, "k1", "kid"), inputText: "1", waits: false, tags: { plan: "child-plan" } },
      { key: key(ns, "k2", "kid"), inputText: "2", waits: false },
    ];
    const events = [newEvent.childRequest("kid", 0, "{}", T), newEvent.childRequest("kid", 1, "{}", T)];
    await store.commit([step(parent, { events, childStarts, tagsSet: [{ stage: "shipping" }] })]);
    expect((await store.getRun(key(ns, "k1", "kid")))?.tags).toEqual({
      customer: "c-1",
      plan: "child-plan",
      stage: "shipping",
    });
    expect((await store.getRun(key(ns, "k2", "kid")))?.tags).toEqual({
      customer: "c-1",
      plan: "pro",
      stage: "shipping",
    });
    await store.forkRun({ source: parent, target: key(ns, "p1-fork"), fromStep: 0, now: T + 5 });
    expect((await store.getRun(key(ns, "p1-fork")))?.tags).toEqual({ customer: "c-1", plan: "pro", stage: "shipping" });
  });
});

onMariaDb("the tag index", (env) => {
  const { store } = env;
  it("serves a tag query from run_tags, reading the rows of the runs that have the tag, and is purged with the run", async () => {
    const ns = "tags-explain";
    for (let i = 0; i < 200; i++) {
      const tags = { customer: i % 50 === 0 ? "c-rare" : `c-${i % 7}` };
      await store.createRun({ key: key(ns, `r${i}`), inputText: "null", now: T + i, tags });
    }
    const pool = env.db?.pool;
    if (pool === undefined) throw new Error("no database");
    await pool.query("ANALYZE TABLE replay_run_tags, replay_runs");
    const sql = `EXPLAIN SELECT runs.run_id FROM replay_run_tags t
       JOIN replay_runs runs ON runs.namespace = t.namespace AND runs.workflow = t.workflow AND runs.run_id = t.run_id
      WHERE t.namespace = ? AND t.tag_key = ? AND t.tag_value = ?
      ORDER BY t.created_at, t.workflow, t.run_id LIMIT 101`;
    const [plan] = await pool.query<RowDataPacket[]>(sql, [ns, "customer", '"c-rare"']);
    const tags = plan.find((row) => row.table === "t");
    const runs = plan.find((row) => row.table === "runs");
    expect(tags).toMatchObject({ key: "PRIMARY", type: "ref" });
    expect(String(tags?.Extra ?? "")).not.toMatch(/filesort/);
    expect(Number(tags?.rows)).toBeLessThanOrEqual(10);
    expect(runs).toMatchObject({ key: "PRIMARY", type: "eq_ref" });
    expect((await store.listRuns({ namespace: ns, tags: { customer: "c-rare" } })).runs).toHaveLength(4);
    await store.terminateRun(key(ns, "r0"), "done with it", T + 300);
    const request = { namespace: ns, endedBefore: T + 1000, statuses: ["terminated" as const], limit: 10 };
    expect(await store.purgeRuns(request)).toBe(1);
    const [rows] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM replay_run_tags WHERE namespace = ?", [
      ns,
    ]);
    expect(Number(rows[0]?.n)).toBe(199);
  });
});
