import { afterEach, describe, expect, it, vi } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { manualClock } from "../../src/index.js";
import type { ClaimedRun, StepWrite } from "../../src/store/types.js";
import { forEachStore, historyOf, shape, waitFor } from "../support/helpers.js";

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

forEachStore((env) => {
  describe("one worker", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("runs each activity attempt once and logs no error when every run waits for a child on a queue", async () => {
      // The onboarding app of issue 32: signups whose provisioning fails twice, each waiting for
      // an e-mail child run through a queue of concurrency 2, then for a verification signal.
      const executions = new Map<string, number>();
      const count = (what: string) => executions.set(what, (executions.get(what) ?? 0) + 1);
      await env.worker({
        namespace: "onboarding",
        queues: { email: { concurrency: 2, rateLimit: { limit: 4, period: "200ms" } } },
        workflows: {
          signup: async (ctx: RunContext, user: string) => {
            await ctx.execActivity("provision", user, { retry: { initialInterval: "20ms" } });
            const mail = await ctx.runChild("email", `email-${user}`, user, { queue: "email" });
            const verified = await ctx.awaitSignal("verified", "10s");
            return { mail, verified };
          },
          email: async (ctx: RunContext, user: string) => ctx.execActivity("send", user),
        },
        activities: {
          provision: async (_ctx: ActivityContext, _backends: unknown, user: string) => {
            count(`provision ${user}`);
            if ((executions.get(`provision ${user}`) ?? 0) <= 2) throw new Error("provisioning is not ready yet");
            return user;
          },
          send: async (_ctx: ActivityContext, _backends: unknown, user: string) => {
            count(`send ${user}`);
            return `sent to ${user}`;
          },
        },
      });
      const users = Array.from({ length: 8 }, (_, i) => `user-${i}`);
      for (const user of users) await env.client.runWorkflow("onboarding", "signup", user, user);
      for (const user of users) await env.client.signalRun("onboarding", "signup", user, "verified", true, `v-${user}`);
      for (const user of users) {
        const result = await env.client.awaitResult("onboarding", "signup", user, { timeout: "20s" });
        expect(result).toEqual({ mail: `sent to ${user}`, verified: true });
      }
      const expected = new Map(
        users.flatMap((user) => [[`provision ${user}`, 3] as const, [`send ${user}`, 1] as const]),
      );
      expect(new Map([...executions].sort())).toEqual(new Map([...expected].sort()));
      expect(env.logs.lines.filter((line) => line.startsWith("error:"))).toEqual([]);
    });

    it("takes a run signalled in this process up from what the signal read back, without a read of its own", async () => {
      await env.worker({
        namespace: "carried",
        workflows: {
          pings: async (ctx: RunContext) => {
            const got: unknown[] = [];
            for (let i = 0; i < 3; i++) got.push(await ctx.awaitSignal("ping", "1h"));
            return got;
          },
        },
        activities: {},
      });
      const client = env.client;
      await client.runWorkflow("carried", "pings", "p1", null);
      // The first step reads the inbox: a run may get signals before it exists.
      const waiting = (i: number) =>
        waitFor(async () =>
          shape(await historyOf(client, "carried", "pings", "p1")).includes(`signal_request ping#${i}`),
        );
      await waiting(0);
      const reads = vi.spyOn(client.store, "readRun");
      const inboxReads = vi.spyOn(client.store, "loadSignals");
      for (let i = 0; i < 3; i++) {
        await waiting(i);
        await client.signalRun("carried", "pings", "p1", "ping", i, `ping-${i}`);
      }
      expect(await client.awaitResult("carried", "pings", "p1", { timeout: "10s" })).toEqual([0, 1, 2]);
      expect(reads).not.toHaveBeenCalled();
      expect(inboxReads).not.toHaveBeenCalled();
    });

    it("drops a claim that read a run before the worker's own later steps of it: each attempt runs once, no step is refused", async () => {
      const clock = manualClock(Date.UTC(2030, 0, 1));
      const client = env.clientWith({ clock });
      const key = { namespace: "stale", workflow: "verify", runId: "v1" };
      let executions = 0;
      await env.worker({
        client,
        namespace: "stale",
        workflows: {
          verify: async (ctx: RunContext) => {
            await ctx.awaitSignal("go", "1h");
            return ctx.execActivity("flaky", null, { retry: { initialInterval: "2m" } });
          },
        },
        activities: {
          flaky: async (_ctx: ActivityContext) => {
            executions++;
            if (executions === 1) throw new Error("down for a moment");
            return "done";
          },
        },
      });
      await client.runWorkflow("stale", "verify", "v1", null);
      await waitFor(async () =>
        shape(await historyOf(client, "stale", "verify", "v1")).includes("signal_request go#0"),
      );

      // The signal sent here is taken up in-process without a lease (readRun). The claim loop
      // claims the run too, and its answer is held back until the in-process actor has stepped
      // the run twice and let go of it, waiting for the retry.
      const claimed = gate();
      const answerClaim = gate();
      const letGo = gate();
      const isRun = (run: { namespace: string; workflow: string; runId: string }) =>
        run.namespace === key.namespace && run.workflow === key.workflow && run.runId === key.runId;
      const store = client.store;
      const claim = store.claim.bind(store);
      const commit = store.commit.bind(store);
      let held = false;
      vi.spyOn(store, "claim").mockImplementation(async (options) => {
        const runs: ClaimedRun[] = await claim(options);
        if (held || !runs.some(isRun)) return runs;
        held = true;
        claimed.open();
        await answerClaim.opened;
        return runs;
      });
      vi.spyOn(store, "commit").mockImplementation(async (steps: readonly StepWrite[]) => {
        const mine = steps.find((step) => isRun(step.key));
        if (mine && mine.signalsConsumed.length > 0) await claimed.opened;
        const results = await commit(steps);
        if (mine && held && !mine.hold && results[steps.indexOf(mine)]?.ok) letGo.open();
        return results;
      });
      await client.signalRun("stale", "verify", "v1", "go", "now", "go-1");
      await letGo.opened;
      // The actor's own continuation after its commit: it lets go of the run.
      await new Promise((resolve) => setImmediate(resolve));
      // The retry is due by the time the held-back claim is answered.
      clock.advance(3 * 60_000);
      answerClaim.open();
      client.local.wake("stale");

      expect(await client.awaitResult("stale", "verify", "v1", { timeout: "10s" })).toBe("done");
      expect(executions).toBe(2);
      expect(env.logs.matching("step not written")).toEqual([]);
    });

    it("takes up a run whose retry is due by its local wake, also when its own claim round leased the run meanwhile", async () => {
      let executions = 0;
      // A lease as long as this: a run left to it would not complete within the test.
      await env.worker({
        namespace: "wake-race",
        leaseMs: 600_000,
        workflows: {
          retries: async (ctx: RunContext) => ctx.execActivity("flaky", null, { retry: { initialInterval: "100ms" } }),
        },
        activities: {
          flaky: async () => {
            executions++;
            if (executions === 1) throw new Error("down for a moment");
            return "done";
          },
        },
      });
      const store = env.client.store;
      const claim = store.claim.bind(store);
      const claimRun = store.claimRun.bind(store);
      const claimedByRound = gate();
      const isRetry = (run: ClaimedRun) => run.namespace === "wake-race" && run.version > 0;
      vi.spyOn(store, "claim").mockImplementation(async (options) => {
        const runs = await claim(options);
        if (runs.some(isRetry)) claimedByRound.open();
        return runs;
      });
      // The local wake's claim by key waits until a claim round of the same worker has leased the run.
      vi.spyOn(store, "claimRun").mockImplementation(async (key, version, options) => {
        if (key.namespace === "wake-race" && version > 0) await claimedByRound.opened;
        return claimRun(key, version, options);
      });
      await env.client.runWorkflow("wake-race", "retries", "r1", null);
      expect(await env.client.awaitResult("wake-race", "retries", "r1", { timeout: "10s" })).toBe("done");
      expect(executions).toBe(2);
    });
  });
});
