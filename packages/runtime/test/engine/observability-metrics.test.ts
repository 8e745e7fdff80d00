import { MeterProvider, type MetricData, MetricReader } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { NonRetryableError } from "../../src/index.js";
import { type EngineEnv, forEachStore, historyOf, waitFor } from "../support/helpers.js";

/** A reader that hands over what was recorded when asked: the in-memory reader of these tests. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}

  async metrics(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await this.collect();
    expect(errors).toEqual([]);
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }
}

/** Data points of a metric as "label=value,..." -> value (a number, or a histogram's count). */
async function pointsOf(reader: CollectingReader, name: string): Promise<Record<string, number>> {
  const metric = (await reader.metrics()).find((candidate) => candidate.descriptor.name === name);
  const points: Record<string, number> = {};
  for (const point of metric?.dataPoints ?? []) {
    const labels = Object.entries(point.attributes)
      .filter(([label]) => label !== "namespace")
      .map(([label, value]) => `${label}=${String(value)}`)
      .sort()
      .join(",");
    const value = point.value as number | { count: number; sum?: number };
    points[labels] = typeof value === "number" ? value : value.count;
  }
  return points;
}

async function histogramSum(reader: CollectingReader, name: string): Promise<number> {
  const metric = (await reader.metrics()).find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []).reduce((total, point) => total + ((point.value as { sum?: number }).sum ?? 0), 0);
}

/** A client and a worker of `namespace` that record through a meter provider of the test's own. */
async function metered(env: EngineEnv, options: Parameters<EngineEnv["worker"]>[0]) {
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const client = env.clientWith({ meterProvider });
  const worker = await env.worker({ ...options, client, metrics: { meterProvider } });
  return { reader, client, worker };
}

const waitsFor = (env: EngineEnv, namespace: string, workflow: string, runId: string) =>
  waitFor(
    async () => (await historyOf(env.client, namespace, workflow, runId)).some((e) => e.type === "signal_request"),
    20_000,
    `${runId} to wait for a signal`,
  );

