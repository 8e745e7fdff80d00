import { expect, it } from "vitest";
import { queueInfos } from "../../src/store/queue-records.js";
import { CAN, conformance, step, T } from "./harness.js";

conformance("queue state for operators", ({ kind, store }) => {
  it("read each queue's limits, rate window, runs by state and activity slots, in all and per key", async () => {
    const namespace = `qstate-${kind}`;
    const key = (runId: string) => ({ namespace, workflow: "wf", runId });
    await store.configureQueue(
      namespace,
      "jobs",
      { concurrency: 1, keyConcurrency: 1, rateLimit: { limit: 5, periodMs: 1000 } },
      T,
    );
    await store.configureQueue(namespace, "mail", { concurrency: 1 }, T);
    for (const [runId, concurrencyKey] of [
      ["a", "k1"],
      ["b", "k1"],
      ["c", "k2"],
    ] as const) {
      await store.createRun({ key: key(runId), inputText: "null", now: T, queue: "jobs", concurrencyKey });
    }
    // a is claimed (active, one start in the window); b and c are due and held back by the limit (queued).
    const claimed = await store.claim({
      can: CAN,
      namespace,
      owner: "w1",
      now: T + 10,
      leaseMs: 1000,
      limit: 10,
      queue: "jobs",
    });
    expect(claimed.map((run) => run.runId)).toEqual(["a"]);
    // d waits for a signal in no queue: not counted; e (default queue) asks for mail slots with f.
    for (const runId of ["e", "f"]) {
      await store.createRun({ key: key(runId), inputText: "null", now: T });
      await store.commit([step(key(runId), { wakeAt: null })]);
    }
    const ask = (runId: string, now: number) => ({
      key: key(runId),
      iteration: 0,
      target: "send",
      seq: 0,
      queue: "mail",
      concurrencyKey: "k9",
      owner: "w1",
      now,
      leaseUntil: now + 1000,
    });
    expect((await store.acquireSlot(ask("e", T + 20))).granted).toBe(true);
    expect((await store.acquireSlot(ask("f", T + 21))).granted).toBe(false);
    const queues = queueInfos(await store.queueState(namespace, T + 30), T + 30);
    expect(queues).toEqual([
      {
        name: "jobs",
        limits: { concurrency: 1, keyConcurrency: 1, rateLimit: { limit: 5, periodMs: 1000 } },
        window: { starts: 1, freesAt: new Date(T + 1010) },
        runs: { queued: 2, active: 1, waiting: 0 },
        activities: { active: 0, waiting: 0 },
        keys: [
          { key: "k1", runs: { queued: 1, active: 1, waiting: 0 }, activities: { active: 0, waiting: 0 } },
          { key: "k2", runs: { queued: 1, active: 0, waiting: 0 }, activities: { active: 0, waiting: 0 } },
        ],
      },
      {
        name: "mail",
        limits: { concurrency: 1 },
        runs: { queued: 0, active: 0, waiting: 0 },
        activities: { active: 1, waiting: 1 },
        keys: [{ key: "k9", runs: { queued: 0, active: 0, waiting: 0 }, activities: { active: 1, waiting: 1 } }],
      },
    ]);
    expect(await store.queueState(`${namespace}-none`, T)).toEqual({ configs: [], tallies: [] });
  });
});
