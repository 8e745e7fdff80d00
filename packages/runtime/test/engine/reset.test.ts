import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { NonRetryableError } from "../../src/index.js";
import { forEachStore, historyOf, waitFor } from "../support/helpers.js";

const echo = async (ctx: ActivityContext, _backends: unknown, input: unknown) => `${ctx.activity}:${String(input)}`;

forEachStore((env) => {
  describe("resetRun", () => {
    it("takes a run stuck after an unpatched change on again once the patch is deployed, with its id and its signal", async () => {
      const ns = "reset-patch";
      const activities = { a: echo, b: echo, x: echo };
      const v1 = async (ctx: RunContext) => {
        const a = await ctx.execActivity("a", 1);
        const ready = await ctx.awaitSignal("ready", "1h");
        return [a, ready, await ctx.execActivity("b", 2)];
      };
      // Deployed without a patch: x before the signal await, which the run recorded already.
      const v2 = async (ctx: RunContext) => {
        const a = await ctx.execActivity("a", 1);
        await ctx.execActivity("x", 0);
        const ready = await ctx.awaitSignal("ready", "1h");
        return [a, ready, await ctx.execActivity("b", 2)];
      };
      const v3 = async (ctx: RunContext) => {
        const a = await ctx.execActivity("a", 1);
        if (ctx.patched("add-x")) await ctx.execActivity("x", 0);
        const ready = await ctx.awaitSignal("ready", "1h");
        return [a, ready, await ctx.execActivity("b", 2)];
      };
      const first = await env.worker({ namespace: ns, workflows: { order: v1 }, activities });
      await env.client.runWorkflow(ns, "order", "o-1", null);
      await waitFor(async () => (await env.client.describeRun(ns, "order", "o-1"))?.waitingFor.signals.length === 1);
      await first.stop();
      const second = await env.worker({ namespace: ns, workflows: { order: v2 }, activities });
      await env.client.signalRun(ns, "order", "o-1", "ready", { picker: "ana" }, "evt-1");
      await waitFor(async () => (await env.client.getRun(ns, "order", "o-1"))?.status === "stuck");
      expect((await env.client.getRun(ns, "order", "o-1"))?.error?.name).toBe("NonDeterminismError");
      await second.stop();
      await env.worker({ namespace: ns, workflows: { order: v3 }, activities });
      expect(await env.client.resetRun(ns, "order", "o-1", { toStep: 1 })).toBe(1);
      expect(await env.client.awaitResult(ns, "order", "o-1", { timeout: "10s" })).toEqual([
        "a:1",
        { picker: "ana" },
        "b:2",
      ]);
      const run = await env.client.getRun(ns, "order", "o-1");
      expect(run).toMatchObject({ runId: "o-1", iteration: 1, status: "completed" });
      const old = await env.client.getHistory(ns, "order", "o-1", { iteration: 0 });
      expect(old.map((event) => event.type)).toEqual([
        "created",
        "activity_request",
        "activity_response",
        "signal_request",
      ]);
      const now = (await env.client.getHistory(ns, "order", "o-1")).map((event) => `${event.type} ${event.target}`);
      expect(now.slice(0, 4)).toEqual(["created ", "activity_request a", "activity_response a", "reset "]);
      expect(now).toContain("patched add-x");
    });

    it("delivers again, in their order, the signals the old iteration consumed after the reset point", async () => {
      const ns = "reset-signals";
      let checks = 0;
      await env.worker({
        namespace: ns,
        workflows: {
          collect: async (ctx: RunContext) => {
            const got: unknown[] = [];
            for (let i = 0; i < 3; i++) got.push(await ctx.awaitSignal("item", "1h"));
            await ctx.execActivity("check", got);
            return got;
          },
        },
        activities: {
          check: async () => {
            if (checks++ === 0) throw new NonRetryableError("the first check fails");
            return null;
          },
        },
      });
      for (const item of ["s1", "s2", "s3"]) await env.client.signalRun(ns, "collect", "c-1", "item", item, item);
      await env.client.runWorkflow(ns, "collect", "c-1", null);
      await waitFor(async () => (await env.client.getRun(ns, "collect", "c-1"))?.status === "failed");
      await env.client.resetRun(ns, "collect", "c-1", { toStep: 1 });
      expect(await env.client.awaitResult(ns, "collect", "c-1", { timeout: "10s" })).toEqual(["s1", "s2", "s3"]);
      const messages = (await historyOf(env.client, ns, "collect", "c-1"))
        .filter((event) => event.iteration === 1 && event.type === "signal_response")
        .map((event) => (event.payload as { message: unknown }).message);
      expect(messages).toEqual(["s1", "s2", "s3"]);
    });

    it("replays the steps it reuses with the random values they were recorded with", async () => {
      const ns = "reset-random";
      let fail = true;
      await env.worker({
        namespace: ns,
        workflows: {
          ids: async (ctx: RunContext) => {
            const first = await ctx.execActivity("keep", ctx.uuid());
            const second = await ctx.execActivity("flaky", ctx.uuid());
            return [first, second];
          },
        },
        activities: {
          keep: async (_ctx: ActivityContext, _backends: unknown, id: string) => id,
          flaky: async (_ctx: ActivityContext, _backends: unknown, id: string) => {
            if (fail) throw new NonRetryableError("not yet");
            return id;
          },
        },
      });
      await env.client.runWorkflow(ns, "ids", "i-1", null);
      await waitFor(async () => (await env.client.getRun(ns, "ids", "i-1"))?.status === "failed");
      const [keptId] = (await env.client.getHistory(ns, "ids", "i-1"))
        .filter((event) => event.type === "activity_request")
        .map((event) => event.payload);
      fail = false;
      await env.client.resetRun(ns, "ids", "i-1", { toStep: 1 });
      const [first, second] = (await env.client.awaitResult(ns, "ids", "i-1", { timeout: "10s" })) as string[];
      expect(first).toBe(keptId);
      expect(second).not.toBe(first);
    });

    it("takes a running run from the worker that holds it: that worker's next commit is refused", async () => {
      const ns = "reset-live";
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const started: number[] = [];
      // The operator shares no in-process bus with the worker, whose lease renewals are far apart:
      // the worker learns of the reset only when it commits the attempt it is running.
      const operator = env.clientWith({});
      await env.worker({
        namespace: ns,
        leaseMs: 60_000,
        workflows: { job: async (ctx: RunContext) => ctx.execActivity("work", ctx.iteration) },
        activities: {
          work: async (_ctx: ActivityContext, _backends: unknown, iteration: number) => {
            started.push(iteration);
            await gate;
            return iteration;
          },
        },
      });
      await env.client.runWorkflow(ns, "job", "j-1", null);
      await waitFor(() => started.length === 1);
      expect(await operator.resetRun(ns, "job", "j-1", { toStep: 0 })).toBe(1);
      open();
      expect(await env.client.awaitResult(ns, "job", "j-1", { timeout: "15s" })).toBe(1);
      expect(started).toEqual([0, 1]);
      const old = await env.client.getHistory(ns, "job", "j-1", { iteration: 0 });
      expect(old.map((event) => event.type)).toEqual(["created", "activity_request"]);
      expect(env.logs.matching("step not written: another worker committed first").length).toBeGreaterThan(0);
    });

    it("gives an update accepted after the reset point back to the run, whose new iteration applies it once", async () => {
      const ns = "reset-updates";
      await env.worker({
        namespace: ns,
        workflows: {
          desk: async (ctx: RunContext) => {
            ctx.onUpdate(
              "ship",
              async (to: string) => `shipped to ${to}, ${String(await ctx.awaitSignal("go", "1h"))}`,
            );
            await ctx.execActivity("open", null);
            return ctx.awaitSignal("close", "1h");
          },
        },
        activities: { open: async () => null },
      });
      await env.client.runWorkflow(ns, "desk", "d-1", null);
      await waitFor(async () => (await env.client.describeRun(ns, "desk", "d-1"))?.waitingFor.signals.length === 1);
      // Accepted in step 2 (after the activity and the await of "close"); its handler waits for "go".
      const handle = await env.client.startUpdate(ns, "desk", "d-1", "ship", "berlin", { updateId: "u1" });
      await waitFor(async () => (await env.client.describeRun(ns, "desk", "d-1"))?.waitingFor.signals.length === 2);
      expect(await env.client.resetRun(ns, "desk", "d-1", { toStep: 2 })).toBe(1);
      await waitFor(async () => {
        const history = await env.client.getHistory(ns, "desk", "d-1");
        return history.some((event) => event.type === "signal_request" && event.target === "go");
      });
      await env.client.signalRun(ns, "desk", "d-1", "go", "on time", "go-1");
      expect(await handle.result({ timeout: "10s" })).toBe("shipped to berlin, on time");
      await env.client.signalRun(ns, "desk", "d-1", "close", "done", "close-1");
      expect(await env.client.awaitResult(ns, "desk", "d-1", { timeout: "10s" })).toBe("done");
      const accepted = (await historyOf(env.client, ns, "desk", "d-1")).filter((e) => e.type === "update_accepted");
      expect(accepted.map((event) => event.iteration)).toEqual([0, 1]);
    });
  });
});
