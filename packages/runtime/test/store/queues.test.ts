import { expect, it } from "vitest";
import { CAN, conformance, key, step, T } from "./harness.js";

conformance("queues", ({ kind, store }) => {
  const inQueue = (queue: string, runId: string, extra: Record<string, unknown> = {}) =>
    store.createRun({ key: key(runId), inputText: "null", now: T, queue, ...extra });
  const claimFrom = (queue: string, owner: string, now = T + 10, limit = 10) =>
    store.claim({ can: CAN, namespace: "conf", owner, now, leaseMs: 1000, limit, queue });

  it("keep their runs out of the default queue, and store priority, key and start time", async () => {
    await inQueue(`q-kept-${kind}`, `kept-${kind}`, { priority: 3, concurrencyKey: "tenant-1", startAt: T + 5000 });
    expect(await store.getRun(key(`kept-${kind}`))).toMatchObject({
      queue: `q-kept-${kind}`,
      priority: 3,
      concurrencyKey: "tenant-1",
    });
    const fromDefault = await store.claim({
      can: CAN,
      namespace: "conf",
      owner: "d",
      now: T + 9000,
      leaseMs: 1000,
      limit: 1000,
    });
    expect(fromDefault.map((run) => run.runId)).not.toContain(`kept-${kind}`);
    expect(await claimFrom(`q-kept-${kind}`, "d", T + 4000)).toEqual([]);
    expect(await store.nextWake("conf", T + 4000, [`q-kept-${kind}`], { can: CAN })).toBe(T + 5000);
    expect((await claimFrom(`q-kept-${kind}`, "d", T + 5000)).map((run) => run.runId)).toEqual([`kept-${kind}`]);
  });

  it("claim within concurrency and per-key limits, round robin across keys", async () => {
    const queue = `q-fair-${kind}`;
    await store.configureQueue("conf", queue, { concurrency: 3, keyConcurrency: 1 }, T);
    for (const [i, tenant] of ["a", "a", "a", "a", "b", "c"].entries()) {
      await inQueue(queue, `${queue}-${i}`, { concurrencyKey: tenant });
    }
    const first = await claimFrom(queue, "w1");
    expect(first.map((run) => run.runId)).toEqual([`${queue}-0`, `${queue}-4`, `${queue}-5`]);
    expect(await claimFrom(queue, "w2")).toEqual([]);
    // The lease of w1's runs ends at T + 1010: their slots are free again.
    const later = await claimFrom(queue, "w2", T + 2000);
    expect(later).toHaveLength(3);
  });

  it("start at most rateLimit runs in any sliding window", async () => {
    const queue = `q-rate-${kind}`;
    await store.configureQueue("conf", queue, { rateLimit: { limit: 2, periodMs: 1000 } }, T);
    for (let i = 0; i < 5; i++) await inQueue(queue, `${queue}-${i}`);
    expect(await claimFrom(queue, "r", T + 10)).toHaveLength(2);
    expect(await claimFrom(queue, "r", T + 2000 - 991)).toHaveLength(0);
    expect(await claimFrom(queue, "r", T + 1011)).toHaveLength(2);
    expect(await claimFrom(queue, "r", T + 1500)).toHaveLength(0);
  });

  const ids = (runs: readonly { runId: string }[]) => runs.map((run) => run.runId);
  /** Claims `runId` alone (limit 1 at T + 10), then lets it go after a step, due again at `wakeAt`. */
  const startAndRelease = async (queue: string, runId: string, wakeAt: number) => {
    expect(ids(await claimFrom(queue, "w1", T + 10, 1))).toEqual([runId]);
    const [result] = await store.commit([step(key(runId), { wakeAt })]);
    expect(result?.ok).toBe(true);
  };

  it("claim a started run's wake while the rate allowance is spent, however many fresh runs wait", async () => {
    const queue = `q-wake-${kind}`;
    await store.configureQueue("conf", queue, { rateLimit: { limit: 1, periodMs: 3_600_000 } }, T);
    for (let i = 0; i < 100; i++) await inQueue(queue, `${queue}-${String(i).padStart(3, "0")}`);
    await startAndRelease(queue, `${queue}-000`, T + 20);
    expect(ids(await claimFrom(queue, "w2", T + 30, 4))).toEqual([`${queue}-000`]);
  });

  it("claim a run of a key with room while every other key is at its limit with runs queued", async () => {
    const queue = `q-room-${kind}`;
    await store.configureQueue("conf", queue, { keyConcurrency: 1 }, T);
    for (let i = 0; i < 80; i++) {
      for (const n of [0, 1]) await inQueue(queue, `${queue}-${i}-${n}`, { concurrencyKey: `k${i}` });
    }
    expect(await claimFrom(queue, "w1", T + 10, 100)).toHaveLength(80);
    await inQueue(queue, `${queue}-new`, { concurrencyKey: "newcomer" });
    expect(ids(await claimFrom(queue, "w2", T + 20, 2))).toEqual([`${queue}-new`]);
  });

  it("take a started run before fresh ones of the same priority, and a higher priority first", async () => {
    const queue = `q-order-${kind}`;
    for (const runId of ["a", "b", "c"]) await inQueue(queue, `${queue}-${runId}`);
    await inQueue(queue, `${queue}-urgent`, { priority: -1, startAt: T + 25 });
    await startAndRelease(queue, `${queue}-a`, T + 20);
    expect(ids(await claimFrom(queue, "w2", T + 30, 3))).toEqual([`${queue}-urgent`, `${queue}-a`, `${queue}-b`]);
  });
});
