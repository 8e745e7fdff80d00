import { expect, it } from "vitest";
import type { RunKey } from "../../src/index.js";
import { shardOf } from "../../src/shard.js";
import { claimable, type WorkerFilter } from "../../src/store/rules/claim-filter.js";
import { CAN, conformance, step, T } from "./harness.js";

conformance("claims and leases", ({ kind, store }) => {
  it("lease due runs to one owner until the lease ends, oldest wake first, within shards", async () => {
    const namespace = `claims-${kind}`;
    const runs = [1, 2, 3].map((i) => ({ namespace, workflow: "wf", runId: `c${i}` }));
    for (const [i, run] of runs.entries()) await store.createRun({ key: run, inputText: "null", now: T + 10 - i });
    expect(await store.nextWake(namespace, T, [], { can: CAN })).toBe(T + 8);
    const first = await store.claim({ can: CAN, namespace, owner: "a", now: T + 20, leaseMs: 100, limit: 2 });
    expect(first.map((run) => run.runId)).toEqual(["c3", "c2"]);
    const second = await store.claim({ can: CAN, namespace, owner: "b", now: T + 20, leaseMs: 100, limit: 5 });
    expect(second.map((run) => run.runId)).toEqual(["c1"]);
    expect(await store.claim({ can: CAN, namespace, owner: "c", now: T + 20, leaseMs: 100, limit: 5 })).toEqual([]);
    expect(await store.nextWake(namespace, T + 20, [], { can: CAN })).toBeUndefined();
    // the leases of "a" end at T + 120: then its runs may be claimed again
    const taken = await store.claim({ can: CAN, namespace, owner: "c", now: T + 121, leaseMs: 100, limit: 5 });
    expect(taken.map((run) => run.runId).sort()).toEqual(["c1", "c2", "c3"]);
    expect(await store.readRun(runs[0] as RunKey, "a", T + 122)).toBeUndefined();
    const shard = await store.claim({
      can: CAN,
      namespace,
      owner: "d",
      now: T + 500,
      leaseMs: 100,
      limit: 5,
      shards: { count: 2, index: 0 },
    });
    const other = await store.claim({
      can: CAN,
      namespace,
      owner: "e",
      now: T + 500,
      leaseMs: 100,
      limit: 5,
      shards: { count: 2, index: 1 },
    });
    expect([...shard, ...other].map((run) => run.runId).sort()).toEqual(["c1", "c2", "c3"]);
  });

  it("are renewed, released one by one or all at once, by their owner only", async () => {
    const namespace = `leases-${kind}`;
    const runs = [1, 2].map((i) => ({ namespace, workflow: "wf", runId: `l${i}` }));
    for (const run of runs) await store.createRun({ key: run, inputText: "null", now: T });
    await store.claim({ can: CAN, namespace, owner: "a", now: T, leaseMs: 100, limit: 5 });
    expect(await store.renewLeases(runs, "a", T + 1000)).toBe(2);
    expect(await store.renewLeases(runs, "b", T + 1000)).toBe(0);
    expect(await store.claim({ can: CAN, namespace, owner: "b", now: T + 500, leaseMs: 100, limit: 5 })).toEqual([]);
    await store.release(runs[0] as RunKey, "b", T);
    expect(await store.nextWake(namespace, T + 500, [], { can: CAN })).toBeUndefined();
    await store.release(runs[0] as RunKey, "a", T + 700);
    expect(await store.nextWake(namespace, T + 500, [], { can: CAN })).toBe(T + 700);
    expect(await store.releaseAll(namespace, "a", T + 600)).toBe(1);
    const claimed = await store.claim({ can: CAN, namespace, owner: "b", now: T + 600, leaseMs: 100, limit: 5 });
    expect(claimed.map((run) => run.runId)).toEqual(["l2"]);
  });

  it("are reported to their holder as they are now, whoever holds them: wake_gen, request_gen, cancel, pause, status, version", async () => {
    const namespace = `held-${kind}`;
    const runs = [1, 2].map((i) => ({ namespace, workflow: "wf", runId: `h${i}` }));
    for (const run of runs) await store.createRun({ key: run, inputText: "null", now: T });
    await store.claim({ can: CAN, namespace, owner: "a", now: T, leaseMs: 100, limit: 5 });
    await store.addSignal(runs[0] as RunKey, { signal: "go", externalId: "g", payloadText: "1" }, T + 1);
    await store.setPaused(runs[1] as RunKey, true, T + 1);
    const held = await store.heldRuns([...runs, { namespace, workflow: "wf", runId: "gone" }]);
    expect(held.map(({ key, ...state }) => [key.runId, state])).toEqual([
      ["h1", { wakeGen: 1, requestGen: 0, cancelRequested: false, paused: false, status: "running", version: 0 }],
      ["h2", { wakeGen: 0, requestGen: 0, cancelRequested: false, paused: true, status: "running", version: 0 }],
    ]);
    await store.terminateRun(runs[0] as RunKey, "enough", T + 2);
    expect((await store.heldRuns(runs))[0]).toMatchObject({ status: "terminated", version: 1 });
  });

  it("lease a run by key at its version when nobody or the same owner holds it, never another owner's", async () => {
    const namespace = `by-key-${kind}`;
    const run = { namespace, workflow: "wf", runId: "k1" };
    await store.createRun({ key: run, inputText: "null", now: T });
    const [released] = await store.commit([step(run, { owner: "a", wakeAt: T + 20 })]);
    expect(released?.ok).toBe(true);
    expect(await store.claimRun(run, 0, { owner: "a", now: T + 20, leaseMs: 100 })).toBeUndefined();
    // Worker a's own claim round leased it while a's local wake was taking it up: the local wake still gets it.
    const claimed = await store.claim({ can: CAN, namespace, owner: "a", now: T + 20, leaseMs: 100, limit: 5 });
    expect(claimed.map((claim) => claim.runId)).toEqual(["k1"]);
    expect(await store.claimRun(run, 1, { owner: "b", now: T + 21, leaseMs: 100 })).toBeUndefined();
    expect((await store.claimRun(run, 1, { owner: "a", now: T + 21, leaseMs: 100 }))?.version).toBe(1);
    expect((await store.heldRuns([run])).map((held) => held.key.runId)).toEqual(["k1"]);
    // Once a lets go, b may take it by key too.
    await store.release(run, "a", T + 30);
    expect((await store.claimRun(run, 1, { owner: "b", now: T + 31, leaseMs: 100 }))?.runId).toBe("k1");
  });

  it("count a stall when a takeover finds the mark of a worker that took the run over, never got through and is still present", async () => {
    const namespace = `stalls-${kind}`;
    const run = { namespace, workflow: "wf", runId: "s1" };
    await store.createRun({ key: run, inputText: "null", now: T });
    const claimAt = async (owner: string, now: number) =>
      (await store.claim({ can: CAN, namespace, owner, now, leaseMs: 100, limit: 1 })).map((c) => [
        c.stalls,
        c.takeover,
      ]);
    // Workers that froze are still present; "k" never said it was (it was killed)
    const presences = await Promise.all(["b", "c", "e", "f", "g", "h"].map((owner) => store.holdPresence(owner)));
    expect(await claimAt("a", T)).toEqual([[0, false]]);
    // "a" let its lease run out: "b" takes over, marks the run and freezes in its code
    expect(await claimAt("b", T + 200)).toEqual([[0, true]]);
    await store.markStall(run, "b");
    expect(await claimAt("c", T + 400)).toEqual([[1, true]]);
    await store.markStall(run, "c");
    expect(await claimAt("d", T + 600)).toEqual([[2, true]]);
    // "d" died before it marked the run (an outage, a kill while loading): no stall counted
    expect(await claimAt("e", T + 800)).toEqual([[2, true]]);
    // only the holder may mark; claiming again what it holds changes nothing
    await store.markStall(run, "someone-else");
    expect(await claimAt("e", T + 1000)).toEqual([[2, false]]);
    // "e" got through a step: count and mark start again
    await store.markStall(run, "e");
    await store.clearStalls(run, "someone-else");
    await store.clearStalls(run, "e");
    expect(await claimAt("f", T + 1200)).toEqual([[0, true]]);
    // a renewal shows the holder's event loop runs
    await store.markStall(run, "f");
    expect(await store.renewLeases([run], "f", T + 1250)).toBe(1);
    expect(await claimAt("g", T + 1300)).toEqual([[0, true]]);
    // a given-back run is no takeover
    await store.markStall(run, "g");
    await store.release(run, "g", T + 1350);
    expect(await claimAt("h", T + 1400)).toEqual([[0, false]]);
    // a committed step clears the mark
    await store.markStall(run, "h");
    const [written] = await store.commit([
      step(run, { owner: "h", now: T + 1410, leaseUntil: T + 1500, wakeAt: T + 1450 }),
    ]);
    expect(written).toMatchObject({ ok: true });
    await store.claim({ can: CAN, namespace, owner: "i", now: T + 1460, leaseMs: 10, limit: 1 });
    expect(await claimAt("j", T + 1500)).toEqual([[0, true]]);
    for (const presence of presences) await presence.close();
  });

  it("count no stall when the worker that marked the run is gone: killed, crashed or stopped", async () => {
    const namespace = `stalls-gone-${kind}`;
    const run = { namespace, workflow: "wf", runId: "s2" };
    await store.createRun({ key: run, inputText: "null", now: T });
    const claimAt = async (owner: string, now: number) =>
      (await store.claim({ can: CAN, namespace, owner, now, leaseMs: 100, limit: 1 }))[0]?.stalls;
    const frozen = await store.holdPresence("frozen");
    const stopped = await store.holdPresence("stopped");
    await claimAt("a", T);
    expect(await claimAt("frozen", T + 200)).toBe(0);
    await store.markStall(run, "frozen");
    expect(await claimAt("killed", T + 400)).toBe(1);
    // "killed" marked the run and died: its presence never existed or ended with its process
    await store.markStall(run, "killed");
    expect(await claimAt("stopped", T + 600)).toBe(1);
    await store.markStall(run, "stopped");
    await stopped.close();
    expect(await claimAt("x", T + 800)).toBe(1);
    // and a present worker that freezes again counts again
    await store.markStall(run, "x");
    expect(await claimAt("frozen", T + 1000)).toBe(1);
    await store.markStall(run, "frozen");
    expect(await claimAt("y", T + 1200)).toBe(2);
    await frozen.close();
  });
});

