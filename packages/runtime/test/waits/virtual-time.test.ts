import { afterEach, describe, expect, it } from "vitest";
import type { EventTrigger, RunContext, Worker } from "../../src/api.js";
import { createWorker, TokenExpiredError } from "../../src/index.js";
import { collectLogs, createTestEnv, type TestEnv } from "../../src/testing/index.js";
import { tokenIdOf } from "./support.js";

const DAY = 86_400_000;
const START = Date.UTC(2030, 0, 1);

describe("tokens, event waits and debounce windows on the virtual time of createTestEnv", () => {
  let env: TestEnv;
  const workers: Worker[] = [];
  const logs = collectLogs();
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await env.close();
  });

  async function start(
    workflows: Record<string, (ctx: RunContext, input: never) => Promise<unknown>>,
    triggers: Record<string, EventTrigger> = {},
  ): Promise<void> {
    env = await createTestEnv({ start: START });
    const worker = createWorker({
      client: env.client,
      namespace: "t",
      workflows,
      activities: {},
      triggers,
      logger: logs,
    });
    workers.push(worker);
    await worker.start();
  }

  it("time a token out when its timeout passes, and refuse a completion after it", async () => {
    await start({
      approval: async (ctx) => {
        const { id } = await ctx.createToken({ timeout: "2d" });
        return ctx.awaitToken(id).catch((error: Error) => `${error.name} at ${ctx.now().getTime() - START}`);
      },
    });
    await env.client.runWorkflow("t", "approval", "a1", null);
    const id = await tokenIdOf(env.client, "t", "approval", "a1");
    await env.advance("1d");
    expect((await env.client.getRun("t", "approval", "a1"))?.status).toBe("running");
    await env.advance("1d");
    expect(await env.client.awaitResult("t", "approval", "a1")).toBe(`TokenTimeoutError at ${2 * DAY}`);
    await expect(env.client.completeToken(id, "late")).rejects.toBeInstanceOf(TokenExpiredError);
  });

  it("end an event wait at its timeout with undefined", async () => {
    await start({ wait: async (ctx) => (await ctx.waitForEvent("never", { timeout: "3d" })) ?? "timed out" });
    await env.client.runWorkflow("t", "wait", "w1", null);
    await env.advance("3d");
    expect(await env.client.awaitResult("t", "wait", "w1")).toBe("timed out");
  });

  it("start a debounced run a period after the last event, and no later than maxDelay after the first", async () => {
    await start(
      { digest: async (_ctx, input: { n: number }) => input.n },
      {
        digest: {
          event: "edit",
          runId: (input: { n: number }) => `digest-${input.n}`,
          debounce: { period: "1h", maxDelay: "3h" },
        },
      },
    );
    const runs = async () => (await env.client.listRuns({ namespace: "t", workflow: "digest" })).runs;
    // An edit every 30 minutes, from 0 to 4h30: the window keeps moving until maxDelay closes
    // it at 3h, with the last edit before then (n = 5, at 2h30); n = 6 (at 3h) opens the next.
    for (let n = 0; n < 10; n++) {
      await env.client.publishEvent("t", "edit", { n }, { key: "doc" });
      await env.advance("30m");
    }
    const [first, ...rest] = await runs();
    expect(first?.runId).toBe("digest-5");
    expect((first?.createdAt.getTime() ?? 0) - START).toBe(3 * 3_600_000);
    expect(rest).toEqual([]);
    // Quiet after the last edit (n = 9, at 4h30): its window starts its run an hour later.
    await env.advance("29m");
    expect(await runs()).toHaveLength(1);
    await env.advance("1m");
    expect((await runs()).map((run) => run.runId).sort()).toEqual(["digest-5", "digest-9"]);
    expect(await env.client.awaitResult("t", "digest", "digest-9")).toBe(9);
  });
});
