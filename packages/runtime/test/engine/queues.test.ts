import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { forEachStore, waitFor } from "../support/helpers.js";

forEachStore((env) => {
  describe("queues", () => {
    it("run in priority order, ties in start order, through a queue of concurrency 1", async () => {
      const order: string[] = [];
      const runs = [
        { id: "low-a", priority: 5 },
        { id: "urgent", priority: -1 },
        { id: "mid-a", priority: 0 },
        { id: "low-b", priority: 5 },
        { id: "mid-b", priority: 0 },
      ];
      for (const run of runs) {
        await env.client.runWorkflow("prio", "job", run.id, null, { queue: "single", priority: run.priority });
      }
      await env.worker({
        namespace: "prio",
        queues: { single: { concurrency: 1 } },
        workflows: { job: async (ctx: RunContext) => ctx.execActivity("record", ctx.runId) },
        activities: {
          record: async (_ctx: ActivityContext, _b: unknown, id: string) => {
            order.push(id);
            return id;
          },
        },
      });
      for (const run of runs) await env.client.awaitResult("prio", "job", run.id, { timeout: "10s" });
      expect(order).toEqual(["urgent", "mid-a", "mid-b", "low-a", "low-b"]);
    });

    it("start a delayed run not before its time", async () => {
      await env.worker({
        namespace: "later",
        workflows: { stamp: async (ctx: RunContext) => ctx.execActivity("clock", null) },
        activities: { clock: async () => Date.now() },
      });
      const before = Date.now();
      await env.client.runWorkflow("later", "stamp", "d1", null, { delay: "400ms" });
      await env.client.runWorkflow("later", "stamp", "d2", null, { startAt: new Date(Date.now() + 300) });
      const startedD1 = (await env.client.awaitResult("later", "stamp", "d1", { timeout: "10s" })) as number;
      const startedD2 = (await env.client.awaitResult("later", "stamp", "d2", { timeout: "10s" })) as number;
      expect(startedD1 - before).toBeGreaterThanOrEqual(390);
      expect(startedD2 - before).toBeGreaterThanOrEqual(290);
      await expect(
        env.client.runWorkflow("later", "stamp", "d3", null, { delay: "1s", startAt: new Date() }),
      ).rejects.toThrow(/startAt or delay, not both/);
    });

    it("hold a slot only while a worker holds the run, and count queued, active and waiting runs", async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      await env.worker({
        namespace: "slots",
        queues: { partner: { concurrency: 1 } },
        workflows: {
          waits: async (ctx: RunContext) => ctx.awaitSignal("go", "1h"),
          calls: async (ctx: RunContext) => ctx.execActivity("call", null),
        },
        activities: { call: () => gate.then(() => "called") },
      });
      // A run waiting for a signal holds no slot: the calls still get theirs, one at a time.
      await env.client.runWorkflow("slots", "waits", "w1", null, { queue: "partner" });
      await waitFor(async () => (await env.client.countRuns({ namespace: "slots", queue: "partner" })).waiting === 1);
      for (const id of ["c1", "c2"]) await env.client.runWorkflow("slots", "calls", id, null, { queue: "partner" });
      await waitFor(async () => {
        const counts = await env.client.countRuns({ namespace: "slots", queue: "partner" });
        return counts.active === 1 && counts.queued === 1 && counts.waiting === 1;
      });
      release();
      for (const id of ["c1", "c2"]) {
        expect(await env.client.awaitResult("slots", "calls", id, { timeout: "10s" })).toBe("called");
      }
      const counts = await env.client.countRuns({ namespace: "slots", queue: "partner" });
      expect(counts).toMatchObject({ statuses: { running: 1, completed: 2 }, queued: 0, active: 0, waiting: 1 });
    });

    it("take a child started with a queue through that queue, and only on a worker that serves it", async () => {
      const parent = async (ctx: RunContext) => {
        await ctx.startChild("mail", "m1", "hello", { queue: "outbox" });
        return ctx.runChild("mail", "m2", "again", { queue: "outbox" });
      };
      const mail = async (_ctx: RunContext, text: string) => `sent ${text}`;
      const first = await env.worker({ namespace: "kids", workflows: { parent, mail }, activities: {} });
      await env.client.runWorkflow("kids", "parent", "p1", null);
      await waitFor(async () => (await env.client.countRuns({ namespace: "kids", queue: "outbox" })).queued === 2);
      await first.stop();
      await env.worker({
        namespace: "kids",
        queues: { outbox: { concurrency: 1 } },
        workflows: { parent, mail },
        activities: {},
      });
      expect(await env.client.awaitResult("kids", "parent", "p1", { timeout: "10s" })).toBe("sent again");
      const runs = await env.client.listRuns({ namespace: "kids", workflow: "mail" });
      expect(runs.runs.map((run) => [run.runId, run.queue, run.status])).toEqual([
        ["m1", "outbox", "completed"],
        ["m2", "outbox", "completed"],
      ]);
    });

    it("resume runs that started while the rate limit holds back a backlog of fresh starts", async () => {
      // The allowance of an hour is used up by the first two starts; the 98 runs behind them may
      // not start, but the two that started need no allowance to go past their sleep.
      const ids = Array.from({ length: 100 }, (_, i) => `metered-${String(i).padStart(3, "0")}`);
      for (const id of ids) await env.client.runWorkflow("metered", "steps", id, null, { queue: "metered" });
      await env.worker({
        namespace: "metered",
        concurrency: 4,
        queues: { metered: { rateLimit: { limit: 2, period: "1h" } } },
        workflows: {
          steps: async (ctx: RunContext) => {
            await ctx.execActivity("touch", 1);
            await ctx.sleep("200ms");
            return ctx.execActivity("touch", 2);
          },
        },
        activities: { touch: async (_ctx: ActivityContext, _b: unknown, n: number) => n },
      });
      for (const id of ids.slice(0, 2)) {
        expect(await env.client.awaitResult("metered", "steps", id, { timeout: "20s" })).toBe(2);
      }
      const counts = await env.client.countRuns({ namespace: "metered" });
      expect(counts.statuses).toMatchObject({ completed: 2, running: 98 });
    });

    it("start a run of a new key while every other key is at its keyConcurrency with more queued", async () => {
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      // 100 keys, each with a run busy in an activity and one more queued behind it.
      for (let i = 0; i < 100; i++) {
        for (const n of [0, 1]) {
          await env.client.runWorkflow("tenants", "job", `busy-${i}-${n}`, true, {
            queue: "fair",
            concurrencyKey: `tenant-${i}`,
          });
        }
      }
      await env.worker({
        namespace: "tenants",
        concurrency: 105,
        queues: { fair: { keyConcurrency: 1 } },
        workflows: { job: async (ctx: RunContext, waits: boolean) => ctx.execActivity("work", waits) },
        activities: {
          work: async (_ctx: ActivityContext, _b: unknown, waits: boolean) => (waits ? gate.then(() => null) : null),
        },
      });
      await waitFor(async () => (await env.client.countRuns({ namespace: "tenants", queue: "fair" })).active === 100);
      await env.client.runWorkflow("tenants", "job", "newcomer", false, {
        queue: "fair",
        concurrencyKey: "tenant-new",
      });
      try {
        expect(await env.client.awaitResult("tenants", "job", "newcomer", { timeout: "20s" })).toBeNull();
      } finally {
        open();
      }
    });

    it("keep a delayed run waiting for its start time when a signal arrives for it", async () => {
      await env.worker({
        namespace: "patient",
        workflows: {
          waits: async (ctx: RunContext) => ctx.awaitSignal("go", "1h"),
          quick: async () => "done",
        },
        activities: {},
      });
      await env.client.runWorkflow("patient", "waits", "later", null, { delay: "1h" });
      expect(await env.client.signalRun("patient", "waits", "later", "go", "now", "s1")).toBe(true);
      // A run started after the signal completes: the worker had every chance to take the delayed run up.
      await env.client.runWorkflow("patient", "quick", "after", null);
      expect(await env.client.awaitResult("patient", "quick", "after", { timeout: "20s" })).toBe("done");
      const history = await env.client.getHistory("patient", "waits", "later");
      expect(history.map((event) => event.type)).toEqual(["created"]);
      const run = await env.client.describeRun("patient", "waits", "later");
      expect(run?.inbox.map((signal) => signal.signal)).toEqual(["go"]);
      expect(run?.wakeAt?.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    });

    it("cancel a queued run that has not started at once, while its queue's only slot stays taken", async () => {
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      await env.worker({
        namespace: "crowded",
        queues: { single: { concurrency: 1 } },
        workflows: { job: async (ctx: RunContext) => ctx.execActivity("hold", null) },
        activities: { hold: () => gate.then(() => "held") },
      });
      await env.client.runWorkflow("crowded", "job", "first", null, { queue: "single" });
      await waitFor(async () => (await env.client.countRuns({ namespace: "crowded", queue: "single" })).active === 1);
      await env.client.runWorkflow("crowded", "job", "second", null, { queue: "single" });
      try {
        expect(await env.client.cancelRun("crowded", "job", "second")).toBe(true);
        expect(await env.client.getRun("crowded", "job", "second")).toMatchObject({ status: "cancelled" });
        await expect(env.client.awaitResult("crowded", "job", "second", { timeout: "5s" })).rejects.toThrow(
          /cancelled/,
        );
        expect((await env.client.getRun("crowded", "job", "first"))?.status).toBe("running");
      } finally {
        open();
      }
      expect(await env.client.awaitResult("crowded", "job", "first", { timeout: "20s" })).toBe("held");
    });

    it("list the failed runs of a queue for re-driving (a dead letter)", async () => {
      await env.worker({
        namespace: "dlq",
        queues: { mail: {} },
        workflows: {
          send: async (_ctx: RunContext, fail: boolean) => {
            if (fail) throw new Error("mailbox full");
            return "sent";
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("dlq", "send", "ok", false, { queue: "mail" });
      await env.client.runWorkflow("dlq", "send", "bad", true, { queue: "mail" });
      await env.client.runWorkflow("dlq", "send", "other", true);
      await waitFor(async () => (await env.client.countRuns({ namespace: "dlq" })).statuses.failed === 2);
      const dead = await env.client.listRuns({ namespace: "dlq", queue: "mail", status: "failed" });
      expect(dead.runs.map((run) => [run.runId, run.queue, run.error?.message])).toEqual([
        ["bad", "mail", "mailbox full"],
      ]);
    });
  });
});
