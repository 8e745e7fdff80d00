import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { ChildWorkflowFailure, RunFailedError } from "../../src/index.js";
import { forEachStore, historyOf, waitFor } from "../support/helpers.js";

forEachStore((env) => {
  describe("terminateRun", () => {
    it("ends a stuck run as terminated, which awaitResult reports with the reason", async () => {
      const ns = "term-stuck";
      let invocation = 0;
      await env.worker({
        namespace: ns,
        cacheSize: 0,
        workflows: { flaky: async (ctx: RunContext) => ctx.execActivity("echo", ++invocation) },
        activities: { echo: async (_ctx: unknown, _b: unknown, n: number) => n },
      });
      await env.client.runWorkflow(ns, "flaky", "f-1", null);
      await waitFor(async () => (await env.client.getRun(ns, "flaky", "f-1"))?.status === "stuck");
      expect(await env.client.terminateRun(ns, "flaky", "f-1", "the v1 code is gone")).toBe(true);
      expect(await env.client.terminateRun(ns, "flaky", "f-1", "again")).toBe(false);
      const failure = (await env.client
        .awaitResult(ns, "flaky", "f-1", { timeout: "5s" })
        .catch((error: unknown) => error)) as RunFailedError;
      expect(failure).toBeInstanceOf(RunFailedError);
      expect(failure.failure).toMatchObject({ name: "RunTerminatedError" });
      expect(failure.message).toContain("the v1 code is gone");
      expect((await env.client.describeRun(ns, "flaky", "f-1"))?.state).toBe("ended");
    });

    it("aborts the activity in flight of a running run, and its worker writes nothing more", async () => {
      const ns = "term-running";
      const aborted: unknown[] = [];
      let started = false;
      await env.worker({
        namespace: ns,
        workflows: { long: async (ctx: RunContext) => ctx.execActivity("wait", null) },
        activities: {
          wait: (ctx: ActivityContext) => {
            started = true;
            return new Promise((_, reject) => {
              ctx.signal.addEventListener("abort", () => {
                aborted.push(ctx.signal.reason);
                reject(ctx.signal.reason);
              });
            });
          },
        },
      });
      await env.client.runWorkflow(ns, "long", "l-1", null);
      await waitFor(() => started);
      expect(await env.client.terminateRun(ns, "long", "l-1", "no longer needed")).toBe(true);
      await waitFor(() => aborted.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const run = await env.client.describeRun(ns, "long", "l-1");
      expect(run).toMatchObject({ status: "terminated", state: "ended" });
      expect(run?.lease).toBeUndefined();
      const types = (await historyOf(env.client, ns, "long", "l-1")).map((event) => event.type);
      expect(types).toEqual(["created", "activity_request", "terminated"]);
    });

    it("fails the child a parent waits for with a ChildWorkflowFailure of status terminated", async () => {
      const ns = "term-child";
      await env.worker({
        namespace: ns,
        workflows: {
          parent: async (ctx: RunContext) => {
            try {
              return await ctx.runChild("child", "c-1", null);
            } catch (error) {
              const failure = error as ChildWorkflowFailure;
              return {
                status: failure.status,
                name: failure.failure.name,
                child: failure instanceof ChildWorkflowFailure,
              };
            }
          },
          child: async (ctx: RunContext) => ctx.awaitSignal("never", "1h"),
        },
        activities: {},
      });
      await env.client.runWorkflow(ns, "parent", "p-1", null);
      await waitFor(async () => (await env.client.getRun(ns, "child", "c-1"))?.status === "running");
      await waitFor(async () => (await env.client.describeRun(ns, "child", "c-1"))?.waitingFor.signals.length === 1);
      await env.client.terminateRun(ns, "child", "c-1", "operator");
      expect(await env.client.awaitResult(ns, "parent", "p-1", { timeout: "10s" })).toEqual({
        status: "terminated",
        name: "RunTerminatedError",
        child: true,
      });
    });
  });
});