/*
 * The claim filter is written twice: claimable (rules/claim-filter.ts), which the memory store
 * and the worker's in-process take call, and its SQL twin (store/mysql/claim-filter.ts). This
 * case fails when a store's claim takes other runs than the rule passes.
 */
conformance("claims and the claim filter", ({ kind, store }) => {
  const wakes = { due: T - 100, later: T + 10_000 };
  const leases = { none: undefined, live: 1_000_000, expired: 10 };
  const filters: WorkerFilter[] = [
    { can: { workflows: ["wf"], activities: ["a"] } },
    { can: { workflows: ["wf", "other"], activities: ["a"] }, version: "v1" },
    { can: { workflows: ["wf", "other"], activities: ["a", "zz"] }, shards: { count: 2, index: 0 } },
    { can: { workflows: ["other"], activities: [] }, version: "v2", shards: { count: 3, index: 1 } },
  ];

  /** One run of every combination of workflow, pin, wanted activity, wake time, lease and pause, as the rule sees each. */
  async function everyKindOfRun(namespace: string) {
    const runs = [];
    let n = 0;
    for (const workflow of ["wf", "other"])
      for (const codeVersion of [null, "v1", "v2"])
        for (const wantedActivity of [null, "a", "zz"])
          for (const [wakeName, wakeAt] of Object.entries(wakes))
            for (const [leaseName, leaseMs] of Object.entries(leases)) {
              const paused = n % 5 === 0;
              const key = { namespace, workflow, runId: `${wakeName}-${leaseName}-${n++}` };
              await store.createRun({ key, inputText: "null", now: T - 1000, codeVersion: codeVersion ?? undefined });
              const [set] = await store.commit([
                step(key, { owner: "setup", now: T - 900, wakeAt, wantedActivity: wantedActivity ?? undefined }),
              ]);
              expect(set?.ok).toBe(true);
              if (leaseMs !== undefined) await store.claimRun(key, 1, { owner: "holder", now: T - 50, leaseMs });
              if (paused) await store.setPaused(key, true, T - 40);
              const leaseUntil = leaseMs === undefined ? null : T - 50 + leaseMs;
              runs.push({ ...key, codeVersion, wantedActivity, wakeAt: paused ? null : wakeAt, leaseUntil, paused });
            }
    return runs;
  }

  for (const [i, filter] of filters.entries()) {
    it(`take exactly the runs the claim filter passes (filter ${i + 1})`, async () => {
      const namespace = `claim-filter-${kind}-${i}`;
      const runs = await everyKindOfRun(namespace);
      const expected = runs.filter((run) => claimable(filter, run, T)).map((run) => `${run.workflow}/${run.runId}`);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(runs.length);
      const claimed = await store.claim({ ...filter, namespace, owner: "claimer", now: T, leaseMs: 1000, limit: 1000 });
      expect(claimed.map((run) => `${run.workflow}/${run.runId}`).sort()).toEqual(expected.sort());
    });
  }

  it("wake a worker only for runs of its version and shards, as its claims", async () => {
    const namespace = `wake-filter-${kind}`;
    const create = (runId: string, startAt: number, codeVersion?: string) =>
      store.createRun({
        key: { namespace, workflow: "wf", runId },
        inputText: "null",
        now: T - 1000,
        startAt,
        codeVersion,
      });
    // Due now but pinned to v1: a worker of v2 may not take it, so it must not wake that worker.
    await create("pinned-v1", T - 100, "v1");
    await create("pinned-v2", T + 5000, "v2");
    const v2 = { can: CAN, version: "v2" };
    expect(await store.nextWake(namespace, T, [], v2)).toBe(T + 5000);
    expect(await store.nextWake(namespace, T, [], { can: CAN, version: "v1" })).toBe(T - 100);
    const shard = shardOf("pinned-v1") % 2;
    expect(await store.nextWake(namespace, T, [], { can: CAN, shards: { count: 2, index: 1 - shard } })).not.toBe(
      T - 100,
    );
    expect(await store.claim({ ...v2, namespace, owner: "v2", now: T, leaseMs: 1000, limit: 10 })).toEqual([]);
  });
});
