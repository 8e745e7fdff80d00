import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import type { ReplayClient } from "../../src/client/client.js";
import { ChildWorkflowFailure, RunEndedError, RunFailedError, UpdateFailedError } from "../../src/index.js";
import { forEachStore, historyOf, rejectionOf, waitFor } from "../support/helpers.js";

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

    it("settles the run's open updates: an accepted one fails, one no worker took up ends", async () => {
      const ns = "term-updates";
      await env.worker({
        namespace: ns,
        workflows: {
          desk: async (ctx: RunContext) => {
            ctx.onUpdate("wait", async () => ctx.awaitSignal("never", "1h"));
            return ctx.awaitSignal("stop", "1h");
          },
        },
        activities: {},
      });
      await env.client.runWorkflow(ns, "desk", "d-1", null);
      const accepted = await env.client.startUpdate(ns, "desk", "d-1", "wait", null);
      await env.client.pauseRun(ns, "desk", "d-1");
      // Paused: the run takes no new step, so this one is stored and waits for a worker.
      const opts = { timeout: "20s", updateId: "stored" } as const;
      const waiting = rejectionOf(env.clientWith({}).executeUpdate(ns, "desk", "d-1", "wait", null, opts));
      const key = { namespace: ns, workflow: "desk", runId: "d-1" };
      const { store } = env.client as ReplayClient;
      await waitFor(async () => (await store.readRequest(key, "stored"))?.status === "requested");
      expect(await env.client.terminateRun(ns, "desk", "d-1", "closing the desk")).toBe(true);
      const failed = await rejectionOf(accepted.result({ timeout: "10s" }));
      expect(failed).toBeInstanceOf(UpdateFailedError);
      expect(failed.message).toContain("ended (terminated) before the handler of this update finished");
      expect(await store.readRequest(key, "stored")).toMatchObject({ status: "ended" });
      const ended = await waiting;
      expect(ended).toBeInstanceOf(RunEndedError);
      expect(ended.message).toContain('has ended (terminated), so update "wait" would never be handled');
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
