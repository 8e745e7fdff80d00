import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { forEachStore, historyOf, shape, waitFor } from "../support/helpers.js";

forEachStore((env) => {
  const activities = {
    a: async (_ctx: unknown, _b: unknown, input: string) => `a(${input})`,
    b: async (_ctx: unknown, _b: unknown, input: string) => `b(${input})`,
    c: async (_ctx: unknown, _b: unknown, input: string) => `c(${input})`,
  };

  /** v1: a, b, wait for "go", c. */
  const v1 = async (ctx: RunContext, input: string) => {
    const first = (await ctx.execActivity("a", input)) as string;
    const second = (await ctx.execActivity("b", first)) as string;
    const go = await ctx.awaitSignal("go", 60_000);
    const third = (await ctx.execActivity("c", `${second}+${String(go)}`)) as string;
    return { third, stamp: [ctx.now().getTime(), ctx.random(), ctx.uuid()] };
  };

  async function waitForSignalRequest(namespace: string, workflow: string, runId: string) {
    await waitFor(async () =>
      shape(await historyOf(env.client, namespace, workflow, runId)).includes("signal_request go#0"),
    );
  }

  describe("replay after a worker restart", () => {
    it("reproduces the same history with no duplicate events, and deterministic helpers repeat their values", async () => {
      const stamps: unknown[] = [];
      const workflow = async (ctx: RunContext, input: string) => {
        stamps.push([ctx.now().getTime(), ctx.random(), ctx.uuid()]);
        return v1(ctx, input);
      };
      const first = await env.worker({ namespace: "re", workflows: { flow: workflow }, activities, cacheSize: 0 });
      await env.client.runWorkflow("re", "flow", "r1", "x");
      await waitForSignalRequest("re", "flow", "r1");
      await first.stop();

      const second = await env.worker({ namespace: "re", workflows: { flow: workflow }, activities, cacheSize: 0 });
      await env.client.signalRun("re", "flow", "r1", "go", "now", "go-1");
      const result = (await env.client.awaitResult("re", "flow", "r1", { timeout: "10s" })) as { third: string };
      expect(result.third).toBe("c(b(a(x))+now)");
      await second.stop();
      expect(second.stats.workflowInvocations).toBeGreaterThanOrEqual(1);
      const events = await historyOf(env.client, "re", "flow", "r1");
      expect(shape(events)).toEqual([
        "created",
        "activity_request a#0",
        "activity_response a#0",
        "activity_request b#0",
        "activity_response b#0",
        "signal_request go#0",
        "signal_response go#0",
        "activity_request c#0",
        "activity_response c#0",
        "completed",
      ]);
      // every replay saw the same now(), random() and uuid() at the start
      expect(stamps.length).toBeGreaterThanOrEqual(2);
      for (const stamp of stamps) expect(stamp).toEqual(stamps[0]);
    });

    it("parks a run whose code now ends before commands it recorded, naming the first one left", async () => {
      // A shorter path would silently skip recorded steps (a charge, a shipment): refuse it.
      const first = await env.worker({ namespace: "short", workflows: { flow: v1 }, activities });
      await env.client.runWorkflow("short", "flow", "s1", "y");
      await waitForSignalRequest("short", "flow", "s1");
      await first.stop();
      const shorter = async (ctx: RunContext, input: string) => ({ only: await ctx.execActivity("a", input) });
      await env.worker({ namespace: "short", workflows: { flow: shorter }, activities });
      await env.client.signalRun("short", "flow", "s1", "go", 1, "go");
      await expect(env.client.awaitResult("short", "flow", "s1", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "NonDeterminismError" },
      });
      const run = await env.client.getRun("short", "flow", "s1");
      expect(run?.status).toBe("stuck");
      expect(run?.error?.message).toContain("activity_request b#0");
    });

    it("parks a run whose code changed its commands with a NonDeterminismError, while other runs complete", async () => {
      const first = await env.worker({ namespace: "nd", workflows: { flow: v1 }, activities });
      await env.client.runWorkflow("nd", "flow", "changed-order", "z");
      await env.client.runWorkflow("nd", "flow", "changed-input", "z");
      await waitForSignalRequest("nd", "flow", "changed-order");
      await waitForSignalRequest("nd", "flow", "changed-input");
      await first.stop();

      const reordered = async (ctx: RunContext, input: string) => {
        if (input === "z") {
          await ctx.execActivity("b", input); // was a
        } else {
          await ctx.execActivity("a", input);
        }
        return "never";
      };
      const newInput = async (ctx: RunContext, input: string) => {
        await ctx.execActivity("a", `${input}!`);
        return "never";
      };
      await env.worker({
        namespace: "nd",
        workflows: {
          flow: async (ctx: RunContext, input: string) => {
            if (ctx.runId === "changed-order") return reordered(ctx, input);
            if (ctx.runId === "changed-input") return newInput(ctx, input);
            return v1(ctx, input);
          },
        },
        activities,
      });
      await env.client.signalRun("nd", "flow", "changed-order", "go", 1, "go");
      await env.client.signalRun("nd", "flow", "changed-input", "go", 1, "go");
      await env.client.runWorkflow("nd", "flow", "healthy", "fine");
      await env.client.signalRun("nd", "flow", "healthy", "go", 1, "go");

      await expect(env.client.awaitResult("nd", "flow", "changed-order", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "NonDeterminismError" },
      });
      const order = await env.client.getRun("nd", "flow", "changed-order");
      expect(order?.status).toBe("stuck");
      expect(order?.error?.message).toContain("run changed-order");
      expect(order?.error?.message).toContain("activity_request a#0");
      expect(order?.error?.message).toContain("activity_request b#0");

      await expect(env.client.awaitResult("nd", "flow", "changed-input", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "NonDeterminismError" },
      });
      const input = await env.client.getRun("nd", "flow", "changed-input");
      expect(input?.error?.message).toContain('"z"');
      expect(input?.error?.message).toContain('"z!"');
      // the healthy run in the same namespace still completes
      expect(await env.client.awaitResult("nd", "flow", "healthy", { timeout: "10s" })).toMatchObject({
        third: "c(b(a(fine))+1)",
      });
    });
  });

  describe("the run cache", () => {
    it("keeps a 200-step run in memory so it is not replayed from the start at every step", async () => {
      const steps = async (ctx: RunContext, input: { n: number }) => {
        let total = 0;
        for (let i = 0; i < input.n; i++) total += (await ctx.execActivity("one", i)) as number;
        return total;
      };
      const cached = await env.worker({
        namespace: "cache-on",
        workflows: { steps },
        activities: { one: async () => 1 },
      });
      await env.client.runWorkflow("cache-on", "steps", "long", { n: 200 });
      expect(await env.client.awaitResult("cache-on", "steps", "long", { timeout: "60s" })).toBe(200);
      expect(cached.stats.workflowInvocations).toBe(1);

      const uncached = await env.worker({
        namespace: "cache-off",
        workflows: { steps },
        activities: { one: async () => 1 },
        cacheSize: 0,
      });
      await env.client.runWorkflow("cache-off", "steps", "short", { n: 20 });
      expect(await env.client.awaitResult("cache-off", "steps", "short", { timeout: "60s" })).toBe(20);
      // with the cache forced off every step replays the history from the start
      expect(uncached.stats.workflowInvocations).toBe(21);
    });

    it("keeps a run that sleeps between steps cached across claims", async () => {
      const naps = async (ctx: RunContext, input: { n: number }) => {
        for (let i = 0; i < input.n; i++) await ctx.sleep(1);
        return input.n;
      };
      const cached = await env.worker({ namespace: "naps-on", workflows: { naps }, activities: {} });
      await env.client.runWorkflow("naps-on", "naps", "n", { n: 30 });
      expect(await env.client.awaitResult("naps-on", "naps", "n", { timeout: "60s" })).toBe(30);
      expect(cached.stats.claims).toBeGreaterThanOrEqual(30);
      expect(cached.stats.workflowInvocations).toBe(1);
      expect(cached.stats.cacheHits).toBe(cached.stats.claims - 1);
    });
  });
});
