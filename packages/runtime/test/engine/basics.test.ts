import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { forEachStore, historyOf, shape } from "../support/helpers.js";

forEachStore((env) => {
  describe("a run of sequential activities", () => {
    it("completes with a history of created, five request/response pairs and completed", async () => {
      const calls: number[] = [];
      await env.worker({
        namespace: "basics",
        workflows: {
          five: async (ctx: RunContext, input: { start: number }) => {
            let value = input.start;
            for (let i = 0; i < 5; i++) value = (await ctx.execActivity("inc", value)) as number;
            return { value };
          },
        },
        activities: {
          inc: async (_ctx, _backends, n: number) => {
            calls.push(n);
            return n + 1;
          },
        },
      });
      expect(await env.client.runWorkflow("basics", "five", "r1", { start: 10 })).toBe(true);
      const result = await env.client.awaitResult("basics", "five", "r1", { timeout: "20s" });
      expect(result).toEqual({ value: 15 });
      expect(calls).toEqual([10, 11, 12, 13, 14]);
      const events = await historyOf(env.client, "basics", "five", "r1");
      expect(shape(events)).toEqual([
        "created",
        ...[0, 1, 2, 3, 4].flatMap((i) => [`activity_request inc#${i}`, `activity_response inc#${i}`]),
        "completed",
      ]);
      expect(events.map((event) => event.pos)).toEqual(events.map((_, i) => i));
    });
  });
});
