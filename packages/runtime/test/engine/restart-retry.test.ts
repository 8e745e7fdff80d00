import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { ActivityFailure, NonRetryableError } from "../../src/index.js";
import { forEachStore, historyOf, shape } from "../support/helpers.js";

forEachStore((env) => {
  describe("restart", () => {
    it("gives every iteration exactly [created, completed] and ends on the last", async () => {
      await env.worker({
        namespace: "loop",
        workflows: {
          count: async (ctx: RunContext, input: { n: number }) => {
            if (input.n < 3) return ctx.restart({ n: input.n + 1 });
            return { finished: input.n, iteration: ctx.iteration };
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("loop", "count", "c1", { n: 0 });
      expect(await env.client.awaitResult("loop", "count", "c1", { timeout: "10s" })).toEqual({
        finished: 3,
        iteration: 3,
      });
      const events = await historyOf(env.client, "loop", "count", "c1");
      for (const iteration of [0, 1, 2, 3]) {
        const own = events.filter((event) => event.iteration === iteration);
        expect(shape(own)).toEqual(["created", iteration < 3 ? "restarted" : "completed"]);
        expect(own.map((event) => event.pos)).toEqual([0, 1]);
      }
      expect(events[0]?.payload).toEqual({ n: 0 });
      expect(events[1]?.payload).toEqual({ input: { n: 1 } });
      const run = await env.client.getRun("loop", "count", "c1");
      expect(run?.iteration).toBe(3);
    });

    it("carries signals not yet consumed over to the next iteration", async () => {
      const invocations: number[] = [];
      await env.worker({
        namespace: "carry",
        workflows: {
          gather: async (ctx: RunContext, input: { seen: unknown[] }) => {
            invocations.push(ctx.iteration);
            const next = await ctx.awaitSignal("item", 10_000);
            const seen = [...input.seen, next];
            if (seen.length < 3) return ctx.restart({ seen });
            return seen;
          },
        },
        activities: {},
      });
      for (const item of ["a", "b", "c"]) await env.client.signalRun("carry", "gather", "g1", "item", item, item);
      await env.client.runWorkflow("carry", "gather", "g1", { seen: [] });
      expect(await env.client.awaitResult("carry", "gather", "g1", { timeout: "10s" })).toEqual(["a", "b", "c"]);
      expect(invocations).toEqual([0, 1, 2]);
    });
  });

  describe("activity retries", () => {
    it("retry by policy until the activity succeeds, with a stable idempotency key", async () => {
      const seen: { attempt: number; key: string }[] = [];
      await env.worker({
        namespace: "retry",
        workflows: {
          flaky: async (ctx: RunContext) => ctx.execActivity("flaky", null),
          doomed: async (ctx: RunContext, input: { nonRetryable: boolean }) => {
            try {
              await ctx.execActivity(input.nonRetryable ? "refuse" : "alwaysFails", null);
              return "unreachable";
            } catch (error) {
              if (!(error instanceof ActivityFailure)) throw error;
              return { caught: error.name, attempts: error.attempts, message: error.failure.message };
            }
          },
        },
        activities: {
          flaky: {
            fn: async (ctx: ActivityContext) => {
              seen.push({ attempt: ctx.attempt, key: ctx.idempotencyKey });
              if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
              return "third time lucky";
            },
            retry: { initialInterval: 20, backoffCoefficient: 2, maxInterval: 50 },
          },
          alwaysFails: {
            fn: async () => {
              throw new Error("broken for good");
            },
            retry: { initialInterval: 10, maxAttempts: 3 },
          },
          refuse: async () => {
            throw new NonRetryableError("card declined");
          },
        },
      });
      await env.client.runWorkflow("retry", "flaky", "f1", null);
      expect(await env.client.awaitResult("retry", "flaky", "f1", { timeout: "10s" })).toBe("third time lucky");
      expect(seen.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
      expect(new Set(seen.map((entry) => entry.key))).toEqual(new Set(["retry/flaky/f1/0/flaky/0"]));

      await env.client.runWorkflow("retry", "doomed", "d1", { nonRetryable: false });
      expect(await env.client.awaitResult("retry", "doomed", "d1", { timeout: "10s" })).toEqual({
        caught: "ActivityFailure",
        attempts: 3,
        message: "broken for good",
      });
      await env.client.runWorkflow("retry", "doomed", "d2", { nonRetryable: true });
      expect(await env.client.awaitResult("retry", "doomed", "d2", { timeout: "10s" })).toEqual({
        caught: "ActivityFailure",
        attempts: 1,
        message: "card declined",
      });
    });

    it("fail the run with the serialised error when the workflow throws", async () => {
      await env.worker({
        namespace: "throws",
        workflows: {
          bad: async () => {
            throw new TypeError("no such thing");
          },
          odd: async () => {
            throw { weird: true };
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("throws", "bad", "b1", null);
      await expect(env.client.awaitResult("throws", "bad", "b1", { timeout: "10s" })).rejects.toMatchObject({
        name: "RunFailedError",
        failure: { name: "TypeError", message: "no such thing" },
      });
      await env.client.runWorkflow("throws", "odd", "o1", null);
      await expect(env.client.awaitResult("throws", "odd", "o1", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "NonErrorThrown" },
      });
      const events = await historyOf(env.client, "throws", "bad", "b1");
      expect(shape(events)).toEqual(["created", "failed"]);
      expect(events[1]?.payload).toMatchObject({ name: "TypeError", message: "no such thing" });
    });
  });
});