forEachStore((env) => {
  describe("metrics", () => {
    it("count runs, attempts, failures and cache use of a known workload exactly", async () => {
      const { reader, client, worker } = await metered(env, {
        namespace: "metered",
        workflows: {
          order: async (ctx: RunContext) => {
            await ctx.execActivity("ok", null);
            await ctx.execActivity("flaky", null);
            await ctx.awaitSignal("go", 600_000);
            return "done";
          },
          boom: async (ctx: RunContext) => ctx.execActivity("bad", null),
          waiter: async (ctx: RunContext) => ctx.awaitSignal("never", 600_000),
        },
        activities: {
          ok: async () => "ok",
          flaky: {
            fn: async (ctx: ActivityContext) => {
              if (ctx.attempt === 1) throw new Error("first attempt fails");
              return "ok";
            },
            retry: { initialInterval: "10ms" },
          },
          bad: async () => {
            throw new NonRetryableError("never works");
          },
        },
      });
      const orders = ["m-1", "m-2", "m-3"];
      for (const runId of orders) await client.runWorkflow("metered", "order", runId, null);
      await client.runWorkflow("metered", "boom", "m-boom", null);
      await client.runWorkflow("metered", "waiter", "m-wait", null);
      // A start of a run that exists is not a start.
      expect(await client.runWorkflow("metered", "order", "m-1", null)).toBe(false);
      for (const runId of orders) await waitsFor(env, "metered", "order", runId);
      await waitsFor(env, "metered", "waiter", "m-wait");
      for (const runId of orders) await client.signalRun("metered", "order", runId, "go", null, "go");
      await client.cancelRun("metered", "waiter", "m-wait");
      for (const runId of orders) await client.awaitResult("metered", "order", runId, { timeout: "20s" });
      await expect(client.awaitResult("metered", "boom", "m-boom", { timeout: "20s" })).rejects.toThrow();
      await expect(client.awaitResult("metered", "waiter", "m-wait", { timeout: "20s" })).rejects.toThrow();

      expect(await pointsOf(reader, "replaykit.runs.started")).toEqual({
        "workflow=order": 3,
        "workflow=boom": 1,
        "workflow=waiter": 1,
      });
      // A reader may see a run's end committed a moment before the worker that committed it
      // hears back from the server and counts it.
      await waitFor(
        async () => Object.values(await pointsOf(reader, "replaykit.runs.ended")).reduce((a, b) => a + b, 0) === 5,
        20_000,
        "the worker to count the runs that ended",
      );
      expect(await pointsOf(reader, "replaykit.runs.ended")).toEqual({
        "status=completed,workflow=order": 3,
        "status=failed,workflow=boom": 1,
        "status=cancelled,workflow=waiter": 1,
      });
      expect(await pointsOf(reader, "replaykit.activity.attempts")).toEqual({
        "activity=ok": 3,
        "activity=flaky": 6,
        "activity=bad": 1,
      });
      expect(await pointsOf(reader, "replaykit.activity.failures")).toEqual({ "activity=flaky": 3, "activity=bad": 1 });
      expect(await pointsOf(reader, "replaykit.activity.duration")).toEqual({
        "activity=ok": 3,
        "activity=flaky": 6,
        "activity=bad": 1,
      });
      // Each order waits in the cache twice (for its retry, for its signal), the waiter once (for its cancel).
      expect(await pointsOf(reader, "replaykit.cache.hits")).toEqual({ "": 7 });
      expect(await pointsOf(reader, "replaykit.cache.misses")).toEqual({});
      expect(await pointsOf(reader, "replaykit.signal.to_resume")).toEqual({ "workflow=order": 3 });
      const takeUps = Object.values(await pointsOf(reader, "replaykit.run.schedule_to_start"));
      expect(takeUps.reduce((a, b) => a + b, 0)).toBe(worker.stats.claims);
      // Every committed step is timed once and written by exactly one group commit.
      const steps = Object.values(await pointsOf(reader, "replaykit.step.duration")).reduce((a, b) => a + b, 0);
      expect(steps).toBeGreaterThanOrEqual(5 * 2);
      expect(await histogramSum(reader, "replaykit.commit.batch_size")).toBe(steps);
      expect(await pointsOf(reader, "replaykit.leases.taken_over")).toEqual({});
    });

    it("count a run parked as stuck as ended with status stuck", async () => {
      const { reader, client } = await metered(env, {
        namespace: "parked",
        // A restart input that cannot be stored parks the run.
        workflows: { loop: async (ctx: RunContext) => ctx.restart({ big: 1n }) },
        activities: {},
      });
      await client.runWorkflow("parked", "loop", "s-1", null);
      await expect(client.awaitResult("parked", "loop", "s-1", { timeout: "20s" })).rejects.toThrow(/stuck/);
      expect(await pointsOf(reader, "replaykit.runs.ended")).toEqual({ "status=stuck,workflow=loop": 1 });
    });

    it("count a lease taken over from a worker that let it run out", async () => {
      const { reader, client } = await metered(env, {
        namespace: "takeover",
        workflows: { quick: async () => "done" },
        activities: {},
      });
      // A run no worker of this process takes up at once: it waits for its start time.
      const startAt = new Date(client.clock.now() + 50);
      await client.runWorkflow("takeover", "quick", "t-1", null, { startAt });
      const claimed = await client.store.claim({
        namespace: "takeover",
        owner: "a worker that died",
        now: client.clock.now() + 60,
        leaseMs: 100,
        limit: 1,
        can: { workflows: ["quick"], activities: [] },
      });
      expect(claimed.map((run) => run.runId)).toEqual(["t-1"]);
      expect(await client.awaitResult("takeover", "quick", "t-1", { timeout: "20s" })).toBe("done");
      expect(await pointsOf(reader, "replaykit.leases.taken_over")).toEqual({ "": 1 });
    });

    it("report a queue's depth and the claims its limit held back", async () => {
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const { reader, client } = await metered(env, {
        namespace: "queued",
        queues: { slow: { concurrency: 1 } },
        workflows: { job: async (ctx: RunContext) => ctx.execActivity("hold", null) },
        activities: { hold: () => gate.then(() => "held") },
      });
      for (const runId of ["q-1", "q-2", "q-3"])
        await client.runWorkflow("queued", "job", runId, null, { queue: "slow" });
      await waitFor(
        async () => ((await pointsOf(reader, "replaykit.queue.limit_waits"))["queue=slow"] ?? 0) > 0,
        20_000,
        "a claim held back by the queue's limit",
      );
      // The depth is read from the database at most every 5 s: wait for a reading after the first claim.
      await waitFor(
        async () => (await pointsOf(reader, "replaykit.queue.depth"))["queue=slow"] === 2,
        20_000,
        "a queue depth of 2 (one of three runs in progress)",
      );
      open();
      for (const runId of ["q-1", "q-2", "q-3"]) await client.awaitResult("queued", "job", runId, { timeout: "20s" });
    });
  });
});
