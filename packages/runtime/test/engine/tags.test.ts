import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { InvalidTagsError } from "../../src/index.js";
import { forEachStore, historyOf, waitFor } from "../support/helpers.js";

forEachStore((env) => {
  describe("tags", () => {
    it("find runs by the tags they were started with and set, and are inherited by children unless overridden", async () => {
      const ns = "tags-runs";
      await env.worker({
        namespace: ns,
        workflows: {
          order: async (ctx: RunContext, input: { items: number }) => {
            await ctx.setTags({ stage: "charged", items: input.items });
            await ctx.runChild("ship", `${ctx.runId}-ship`, null);
            await ctx.runChild("ship", `${ctx.runId}-express`, null, { tags: { plan: "express" } });
            return "done";
          },
          ship: async () => "shipped",
        },
        activities: {},
      });
      await env.client.runWorkflow(ns, "order", "o-1", { items: 2 }, { tags: { customer: "c-1", plan: "pro" } });
      await env.client.runWorkflow(ns, "order", "o-2", { items: 1 }, { tags: { customer: "c-2", plan: "pro" } });
      for (const id of ["o-1", "o-2"]) await env.client.awaitResult(ns, "order", id, { timeout: "10s" });
      expect((await env.client.getRun(ns, "order", "o-1"))?.tags).toEqual({
        customer: "c-1",
        plan: "pro",
        stage: "charged",
        items: 2,
      });
      expect((await env.client.getRun(ns, "ship", "o-1-ship"))?.tags).toMatchObject({ customer: "c-1", plan: "pro" });
      expect((await env.client.getRun(ns, "ship", "o-1-express"))?.tags).toMatchObject({
        customer: "c-1",
        plan: "express",
      });
      const c1 = await env.client.listRuns({ namespace: ns, tags: { customer: "c-1" } });
      expect(c1.runs.map((run) => run.runId).sort()).toEqual(["o-1", "o-1-express", "o-1-ship"]);
      const express = await env.client.listRuns({ namespace: ns, tags: { plan: "express" } });
      expect(express.runs.map((run) => run.runId).sort()).toEqual(["o-1-express", "o-2-express"]);
      const counted = await env.client.countRuns({ namespace: ns, tags: { customer: "c-2", plan: "pro" } });
      expect(counted.statuses).toEqual({ completed: 2 });
      expect(counted.workflows).toEqual({ order: { completed: 1 }, ship: { completed: 1 } });
      const set = (await historyOf(env.client, ns, "order", "o-1")).find((event) => event.type === "tags_set");
      expect(set).toMatchObject({ pos: 1, payload: { items: 2, stage: "charged" } });
    });

    it("that cannot be stored are refused before anything is written, at the start and in the workflow", async () => {
      const ns = "tags-bad";
      await expect(
        env.client.runWorkflow(ns, "order", "o-1", null, { tags: { nested: { a: 1 } as never } }),
      ).rejects.toThrow(InvalidTagsError);
      expect(await env.client.getRun(ns, "order", "o-1")).toBeUndefined();
      await env.worker({
        namespace: ns,
        workflows: { bad: async (ctx: RunContext) => ctx.setTags({ list: [1] as never }) },
        activities: {},
      });
      await env.client.runWorkflow(ns, "bad", "b-1", null);
      await waitFor(async () => (await env.client.getRun(ns, "bad", "b-1"))?.status === "failed");
      expect((await env.client.getRun(ns, "bad", "b-1"))?.error).toMatchObject({ name: "InvalidTagsError" });
    });
  });
});
