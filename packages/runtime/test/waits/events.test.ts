import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { forEachStore, historyOf, shape } from "../support/helpers.js";
import { reached } from "./support.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

forEachStore((env) => {
  const ns = "events";
  const workflows = {
    /** Waits for "user.verified" of the input's user, with the input's timeout and lookback. */
    verify: async (ctx: RunContext, input: { user: string; timeout: string; lookback?: string }) =>
      (await ctx.waitForEvent("user.verified", {
        key: input.user,
        timeout: input.timeout as "1s",
        ...(input.lookback ? { lookback: input.lookback as "1s" } : {}),
      })) ?? "timed out",
    /** Waits for any "order.paid". */
    anyPaid: async (ctx: RunContext) => ctx.waitForEvent("order.paid", { timeout: "20s" }),
    /** Two waits at once for one (name, key). */
    both: async (ctx: RunContext) =>
      Promise.all([
        ctx.waitForEvent("ping", { key: ctx.runId, timeout: "1s", lookback: "1m" }),
        ctx.waitForEvent("ping", { key: ctx.runId, timeout: "1s", lookback: "1m" }),
      ]),
    /** Two waits one after the other, both looking back. */
    twice: async (ctx: RunContext) => {
      const first = await ctx.waitForEvent("tick", { key: ctx.runId, timeout: "20s", lookback: "1m" });
      const second = await ctx.waitForEvent("tick", { key: ctx.runId, timeout: "500ms", lookback: "1m" });
      return [first, second ?? "none"];
    },
  };
  const result = (workflow: string, runId: string) => env.client.awaitResult(ns, workflow, runId, { timeout: "20s" });

  describe("a published event", () => {
    it("reaches the run waiting for its name and key, which resumes with its data", async () => {
      await env.worker({ namespace: ns, workflows, activities: {} });
      await env.client.runWorkflow(ns, "verify", "v1", { user: "u-1", timeout: "20s" });
      await reached(env.client, ns, "verify", "v1", "event_awaited");
      expect(await env.client.publishEvent(ns, "user.verified", { level: 2 }, { key: "u-2" })).toBe(true);
      expect(await env.client.publishEvent(ns, "user.verified", { level: 3 }, { key: "u-1" })).toBe(true);
      expect(await result("verify", "v1")).toEqual({ level: 3 });
      const events = await historyOf(env.client, ns, "verify", "v1");
      expect(shape(events)).toEqual([
        "created",
        "event_awaited user.verified#0",
        "event_received user.verified#0",
        "completed",
      ]);
      expect(events[2]?.payload).toMatchObject({ name: "user.verified", key: "u-1", data: { level: 3 } });
    });

    it("published just before the wait is received within the lookback, and not without one or outside it", async () => {
      await env.client.publishEvent(ns, "user.verified", { early: true }, { key: "early" });
      await pause(300);
      await env.client.runWorkflow(ns, "verify", "within", { user: "early", timeout: "20s", lookback: "1m" });
      await env.client.runWorkflow(ns, "verify", "outside", { user: "early", timeout: "500ms", lookback: "100ms" });
      await env.client.runWorkflow(ns, "verify", "none", { user: "early", timeout: "500ms" });
      expect(await result("verify", "within")).toEqual({ early: true });
      expect(await result("verify", "outside")).toBe("timed out");
      expect(await result("verify", "none")).toBe("timed out");
    });

    it("reaches every run waiting for it, once each", async () => {
      const ids = ["p1", "p2", "p3", "p4", "p5"];
      for (const id of ids) await env.client.runWorkflow(ns, "anyPaid", id, null);
      for (const id of ids) await reached(env.client, ns, "anyPaid", id, "event_awaited");
      await env.client.publishEvent(ns, "order.paid", { order: 9 }, { key: "o-9" });
      for (const id of ids) expect(await result("anyPaid", id)).toEqual({ order: 9 });
      for (const id of ids) {
        const received = shape(await historyOf(env.client, ns, "anyPaid", id)).filter((e) =>
          e.startsWith("event_received"),
        );
        expect(received).toHaveLength(1);
      }
    });

    it("is received by one of two waits of a run, never by both", async () => {
      // Published first: both waits look back on it as they begin, in one step.
      await env.client.publishEvent(ns, "ping", "pong", { key: "b1" });
      await env.client.runWorkflow(ns, "both", "b1", null);
      const got = (await result("both", "b1")) as unknown[];
      expect(got.filter((value) => value === "pong")).toHaveLength(1);
      expect(got.filter((value) => value === null)).toHaveLength(1);
    });

    it("received by a wait is not received again by a later wait that looks back on it", async () => {
      await env.client.publishEvent(ns, "tick", 1, { key: "t1" });
      await env.client.runWorkflow(ns, "twice", "t1", null);
      expect(await result("twice", "t1")).toEqual([1, "none"]);
    });

    it("published again with its event id is dropped and delivered once", async () => {
      await env.client.runWorkflow(ns, "verify", "dup", { user: "dup", timeout: "20s" });
      await reached(env.client, ns, "verify", "dup", "event_awaited");
      expect(await env.client.publishEvent(ns, "user.verified", "a", { key: "dup", eventId: "evt-1" })).toBe(true);
      expect(await env.client.publishEvent(ns, "user.verified", "b", { key: "dup", eventId: "evt-1" })).toBe(false);
      expect(await result("verify", "dup")).toBe("a");
    });
  });
});
