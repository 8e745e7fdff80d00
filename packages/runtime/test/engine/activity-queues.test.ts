import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { forEachStore, waitFor } from "../support/helpers.js";

forEachStore((env) => {
  describe("an activity queue", () => {
    it("runs at most `concurrency` attempts at once, and a run waiting for a slot holds no worker slot", async () => {
      const ns = "aq-conc";
      let running = 0;
      let most = 0;
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      await env.worker({
        namespace: ns,
        // Two runs at once: were the runs that wait for a slot held, the other workflow could not run.
        concurrency: 2,
        queues: { email: { concurrency: 1 } },
        workflows: {
          notify: async (ctx: RunContext, n: number) => ctx.execActivity("send", n),
          other: async () => "ran",
        },
        activities: {
          send: {
            queue: "email",
            fn: async (_ctx: ActivityContext, _backends: unknown, n: number) => {
              running++;
              most = Math.max(most, running);
              await gate;
              running--;
              return n;
            },
          },
        },
      });
      for (const n of [1, 2, 3, 4]) await env.client.runWorkflow(ns, "notify", `n-${n}`, n);
      await waitFor(async () => {
        const runs = await Promise.all([1, 2, 3, 4].map((n) => env.client.describeRun(ns, "notify", `n-${n}`)));
        return runs.filter((run) => run?.state === "waiting").length === 3;
      });
      await env.client.runWorkflow(ns, "other", "x-1", null);
      expect(await env.client.awaitResult(ns, "other", "x-1", { timeout: "10s" })).toBe("ran");
      open();
      for (const n of [1, 2, 3, 4])
        expect(await env.client.awaitResult(ns, "notify", `n-${n}`, { timeout: "20s" })).toBe(n);
      expect(most).toBe(1);
    });

    it("takes its queue from the call's options too, with a concurrency key per call", async () => {
      const ns = "aq-call";
      const open = new Map<string, number>();
      let most = 0;
      await env.worker({
        namespace: ns,
        queues: { api: { keyConcurrency: 1 } },
        workflows: {
          call: async (ctx: RunContext, tenant: string) =>
            ctx.execActivity("hit", tenant, { queue: "api", concurrencyKey: tenant }),
        },
        activities: {
          hit: async (_ctx: ActivityContext, _backends: unknown, tenant: string) => {
            open.set(tenant, (open.get(tenant) ?? 0) + 1);
            most = Math.max(most, open.get(tenant) ?? 0);
            await new Promise((resolve) => setTimeout(resolve, 30));
            open.set(tenant, (open.get(tenant) ?? 0) - 1);
            return tenant;
          },
        },
      });
      const runs = ["t1", "t1", "t1", "t2", "t2"].map((tenant, i) => ({ id: `c-${i}`, tenant }));
      for (const run of runs) await env.client.runWorkflow(ns, "call", run.id, run.tenant);
      for (const run of runs)
        expect(await env.client.awaitResult(ns, "call", run.id, { timeout: "20s" })).toBe(run.tenant);
      expect(most).toBe(1);
    });
  });
});
