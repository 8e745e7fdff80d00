import { describe, expect, it } from "vitest";
import type { ActivityContext, Logger, RunContext, Timers } from "../../src/api.js";
import {
  createMemoryStore,
  createStoreClient,
  createWorker,
  DatabaseUnreachableError,
  manualClock,
  RunEndedError,
  RunFailedError,
  realTimers,
} from "../../src/index.js";
import { collectLogs } from "../../src/testing/index.js";
import { forEachStore, waitFor } from "../support/helpers.js";

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => {
    lines.push(message);
  };
  return { lines, info: keep, warn: keep, error: keep };
}

forEachStore((env) => {
  describe("a run that stalls every worker that takes it", () => {
    it("is parked as stuck once workers that took it over froze in its code twice in a row", async () => {
      const clock = manualClock(Date.UTC(2030, 0, 1));
      const client = env.clientWith({ clock });
      await client.runWorkflow("stall", "spin", "s1", null);
      // A first worker claimed it and froze; two more took it over, marked it and froze in its code.
      const can = { workflows: ["spin"], activities: [] };
      const key = { namespace: "stall", workflow: "spin", runId: "s1" };
      // Frozen, not dead: each is still connected, so still present
      const frozen = ["frozen-1", "frozen-2", "frozen-3"];
      const presences = await Promise.all(frozen.map((owner) => client.store.holdPresence(owner)));
      for (const owner of frozen) {
        clock.advance(60_000);
        const claimed = await client.store.claim({
          namespace: "stall",
          owner,
          now: clock.now(),
          leaseMs: 1000,
          limit: 1,
          can,
        });
        expect(claimed.map((run) => run.runId)).toEqual(["s1"]);
        if (claimed[0]?.takeover) await client.store.markStall(key, owner);
      }
      clock.advance(60_000);
      let ran = false;
      await env.worker({
        client,
        namespace: "stall",
        workflows: {
          spin: async () => {
            ran = true;
            return "ran";
          },
        },
        activities: {},
      });
      await waitFor(async () => (await client.getRun("stall", "spin", "s1"))?.status === "stuck");
      const run = await client.getRun("stall", "spin", "s1");
      expect(run?.error).toMatchObject({ name: "RunStalledError" });
      expect(run?.error?.message).toContain("froze 3 workers in a row");
      expect(ran).toBe(false);
      // The worker logs the park once its commit returns, which a reader of the store may see first.
      const parkedLine = "run spin/s1 parked as stuck: run s1 froze 3 workers in a row";
      await waitFor(() => env.logs.matching(parkedLine).length > 0, 5000, "the line of the park");
      expect(env.logs.matching(parkedLine)).toHaveLength(1);
      for (const presence of presences) await presence.close();
    });

    it("is named in a warning when its code blocks the event loop", async () => {
      const logger = capture();
      await env.worker({
        namespace: "block",
        logger,
        workflows: {
          hog: async (ctx: RunContext) => {
            const until = Date.now() + 1300;
            while (Date.now() < until) {
              // a synchronous loop: nothing else in the process runs meanwhile
            }
            return ctx.runId;
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("block", "hog", "h1", null);
      expect(await env.client.awaitResult("block", "hog", "h1", { timeout: "10s" })).toBe("h1");
      await waitFor(() => logger.lines.some((line) => line.includes("event loop was blocked")));
      expect(logger.lines.find((line) => line.includes("event loop was blocked"))).toContain("run hog/h1");
    });
  });

  describe("long timers", () => {
    it("do not fire early past Node's 24.8-day timer limit, and a 30-day sleep beside a running activity is idle", async () => {
      let attempts = 0;
      const worker = await env.worker({
        namespace: "long",
        cacheSize: 0,
        workflows: {
          both: async (ctx: RunContext) => {
            const [, result] = await Promise.race([
              Promise.all([ctx.sleep("30d"), Promise.resolve(null)]),
              Promise.all([null, ctx.execActivity("slow", null, { timeout: "30d" })]),
            ]);
            return result;
          },
        },
        activities: {
          slow: async (ctx: ActivityContext) => {
            attempts++;
            await new Promise((resolve) => setTimeout(resolve, 1200));
            return ctx.attempt;
          },
        },
      });
      await env.client.runWorkflow("long", "both", "l1", null);
      expect(await env.client.awaitResult("long", "both", "l1", { timeout: "10s" })).toBe(1);
      expect(attempts).toBe(1);
      // cacheSize 0 replays at every step: a timer spinning on the overflow would show as hundreds
      expect(worker.stats.workflowInvocations).toBeLessThan(10);
    });
  });

  describe("a signal from a client to a run that has ended", () => {
    it("is refused with RunEndedError and not stored; a retry of a signal stored before answers false", async () => {
      await env.worker({
        namespace: "late",
        workflows: { gate: async (ctx: RunContext) => ctx.awaitSignal("go", "1h") },
        activities: {},
      });
      await env.client.runWorkflow("late", "gate", "g1", null);
      expect(await env.client.signalRun("late", "gate", "g1", "go", "first", "e1")).toBe(true);
      expect(await env.client.awaitResult("late", "gate", "g1", { timeout: "10s" })).toBe("first");
      expect(await env.client.signalRun("late", "gate", "g1", "go", "first", "e1")).toBe(false);
      const refused = await env.client.signalRun("late", "gate", "g1", "go", "second", "e2").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RunEndedError);
      expect(refused).toMatchObject({ code: "RUN_ENDED", status: "completed", runId: "g1" });
      expect((refused as Error).message).toContain('signal "go" would never be read');
      // Not stored: it is refused again, not taken as a duplicate.
      await expect(env.client.signalRun("late", "gate", "g1", "go", "second", "e2")).rejects.toThrow(RunEndedError);
      // A run that does not exist yet keeps its signals for when it starts.
      expect(await env.client.signalRun("late", "gate", "g2", "go", "early", "e1")).toBe(true);
      await env.client.runWorkflow("late", "gate", "g2", null);
      expect(await env.client.awaitResult("late", "gate", "g2", { timeout: "10s" })).toBe("early");
    });
  });

  describe("a worker stopped while an activity ignores its abort signal", () => {
    it("clears the attempt's timers (a 1h timeout) at once instead of keeping them for the hour", async () => {
      const clock = manualClock(Date.UTC(2030, 0, 1));
      const armed = new Set<number>();
      let nextTimer = 0;
      const base = realTimers(clock);
      const timers: Timers = {
        at(time, fn) {
          const id = nextTimer++;
          armed.add(id);
          const cancel = base.at(time, () => {
            armed.delete(id);
            fn();
          });
          return () => {
            armed.delete(id);
            cancel();
          };
        },
      };
      const client = env.clientWith({ clock, timers });
      let started = false;
      const worker = await env.worker({
        client,
        namespace: "deaf",
        stopTimeoutMs: 50,
        workflows: { wf: async (ctx: RunContext) => ctx.execActivity("deaf", null, { timeout: "1h" }) },
        activities: {
          deaf: async () => {
            started = true;
            // ignores ctx.signal and never ends
            return new Promise(() => {});
          },
        },
      });
      await client.runWorkflow("deaf", "wf", "d1", null);
      await waitFor(() => started);
      expect(armed.size).toBeGreaterThan(0);
      await worker.stop();
      // Every timer the worker armed on the client (the attempt's hour included) is cleared.
      expect(armed.size).toBe(0);
    });
  });

  describe("errors an activity throws", () => {
    it("keep their cause chain in the stored error and in what awaitResult throws", async () => {
      await env.worker({
        namespace: "why",
        workflows: { wf: async (ctx: RunContext) => ctx.execActivity("fails", null, { retry: { maxAttempts: 1 } }) },
        activities: {
          fails: async () => {
            throw new Error("main", { cause: new Error("why") });
          },
        },
      });
      await env.client.runWorkflow("why", "wf", "w1", null);
      const thrown = await env.client.awaitResult("why", "wf", "w1", { timeout: "10s" }).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(RunFailedError);
      const chain = { name: "ActivityFailure", cause: { message: "main", cause: { message: "why" } } };
      expect((thrown as RunFailedError).failure).toMatchObject(chain);
      expect((await env.client.getRun("why", "wf", "w1"))?.error).toMatchObject(chain);
    });

    it("end the run even when the error is its own cause and its message is 20 MB", async () => {
      await env.worker({
        namespace: "huge",
        workflows: { wf: async (ctx: RunContext) => ctx.execActivity("fails", null, { retry: { maxAttempts: 1 } }) },
        activities: {
          fails: async () => {
            const error = new Error("y".repeat(20 * 1024 * 1024));
            (error as { cause?: unknown }).cause = error;
            throw error;
          },
        },
      });
      await env.client.runWorkflow("huge", "wf", "h1", null);
      const thrown = await env.client.awaitResult("huge", "wf", "h1", { timeout: "20s" }).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(RunFailedError);
      const stored = (await env.client.getRun("huge", "wf", "h1"))?.error;
      expect(stored?.cause?.message).toContain("more characters cut");
      expect(stored?.cause?.cause).toMatchObject({ name: "CircularCause" });
    });
  });
});

describe("a worker whose step failed because the database could not be reached", () => {
  it("keeps trying to give the run's lease back instead of leaving it to run out, and the run completes", async () => {
    const store = createMemoryStore();
    const outage = new DatabaseUnreachableError("db.example", 3306, new Error("read ECONNRESET"));
    let commitsToFail = 1;
    let releasesToFail = 2;
    const releases: string[] = [];
    // The memory store, with the first step's commit and the first two releases failing as in an outage
    const flaky = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "commit")
          return (...args: Parameters<typeof store.commit>) =>
            commitsToFail-- > 0 ? Promise.reject(outage) : target.commit(...args);
        if (property === "release")
          return (...args: Parameters<typeof store.release>) => {
            if (releasesToFail-- > 0) {
              releases.push("failed");
              return Promise.reject(outage);
            }
            releases.push("released");
            return target.release(...args);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const logs = collectLogs();
    const client = createStoreClient(flaky, { logger: logs });
    const worker = createWorker({
      client,
      namespace: "outage",
      leaseMs: 60_000,
      maxPollIntervalMs: 50,
      logger: logs,
      workflows: { one: async (ctx: RunContext) => ctx.execActivity("a", 1) },
      activities: { a: async (_ctx: ActivityContext, _backends: unknown, n: number) => n + 1 },
    });
    await worker.start();
    try {
      await client.runWorkflow("outage", "one", "o1", null);
      // A lease of a minute left to run out would hold the run far beyond this wait
      expect(await client.awaitResult("outage", "one", "o1", { timeout: "20s" })).toBe(2);
      expect(releases).toEqual(["failed", "failed", "released"]);
      expect(logs.matching("run step failed; the run is released and retried in a second")).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });
});
