import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { forEachStore, waitFor } from "../support/helpers.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

forEachStore((env) => {
  const runsOf = async (namespace: string, workflow: string) =>
    (await env.client.listRuns({ namespace, workflow, limit: 500 })).runs;

  describe("an event trigger", () => {
    it("starts one run per event, its id made from the data, its input the data", async () => {
      const ns = "trig-plain";
      await env.worker({
        namespace: ns,
        workflows: { welcome: async (_ctx: RunContext, user: { id: string }) => `hello ${user.id}` },
        activities: {},
        triggers: { welcome: { event: "user.signup", runId: (user: { id: string }) => `welcome-${user.id}` } },
      });
      expect(await env.client.publishEvent(ns, "user.signup", { id: "u1" })).toBe(true);
      // Published again (a retry without an event id): the run id is the same, so no second run.
      expect(await env.client.publishEvent(ns, "user.signup", { id: "u1" })).toBe(true);
      expect(await env.client.awaitResult(ns, "welcome", "welcome-u1", { timeout: "20s" })).toBe("hello u1");
      await pause(300);
      expect((await runsOf(ns, "welcome")).map((run) => run.runId)).toEqual(["welcome-u1"]);
    });

    it("with debounce turns a burst of 100 events of one key into one run with the last event's data", async () => {
      const ns = "trig-burst";
      await env.worker({
        namespace: ns,
        workflows: { digest: async (_ctx: RunContext, input: { n: number }) => input.n },
        activities: {},
        triggers: {
          digest: {
            event: "comment.added",
            runId: (input: { n: number }, event) => `digest-${event.key}-${input.n}`,
            debounce: { period: "3s", maxDelay: "1m" },
          },
        },
      });
      for (let n = 0; n < 100; n++) {
        await env.client.publishEvent(ns, "comment.added", { n }, { key: "post-1" });
        await pause(2);
      }
      await waitFor(async () => (await runsOf(ns, "digest")).length > 0, 20_000, "the digest run");
      expect(await env.client.awaitResult(ns, "digest", "digest-post-1-99", { timeout: "20s" })).toBe(99);
      await pause(300);
      expect((await runsOf(ns, "digest")).map((run) => run.runId)).toEqual(["digest-post-1-99"]);
    });

    describe("with singleton", () => {
      const job = async (ctx: RunContext, input: { n: number }) => {
        await ctx.awaitSignal("finish", "1h");
        return input.n;
      };
      const status = async (ns: string, runId: string) => (await env.client.getRun(ns, "job", runId))?.status;

      it("skip drops an event while the key's run runs, and starts the next one after it ended", async () => {
        const ns = "trig-skip";
        await env.worker({
          namespace: ns,
          workflows: { job },
          activities: {},
          triggers: { job: { event: "sync", runId: (input: { n: number }) => `job-${input.n}`, singleton: "skip" } },
        });
        await env.client.publishEvent(ns, "sync", { n: 1 }, { key: "acct" });
        await waitFor(async () => (await status(ns, "job-1")) === "running");
        await env.client.publishEvent(ns, "sync", { n: 2 }, { key: "acct" });
        await env.client.publishEvent(ns, "sync", { n: 3 }, { key: "other" });
        await waitFor(async () => (await status(ns, "job-3")) === "running");
        await pause(300);
        expect(await status(ns, "job-2")).toBeUndefined();
        await env.client.signalRun(ns, "job", "job-1", "finish", null, "f");
        expect(await env.client.awaitResult(ns, "job", "job-1", { timeout: "20s" })).toBe(1);
        await env.client.publishEvent(ns, "sync", { n: 4 }, { key: "acct" });
        await waitFor(async () => (await status(ns, "job-4")) === "running");
      });

      it("replace cancels the key's run and starts anew, under a new id when the run id is the key's", async () => {
        const ns = "trig-replace";
        await env.worker({
          namespace: ns,
          workflows: { job },
          activities: {},
          triggers: { job: { event: "sync", runId: () => "acct-job", singleton: "replace" } },
        });
        await env.client.publishEvent(ns, "sync", { n: 1 }, { key: "acct", eventId: "e1" });
        await waitFor(async () => (await status(ns, "acct-job")) === "running");
        await env.client.publishEvent(ns, "sync", { n: 2 }, { key: "acct", eventId: "e2" });
        await waitFor(async () => (await status(ns, "acct-job")) === "cancelled");
        await waitFor(async () => (await status(ns, "acct-job~e2")) === "running");
        await env.client.signalRun(ns, "job", "acct-job~e2", "finish", null, "f");
        expect(await env.client.awaitResult(ns, "job", "acct-job~e2", { timeout: "20s" })).toBe(2);
      });
    });

    it("raced for by two workers starts one run per event", async () => {
      const ns = "trig-race";
      const options = {
        namespace: ns,
        workflows: { handle: async (_ctx: RunContext, input: { n: number }) => input.n },
        activities: {},
        triggers: { handle: { event: "job", runId: (input: { n: number }) => `handle-${input.n}` } },
      };
      await Promise.all([env.worker(options), env.worker(options)]);
      for (let n = 0; n < 20; n++) await env.client.publishEvent(ns, "job", { n });
      for (let n = 0; n < 20; n++) {
        expect(await env.client.awaitResult(ns, "handle", `handle-${n}`, { timeout: "20s" })).toBe(n);
      }
      expect(await runsOf(ns, "handle")).toHaveLength(20);
    });
  });
});
