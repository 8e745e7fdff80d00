import { describe, expect, it } from "vitest";
import type { ActivityContext, BulkProgress, RunContext } from "../../src/api.js";
import { NonRetryableError, ReplayError } from "../../src/index.js";
import { forEachStore, waitFor } from "../support/helpers.js";

forEachStore((env) => {
  describe("bulk", () => {
    it("pauses the running runs of one customer by tag, unpauses and signals them, the counts adding up", async () => {
      const ns = "bulk-tags";
      await env.worker({
        namespace: ns,
        workflows: { wait: async (ctx: RunContext) => ctx.awaitSignal("go", "1h") },
        activities: {},
      });
      for (let i = 0; i < 30; i++) {
        const tags = { customer: i < 20 ? "c-1" : "c-2" };
        await env.client.runWorkflow(ns, "wait", `w-${String(i).padStart(2, "0")}`, null, { tags });
      }
      await waitFor(async () => (await env.client.countRuns({ namespace: ns })).waiting === 30);
      const filter = { status: "running" as const, tags: { customer: "c-1" } };
      const paused = await env.client.bulk(ns, { filter, action: "pause" });
      expect(paused).toMatchObject({ matched: 20, done: 20, skipped: 0, failed: 0, failures: [] });
      expect(await env.client.countRuns({ namespace: ns, tags: { customer: "c-1" } })).toMatchObject({ paused: 20 });
      expect(await env.client.countRuns({ namespace: ns, tags: { customer: "c-2" } })).toMatchObject({ paused: 0 });
      await env.client.bulk(ns, { filter, action: "unpause" });
      const sent = await env.client.bulk(ns, { filter, action: "signal", signal: "go", message: "ok" });
      expect(sent).toMatchObject({ matched: 20, done: 20 });
      await waitFor(async () => (await env.client.countRuns({ namespace: ns })).statuses.completed === 20);
      expect(await env.client.getRun(ns, "wait", "w-25")).toMatchObject({ status: "running" });
    });

    it("acts on 10,000 runs in batches, reporting its progress", async () => {
      const ns = "bulk-10k";
      for (let i = 0; i < 10_000; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) => env.client.runWorkflow(ns, "idle", `r-${i + j}`, null)),
        );
      }
      const progress: BulkProgress[] = [];
      const result = await env.client.bulk(ns, {
        filter: { workflow: "idle" },
        action: "terminate",
        reason: "clean-up",
        onProgress: (now) => {
          progress.push(now);
        },
      });
      expect(result).toMatchObject({ matched: 10_000, done: 10_000, skipped: 0, failed: 0 });
      expect(progress).toHaveLength(100);
      expect(progress.map((now) => now.done)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 100));
      expect((await env.client.countRuns({ namespace: ns })).statuses).toEqual({ terminated: 10_000 });
    }, 240_000);

    it("skips a run that stopped matching since it was listed, and does nothing twice when called again", async () => {
      const ns = "bulk-skip";
      for (let i = 0; i < 250; i++) await env.client.runWorkflow(ns, "idle", `r-${String(i).padStart(3, "0")}`, null);
      const options = { batchId: "skip-1", filter: { status: "running" as const }, action: "terminate" as const };
      // The last run is ended by another hand after the first round: not running any more, so left alone.
      const result = await env.client.bulk(ns, {
        ...options,
        onProgress: async (progress) => {
          if (progress.done === 100) await env.client.terminateRun(ns, "idle", "r-249", "by hand");
        },
      });
      expect(result).toMatchObject({ matched: 250, done: 249, skipped: 1, failed: 0 });
      expect(await env.client.getRun(ns, "idle", "r-249")).toMatchObject({
        error: { message: expect.stringContaining("by hand") },
      });
      const again = await env.client.bulk(ns, options);
      expect(again).toEqual(result);
      expect(await env.client.describeBulk(ns, "skip-1")).toEqual({
        ...result,
        action: "terminate",
        listed: true,
        finished: true,
      });
      expect(await env.client.describeBulk(ns, "no-such-batch")).toBeUndefined();
      await expect(env.client.bulk(ns, { ...options, action: "cancel" })).rejects.toThrow(ReplayError);
    });

    it("tells from the store how far a batch cut short got, and that it finished once its id went on", async () => {
      const ns = "bulk-describe";
      for (let i = 0; i < 150; i++) await env.client.runWorkflow(ns, "idle", `r-${String(i).padStart(3, "0")}`, null);
      const options = { batchId: "cut-1", filter: { status: "running" as const }, action: "pause" as const };
      // The caller stops after its first round, as a process that dies would.
      const stop = new Error("the caller stopped");
      const cut = env.client.bulk(ns, {
        ...options,
        onProgress: () => {
          throw stop;
        },
      });
      await expect(cut).rejects.toBe(stop);
      expect(await env.client.describeBulk(ns, "cut-1")).toMatchObject({
        batchId: "cut-1",
        action: "pause",
        listed: true,
        finished: false,
        matched: 150,
        done: 100,
      });
      await env.client.bulk(ns, options);
      expect(await env.client.describeBulk(ns, "cut-1")).toMatchObject({ matched: 150, done: 150, finished: true });
    });

    it("resets failed runs to their first failing step, reusing what succeeded, and reports refusals with the reason", async () => {
      const ns = "bulk-reset";
      const calls = { a: 0, b: 0 };
      await env.worker({
        namespace: ns,
        workflows: {
          two: async (ctx: RunContext) => [await ctx.execActivity("a", null), await ctx.execActivity("b", null)],
          wait: async (ctx: RunContext) => ctx.awaitSignal("go", "1h"),
        },
        activities: {
          a: async () => ++calls.a,
          b: async (ctx: ActivityContext) => {
            calls.b++;
            if (calls.b <= 3) throw new NonRetryableError(`b of ${ctx.runId} fails the first time`);
            return "b";
          },
        },
      });
      for (const id of ["t-1", "t-2", "t-3"]) await env.client.runWorkflow(ns, "two", id, null);
      await waitFor(async () => (await env.client.countRuns({ namespace: ns })).statuses.failed === 3);
      const reset = await env.client.bulk(ns, { filter: { status: "failed" }, action: "reset" });
      expect(reset).toMatchObject({ matched: 3, done: 3 });
      for (const id of ["t-1", "t-2", "t-3"]) {
        expect(await env.client.awaitResult(ns, "two", id, { timeout: "10s" })).toEqual([expect.any(Number), "b"]);
      }
      expect(calls).toEqual({ a: 3, b: 6 });
      await env.client.runWorkflow(ns, "wait", "w-1", null);
      const refused = await env.client.bulk(ns, { filter: { workflow: "wait" }, action: "resume" });
      expect(refused).toMatchObject({ matched: 1, failed: 1 });
      expect(refused.failures).toEqual([
        { workflow: "wait", runId: "w-1", reason: expect.stringContaining("cannot resume run w-1: it is running") },
      ]);
    });

    it("refuses an unknown action, a signal without its name, and a bad filter before it writes anything", async () => {
      await expect(env.client.bulk("bulk-bad", { filter: {}, action: "explode" as never })).rejects.toThrow(
        /invalid action "explode": use one of "cancel", "terminate"/,
      );
      await expect(env.client.bulk("bulk-bad", { filter: {}, action: "signal" })).rejects.toThrow(/needs `signal`/);
      await expect(
        env.client.bulk("bulk-bad", { filter: { tags: { a: null as never } }, action: "pause" }),
      ).rejects.toThrow(/invalid tags filter/);
    });
  });
});
