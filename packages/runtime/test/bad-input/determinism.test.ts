import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { useEngineDatabase, waitFor } from "../support/helpers.js";

const env = useEngineDatabase();

const echo = async (_ctx: unknown, _backends: unknown, input: unknown) => input;

describe("a workflow that calls Math.random() directly", () => {
  it("is parked with a NonDeterminismError on replay once the random value changes a command's input", async () => {
    const direct = async (ctx: RunContext) => {
      const first = await ctx.execActivity("echo", { pick: Math.random() });
      return { first, second: await ctx.execActivity("echo", "done") };
    };
    const deterministic = async (ctx: RunContext) => {
      const first = await ctx.execActivity("echo", { pick: ctx.random() });
      return { first, second: await ctx.execActivity("echo", "done") };
    };
    // No cache: every step replays the workflow from its history, as after a restart.
    await env.worker({
      namespace: "random",
      workflows: { direct, deterministic },
      activities: { echo },
      cacheSize: 0,
    });
    await env.client.runWorkflow("random", "direct", "d1", null);
    await env.client.runWorkflow("random", "deterministic", "r1", null);

    expect(await env.client.awaitResult("random", "deterministic", "r1", { timeout: "20s" })).toMatchObject({
      second: "done",
    });
    await waitFor(async () => (await env.client.getRun("random", "direct", "d1"))?.status === "stuck", 20_000, "d1");
    const run = await env.client.getRun("random", "direct", "d1");
    expect(run?.error?.name).toBe("NonDeterminismError");
    expect(run?.error?.message).toContain("run d1");
    expect(run?.error?.message).toContain("echo#0");
    expect(run?.error?.message).toMatch(/recorded .*"pick":0\.\d+.*code issued .*"pick":0\.\d+/);
  });
});
