import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { CancelledError } from "../../src/index.js";
import { forEachStore, historyOf, shape, waitFor } from "../support/helpers.js";

forEachStore((env) => {
  describe("isolation between runs", () => {
    it("ignores a late activity response for a run that already completed, and stalls nothing", async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let lateFinished = false;
      let slowStarted = false;
      await env.worker({
        namespace: "late",
        workflows: {
          hasty: async (ctx: RunContext) => {
            void ctx.execActivity("slow", null).catch(() => {});
            await ctx.execActivity("quick", null);
            return "done before slow";
          },
          next: async (ctx: RunContext) => ctx.execActivity("quick", null),
        },
        activities: {
          slow: async () => {
            slowStarted = true;
            await gate;
            lateFinished = true;
            return "too late";
          },
          quick: async () => "quick",
        },
      });
      await env.client.runWorkflow("late", "hasty", "h1", null);
      expect(await env.client.awaitResult("late", "hasty", "h1", { timeout: "10s" })).toBe("done before slow");
      expect(slowStarted).toBe(true);
      release();
      await waitFor(() => lateFinished, 10_000, "the slow activity to finish");
      await env.client.runWorkflow("late", "next", "n1", null);
      expect(await env.client.awaitResult("late", "next", "n1", { timeout: "10s" })).toBe("quick");
      const events = await historyOf(env.client, "late", "hasty", "h1");
      expect(shape(events)).toEqual([
        "created",
        "activity_request slow#0",
        "activity_request quick#0",
        "activity_response quick#0",
        "completed",
      ]);
      const run = await env.client.getRun("late", "hasty", "h1");
      expect(run?.status).toBe("completed");
    });

    it("does not let an activity that always throws delay other runs' activities", async () => {
      let failures = 0;
      await env.worker({
        namespace: "hol",
        concurrency: 2,
        workflows: {
          broken: async (ctx: RunContext) => ctx.execActivity("alwaysThrows", null),
          fine: async (ctx: RunContext, input: number) => ctx.execActivity("double", input),
        },
        activities: {
          alwaysThrows: {
            fn: async () => {
              failures++;
              throw new Error("never works");
            },
            retry: { initialInterval: 50, backoffCoefficient: 1 },
          },
          double: async (_ctx: ActivityContext, _backends: unknown, n: number) => n * 2,
        },
      });
      await env.client.runWorkflow("hol", "broken", "b1", null);
      await env.client.runWorkflow("hol", "broken", "b2", null);
      await waitFor(() => failures >= 2);
      const ids = Array.from({ length: 20 }, (_, i) => i);
      for (const i of ids) await env.client.runWorkflow("hol", "fine", `f${i}`, i);
      const results = await Promise.all(
        ids.map((i) => env.client.awaitResult("hol", "fine", `f${i}`, { timeout: "20s" })),
      );
      expect(results).toEqual(ids.map((i) => i * 2));
      const broken = await env.client.getRun("hol", "broken", "b1");
      expect(broken?.status).toBe("running");
      await waitFor(() => failures > 2, 10_000, "the broken runs to keep retrying");
      await env.client.cancelRun("hol", "broken", "b1");
      await env.client.cancelRun("hol", "broken", "b2");
    });
  });

  describe("cancelRun", () => {
    const cancellable = async (ctx: RunContext, input: { mode: "activity" | "sleep" | "signal" }) => {
      try {
        if (input.mode === "activity") await ctx.execActivity("wait", null);
        if (input.mode === "sleep") await ctx.sleep("1h");
        if (input.mode === "signal") await ctx.awaitSignal("never", "1h");
        return "not cancelled";
      } catch (error) {
        if (error instanceof CancelledError) await ctx.execActivity("cleanup", ctx.runId);
        throw error;
      }
    };

    it("ends a running, a sleeping and a signal-waiting run as cancelled, after its cleanup activity", async () => {
      const cleaned: string[] = [];
      let waiting = 0;
      await env.worker({
        namespace: "cancel",
        workflows: { cancellable },
        activities: {
          wait: async (ctx: ActivityContext) => {
            waiting++;
            await new Promise((resolve) => setTimeout(resolve, 1500));
            return ctx.runId;
          },
          cleanup: async (_ctx: ActivityContext, _backends: unknown, runId: string) => {
            cleaned.push(runId);
            return null;
          },
        },
      });
      for (const mode of ["activity", "sleep", "signal"] as const) {
        await env.client.runWorkflow("cancel", "cancellable", mode, { mode });
      }
      await waitFor(async () => {
        const done = await Promise.all(
          ["sleep", "signal"].map(async (mode) =>
            shape(await historyOf(env.client, "cancel", "cancellable", mode)).some(
              (s) => s.endsWith("_request") || s.includes("_request "),
            ),
          ),
        );
        return waiting > 0 && done.every(Boolean);
      });
      for (const mode of ["activity", "sleep", "signal"]) {
        expect(await env.client.cancelRun("cancel", "cancellable", mode)).toBe(true);
        expect(await env.client.cancelRun("cancel", "cancellable", mode)).toBe(false);
      }
      for (const mode of ["activity", "sleep", "signal"]) {
        await expect(env.client.awaitResult("cancel", "cancellable", mode, { timeout: "10s" })).rejects.toMatchObject({
          name: "RunFailedError",
          failure: { name: "CancelledError" },
        });
        const run = await env.client.getRun("cancel", "cancellable", mode);
        expect(run?.status).toBe("cancelled");
        const types = (await historyOf(env.client, "cancel", "cancellable", mode)).map((event) => event.type);
        expect(types).toContain("cancel_requested");
        expect(types).toContain("cancel_delivered");
        expect(types.at(-1)).toBe("cancelled");
      }
      expect(cleaned.sort()).toEqual(["activity", "signal", "sleep"]);
    });
  });
});
