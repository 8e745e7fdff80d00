import { describe, expect, it } from "vitest";
import type { ActivityContext, Logger, RunContext } from "../../src/api.js";
import { NonRetryableError, ResultTimeoutError } from "../../src/index.js";
import { forEachStore, waitFor } from "../support/helpers.js";

function capture(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, error: () => {}, warn: (message) => warnings.push(message) };
}

forEachStore((env) => {
  describe("a run that waits", () => {
    it("names its failing activity: attempts, last error and next attempt, in describeRun, the log and awaitResult", async () => {
      const logger = capture();
      const worker = await env.worker({
        namespace: "op-fail",
        logger,
        workflows: { order: async (ctx: RunContext) => ctx.execActivity("charge", { card: 42 }) },
        activities: {
          charge: {
            fn: async (_ctx: ActivityContext, _b: unknown, input: { card: unknown }) => (input.card as string).trim(),
            retry: { initialInterval: "20ms", maxInterval: "20ms" },
          },
        },
      });
      await env.client.runWorkflow("op-fail", "order", "o-1", null);
      await waitFor(
        async () =>
          ((await env.client.describeRun("op-fail", "order", "o-1"))?.waitingFor.activities[0]?.failedAttempts ?? 0) >=
          2,
      );
      const run = await env.client.describeRun("op-fail", "order", "o-1");
      expect(run).toMatchObject({ status: "running" });
      const [activity] = run?.waitingFor.activities ?? [];
      expect(activity).toMatchObject({ activity: "charge", seq: 0, input: { card: 42 } });
      expect(activity?.lastError).toMatchObject({ name: "TypeError" });
      expect(activity?.nextAttemptAt.getTime()).toBeGreaterThan(activity?.requestedAt.getTime() ?? 0);
      expect(logger.warnings[0]).toMatch(/^activity charge#0 of run order\/o-1 failed on attempt 1 with TypeError: /);
      const waited = (await env.client
        .awaitResult("op-fail", "order", "o-1", { timeout: "50ms" })
        .catch((error: unknown) => error)) as ResultTimeoutError;
      expect(waited).toBeInstanceOf(ResultTimeoutError);
      expect(waited.waitingFor).toMatch(/^activity charge#0: \d+ attempts? failed, the last with TypeError: /);
      await worker.stop();
    });

    it("names the signal it awaits and its timer with their deadlines, signals not consumed, and its lease holder", async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await env.worker({
        namespace: "op-wait",
        workflows: {
          order: async (ctx: RunContext) => {
            await Promise.all([ctx.awaitSignal("ready", "1h"), ctx.sleep("2h")]);
          },
          busy: async (ctx: RunContext) => ctx.execActivity("hold", null),
        },
        activities: { hold: async () => held },
      });
      await env.client.signalRun("op-wait", "order", "o-2", "note", { text: "<b>hi</b>" }, "n-1");
      await env.client.runWorkflow("op-wait", "order", "o-2", null);
      await waitFor(
        async () => (await env.client.describeRun("op-wait", "order", "o-2"))?.waitingFor.timers.length === 1,
      );
      const run = await env.client.describeRun("op-wait", "order", "o-2");
      expect(run?.state).toBe("waiting");
      const created = run?.createdAt.getTime() ?? 0;
      expect(run?.waitingFor.signals.map((s) => [s.signal, s.until.getTime() - s.since.getTime()])).toEqual([
        ["ready", 3_600_000],
      ]);
      expect((run?.waitingFor.timers[0]?.until.getTime() ?? 0) - created).toBeGreaterThanOrEqual(7_200_000);
      expect(run?.inbox.map((s) => [s.signal, s.externalId, s.message])).toEqual([
        ["note", "n-1", { text: "<b>hi</b>" }],
      ]);
      await env.client.runWorkflow("op-wait", "busy", "b-1", null);
      await waitFor(async () => (await env.client.describeRun("op-wait", "busy", "b-1"))?.state === "active");
      const busy = await env.client.describeRun("op-wait", "busy", "b-1");
      expect(busy?.lease?.owner).toBeTruthy();
      expect(busy?.waitingFor.activities[0]).toMatchObject({ activity: "hold", state: "running" });
      release();
      expect(await env.client.describeRun("op-wait", "order", "missing")).toBeUndefined();
    });
  });

  describe("forkRun", () => {
    it("keeps the source's queue, priority, concurrency key and timeout, so re-driven runs go through the queue's limits", async () => {
      let running = 0;
      let most = 0;
      let failing = true;
      await env.worker({
        namespace: "redrive",
        queues: { mail: { concurrency: 1 } },
        workflows: { send: async (ctx: RunContext) => ctx.execActivity("deliver", null) },
        activities: {
          deliver: async () => {
            running++;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, 30));
            running--;
            if (failing) throw new NonRetryableError("mailbox full");
            return "sent";
          },
        },
      });
      const ids = ["m1", "m2", "m3", "m4", "m5"];
      const placement = { queue: "mail", priority: 2, concurrencyKey: "tenant-1", timeout: "1h" } as const;
      for (const id of ids) await env.client.runWorkflow("redrive", "send", id, null, placement);
      await waitFor(async () => (await env.client.countRuns({ namespace: "redrive" })).statuses.failed === 5);
      failing = false;
      for (const id of ids)
        expect(await env.client.forkRun("redrive", "send", id, { newRunId: `${id}-again` })).toBe(true);
      for (const id of ids) {
        expect(await env.client.awaitResult("redrive", "send", `${id}-again`, { timeout: "20s" })).toBe("sent");
      }
      expect(most).toBe(1);
      const fork = await env.client.getRun("redrive", "send", "m1-again");
      expect(fork).toMatchObject({ queue: "mail", priority: 2, concurrencyKey: "tenant-1" });
      expect(fork?.deadline).toBeDefined();
      const moved = { newRunId: "m1-default", queue: null, priority: 0, concurrencyKey: null, timeout: null };
      expect(await env.client.forkRun("redrive", "send", "m1", moved)).toBe(true);
      expect(await env.client.awaitResult("redrive", "send", "m1-default", { timeout: "20s" })).toBe("sent");
      const plain = await env.client.getRun("redrive", "send", "m1-default");
      expect(plain).toMatchObject({ priority: 0 });
      expect([plain?.queue, plain?.concurrencyKey, plain?.deadline]).toEqual([undefined, undefined, undefined]);
    });
  });

  describe("purgeRuns", () => {
    it("deletes ended runs before a time but keeps stuck and running ones unless asked", async () => {
      let brokenInvocations = 0;
      await env.worker({
        namespace: "op-purge",
        logger: capture(),
        // Replays at every step: the broken workflow's second invocation disagrees with its first.
        cacheSize: 0,
        workflows: {
          done: async () => "ok",
          broken: async (ctx: RunContext) => ctx.execActivity("echo", ++brokenInvocations),
          waits: async (ctx: RunContext) => ctx.awaitSignal("never", "1h"),
        },
        activities: { echo: async (_ctx: unknown, _backends: unknown, n: number) => n },
      });
      for (const i of [1, 2, 3]) await env.client.runWorkflow("op-purge", "done", `d-${i}`, null);
      await env.client.runWorkflow("op-purge", "broken", "b-1", null);
      await env.client.runWorkflow("op-purge", "waits", "w-1", null);
      for (const i of [1, 2, 3]) await env.client.awaitResult("op-purge", "done", `d-${i}`, { timeout: "10s" });
      await waitFor(async () => (await env.client.getRun("op-purge", "broken", "b-1"))?.status === "stuck");
      const progress: number[] = [];
      const endedBefore = new Date(env.client.clock.now() + 1000);
      const purged = await env.client.purgeRuns("op-purge", {
        endedBefore,
        batchSize: 2,
        onProgress: (n) => progress.push(n),
      });
      expect(purged).toBe(3);
      expect(progress).toEqual([2, 3]);
      const left = (await env.client.listRuns({ namespace: "op-purge" })).runs.map((run) => run.runId).sort();
      expect(left).toEqual(["b-1", "w-1"]);
      expect(await env.client.purgeRuns("op-purge", { endedBefore, status: "stuck" })).toBe(1);
      await expect(env.client.purgeRuns("op-purge", { endedBefore, status: "running" as never })).rejects.toThrow(
        /invalid status "running": use one of "completed", "failed", "cancelled", "terminated", "stuck"/,
      );
      await expect(env.client.purgeRuns("op-purge", { endedBefore: new Date(Number.NaN) })).rejects.toThrow(
        /invalid endedBefore/,
      );
    });
  });
});
