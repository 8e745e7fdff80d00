import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../testing/test-env.js";
import { DEFAULTS, resolveWorkerOptions } from "./worker-options.js";

describe("resolveWorkerOptions", () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await createTestEnv();
  });
  afterEach(async () => {
    await env.close();
  });

  const base = () => ({ client: env.client, namespace: "ns", workflows: { wf: async () => null }, activities: {} });

  it("fills in every default and freezes what it returns", () => {
    const options = resolveWorkerOptions(base());
    expect(options).toMatchObject({ ...DEFAULTS, replayEveryStep: false, version: undefined, shards: undefined });
    expect(options.identity).toMatch(/^.+:\d+:[0-9a-f]{6}$/);
    expect(options.can).toEqual({ workflows: ["wf"], activities: [] });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it("turns the queues' limits into what the store keeps, in the order given", () => {
    const queues = { emails: { concurrency: 2, rateLimit: { limit: 10, period: "1m" as const } }, sms: {} };
    const options = resolveWorkerOptions({ ...base(), queues, cacheSize: 0 });
    expect(options.queueNames).toEqual(["emails", "sms"]);
    expect([...options.queues]).toEqual([
      ["emails", { concurrency: 2, rateLimit: { limit: 10, periodMs: 60_000 } }],
      ["sms", {}],
    ]);
    expect(options.replayEveryStep).toBe(true);
  });

  it("reports every problem of the options in one INVALID_WORKER_OPTIONS error", () => {
    const resolve = () =>
      resolveWorkerOptions({
        ...base(),
        leaseMs: 10,
        shards: { count: 2, index: 2 },
        queues: { q: { concurrency: 0 } },
      });
    expect(resolve).toThrow(expect.objectContaining({ code: "INVALID_WORKER_OPTIONS" }));
    expect(resolve).toThrow(
      /leaseMs must be an integer from 50 to .*; shards must be .*; queues\.q\.concurrency must be/,
    );
  });

  it("refuses queue limits beyond what the queues table holds, so a worker never fails to store them", () => {
    const resolve = (queue: Record<string, unknown>) => () => resolveWorkerOptions({ ...base(), queues: { q: queue } });
    expect(resolve({ concurrency: 3e9 })).toThrow(
      /queues\.q\.concurrency must be a whole number from 1 to 2147483647, got 3000000000/,
    );
    expect(resolve({ keyConcurrency: 2 ** 31 })).toThrow(
      /queues\.q\.keyConcurrency must be a whole number from 1 to 2147483647/,
    );
    expect(resolve({ rateLimit: { limit: 1_000_001, period: "1s" } })).toThrow(
      /queues\.q\.rateLimit\.limit must be a whole number from 1 to 1000000/,
    );
    expect(resolve({ concurrency: 2_147_483_647, rateLimit: { limit: 1_000_000, period: "1s" } })).not.toThrow();
  });
});
