import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { manualClock, QueryTimeoutError } from "../../src/index.js";
import { forEachStore, historyOf, rejectionOf, waitFor } from "../support/helpers.js";

/** A latch an activity waits on until the test opens it. */
function latch() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** A counter that takes `add` updates and answers the `total` query, until its `stop` signal. */
async function counter(ctx: RunContext): Promise<number> {
  let total = 0;
  ctx.onUpdate("add", (amount: number) => {
    total += amount;
    return total;
  });
  ctx.onQuery("total", () => total);
  await ctx.awaitSignal("stop", "1h");
  return total;
}

forEachStore((env) => {
  describe("a paused run", () => {
    it("takes no new step, keeps the signals that arrive, and fires on unpause the timer that came due meanwhile", async () => {
      const ns = "pause-timer";
      // Time moves only when the test moves it: the run is paused while its timer is not yet due,
      // however slowly the machine runs, and the timer comes due while it is paused.
      const clock = manualClock(Date.UTC(2030, 0, 1));
      const client = env.clientWith({ clock });
      await env.worker({
        client,
        namespace: ns,
        workflows: {
          nap: async (ctx: RunContext) => {
            await ctx.sleep("300ms");
            return ctx.awaitSignal("go", "1h");
          },
        },
        activities: {},
      });
      await client.runWorkflow(ns, "nap", "n-1", null);
      await waitFor(async () => (await client.describeRun(ns, "nap", "n-1"))?.waitingFor.timers.length === 1);
      expect(await client.pauseRun(ns, "nap", "n-1")).toBe(true);
      expect(await client.pauseRun(ns, "nap", "n-1")).toBe(false);
      const paused = await client.describeRun(ns, "nap", "n-1");
      expect(paused).toMatchObject({ status: "running", paused: true, state: "paused" });
      expect(await client.signalRun(ns, "nap", "n-1", "go", { picked: true }, "g-1")).toBe(true);
      // Well past the timer, and the workers told to look for work: it waits, and the signal waits in the inbox.
      clock.advance(700);
      client.local.wake(ns);
      await new Promise((resolve) => setTimeout(resolve, 700));
      const types = (await historyOf(client, ns, "nap", "n-1")).map((event) => event.type);
      expect(types).not.toContain("sleep_done");
      expect((await client.describeRun(ns, "nap", "n-1"))?.inbox.map((signal) => signal.signal)).toEqual(["go"]);
      expect(await client.unpauseRun(ns, "nap", "n-1")).toBe(true);
      expect(await client.awaitResult(ns, "nap", "n-1", { timeout: "10s" })).toEqual({ picked: true });
      expect((await client.getRun(ns, "nap", "n-1"))?.paused).toBe(false);
    });

    it("held with an activity in flight, records the activity's result but delivers no signal or timer until unpaused, then all in order", async () => {
      const ns = "pause-held";
      const clock = manualClock(Date.UTC(2030, 0, 1));
      const client = env.clientWith({ clock });
      const quick = latch();
      const slow = latch();
      const started: string[] = [];
      await env.worker({
        client,
        namespace: ns,
        workflows: {
          gapped: async (ctx: RunContext) => {
            const seen: string[] = [];
            const notes = async () => {
              for (let n = 0; n < 2; n++) seen.push(`signal ${await ctx.awaitSignal("note", "1h")}`);
            };
            await Promise.all([
              ctx.execActivity("quick", null).then(() => seen.push("quick")),
              ctx.execActivity("slow", null).then(() => seen.push("slow")),
              notes(),
              ctx.sleep("300ms").then(() => seen.push("timer")),
            ]);
            return seen;
          },
        },
        activities: {
          quick: async () => {
            started.push("quick");
            await quick.opened;
            return 1;
          },
          slow: async () => {
            started.push("slow");
            await slow.opened;
            return 2;
          },
        },
      });
      await client.runWorkflow(ns, "gapped", "g-1", null);
      await waitFor(() => started.length === 2);
      expect(await client.pauseRun(ns, "gapped", "g-1")).toBe(true);
      // quick's result is committed while paused: from then on the worker knows of the pause,
      // whether it heard of it from the pause's wake-up or from that commit.
      quick.open();
      const responses = async () =>
        (await historyOf(client, ns, "gapped", "g-1")).filter((event) => event.type === "activity_response");
      await waitFor(async () => (await responses()).length === 1);
      // While slow runs: two signals arrive, then the timer comes due.
      await client.signalRun(ns, "gapped", "g-1", "note", "a", "n-1");
      await client.signalRun(ns, "gapped", "g-1", "note", "b", "n-2");
      clock.advance(700);
      slow.open();
      // The step that records slow's result is the last before the worker lets go of the run.
      await waitFor(async () => (await responses()).length === 2);
      await waitFor(async () => (await client.describeRun(ns, "gapped", "g-1"))?.lease === undefined);
      const types = (await historyOf(client, ns, "gapped", "g-1")).map((event) => event.type);
      expect(types).not.toContain("signal_response");
      expect(types).not.toContain("sleep_done");
      const paused = await client.describeRun(ns, "gapped", "g-1");
      expect(paused).toMatchObject({ state: "paused" });
      expect(paused?.inbox.map((signal) => signal.signal)).toEqual(["note", "note"]);
      expect(await client.unpauseRun(ns, "gapped", "g-1")).toBe(true);
      expect(await client.awaitResult(ns, "gapped", "g-1", { timeout: "10s" })).toEqual([
        "quick",
        "slow",
        "signal a",
        "signal b",
        "timer",
      ]);
      expect(started).toEqual(["quick", "slow"]);
    });

    it("commits the step a worker is in when it is paused, and starts nothing new until unpaused", async () => {
      const ns = "pause-step";
      const gate = latch();
      const started: string[] = [];
      await env.worker({
        namespace: ns,
        workflows: {
          two: async (ctx: RunContext) => [
            await ctx.execActivity("first", null),
            await ctx.execActivity("second", null),
          ],
        },
        activities: {
          first: async () => {
            started.push("first");
            await gate.opened;
            return 1;
          },
          second: async () => {
            started.push("second");
            return 2;
          },
        },
      });
      await env.client.runWorkflow(ns, "two", "t-1", null);
      await waitFor(() => started.includes("first"));
      await env.client.pauseRun(ns, "two", "t-1");
      gate.open();
      // The step that applies first's result commits it, and records the request of second.
      await waitFor(async () =>
        (await historyOf(env.client, ns, "two", "t-1")).some(
          (event) => event.type === "activity_request" && event.target === "second",
        ),
      );
      await waitFor(async () => (await env.client.describeRun(ns, "two", "t-1"))?.lease === undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(started).toEqual(["first"]);
      await env.client.unpauseRun(ns, "two", "t-1");
      expect(await env.client.awaitResult(ns, "two", "t-1", { timeout: "10s" })).toEqual([1, 2]);
      expect(started).toEqual(["first", "second"]);
    });

    it("paused from another process while its step runs: the step commits, and the attempt it would start waits", async () => {
      const ns = "pause-race";
      const gate = latch();
      const started: string[] = [];
      // This client shares no in-process bus with the worker: the worker learns of the pause from its commit.
      const operator = env.clientWith({});
      await env.worker({
        namespace: ns,
        workflows: {
          two: async (ctx: RunContext) => [
            await ctx.execActivity("first", null),
            await ctx.execActivity("second", null),
          ],
        },
        activities: {
          first: async () => {
            started.push("first");
            await gate.opened;
            await operator.pauseRun(ns, "two", "r-1");
            return 1;
          },
          second: async () => {
            started.push("second");
            return 2;
          },
        },
      });
      await env.client.runWorkflow(ns, "two", "r-1", null);
      gate.open();
      await waitFor(async () => {
        const run = await env.client.describeRun(ns, "two", "r-1");
        return (
          run !== undefined &&
          run.lease === undefined &&
          run.waitingFor.activities.some((activity) => activity.activity === "second")
        );
      });
      expect(started).toEqual(["first"]);
      expect(await env.client.describeRun(ns, "two", "r-1")).toMatchObject({ state: "paused", paused: true });
      await operator.unpauseRun(ns, "two", "r-1");
      expect(await env.client.awaitResult(ns, "two", "r-1", { timeout: "10s" })).toEqual([1, 2]);
    });

    it("stays paused when its worker stops and another starts", async () => {
      const ns = "pause-restart";
      const workflows = { wait: async (ctx: RunContext) => ctx.awaitSignal("go", "1h") };
      const first = await env.worker({ namespace: ns, workflows, activities: {} });
      await env.client.runWorkflow(ns, "wait", "w-1", null);
      await waitFor(async () => (await env.client.describeRun(ns, "wait", "w-1"))?.waitingFor.signals.length === 1);
      await env.client.pauseRun(ns, "wait", "w-1");
      await env.client.signalRun(ns, "wait", "w-1", "go", "late", "g");
      await first.stop();
      await env.worker({ namespace: ns, workflows, activities: {} });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await env.client.getRun(ns, "wait", "w-1")).toMatchObject({ status: "running", paused: true });
      await env.client.unpauseRun(ns, "wait", "w-1");
      expect(await env.client.awaitResult(ns, "wait", "w-1", { timeout: "10s" })).toBe("late");
    });

    for (const pausedBy of ["this process", "another process"] as const) {
      it(`cached by a worker of this process and paused by ${pausedBy}, applies no update and answers no query until unpaused`, async () => {
        const ns = pausedBy === "this process" ? "pause-local" : "pause-remote";
        const operator = pausedBy === "this process" ? env.client : env.clientWith({});
        await env.worker({ namespace: ns, workflows: { counter }, activities: {} });
        await env.client.runWorkflow(ns, "counter", "c-1", null);
        expect(await env.client.executeUpdate(ns, "counter", "c-1", "add", 1)).toBe(1);
        // Let go of after its step: the run waits for its signal, cached by the worker of this process.
        await waitFor(async () => (await env.client.describeRun(ns, "counter", "c-1"))?.lease === undefined);
        expect(await operator.pauseRun(ns, "counter", "c-1")).toBe(true);
        // Sent from the worker's own process: it stays requested while the run is paused.
        const update = env.client.executeUpdate(ns, "counter", "c-1", "add", 2);
        const query = rejectionOf(env.client.queryRun(ns, "counter", "c-1", "total", undefined, { timeout: "300ms" }));
        expect(await query).toBeInstanceOf(QueryTimeoutError);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const accepted = (await historyOf(env.client, ns, "counter", "c-1")).filter(
          (event) => event.type === "update_accepted",
        );
        expect(accepted).toHaveLength(1);
        expect(await operator.unpauseRun(ns, "counter", "c-1")).toBe(true);
        expect(await update).toBe(3);
        expect(await env.client.queryRun(ns, "counter", "c-1", "total")).toBe(3);
        await env.client.signalRun(ns, "counter", "c-1", "stop", null, "s-1");
        expect(await env.client.awaitResult(ns, "counter", "c-1", { timeout: "10s" })).toBe(3);
      });
    }
  });
});
