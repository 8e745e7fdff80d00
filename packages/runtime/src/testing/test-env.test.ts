import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { ActivityContext, RunContext, Worker } from "../api.js";
import { aesGcmCodec } from "../payload/aes-gcm.js";
import { createWorker } from "../worker/worker.js";
import { collectLogs } from "./logger.js";
import { createTestEnv, type TestEnv } from "./test-env.js";

const DAY = 86_400_000;
const START = Date.UTC(2030, 0, 1);

describe("createTestEnv", () => {
  let env: TestEnv;
  const workers: Worker[] = [];
  // The retries some tests provoke log warnings: kept here, and checked where they are the point.
  const logs = collectLogs();
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await env.close();
  });

  async function start(
    workflows: Record<string, (ctx: RunContext, input: never) => Promise<unknown>>,
    activities: Record<string, (ctx: ActivityContext, backends: never, input: never) => Promise<unknown>> = {},
    options: Parameters<typeof createTestEnv>[0] = {},
  ): Promise<void> {
    env = await createTestEnv({ start: START, ...options });
    const worker = createWorker({
      client: env.client,
      namespace: "t",
      workflows,
      activities,
      stopTimeoutMs: 100,
      logger: logs,
    });
    workers.push(worker);
    await worker.start();
  }

  it("stops at every timer on the way, so timers set by timers fire within one advance", async () => {
    const wokeAt: number[] = [];
    await start({
      naps: async (ctx) => {
        for (let i = 0; i < 3; i++) {
          await ctx.sleep("1d");
          wokeAt.push(ctx.now().getTime() - START);
        }
        return "rested";
      },
    });
    await env.client.runWorkflow("t", "naps", "n1", null);
    await env.advance("2d");
    expect(wokeAt).toEqual([DAY, 2 * DAY]);
    await env.advance("1d");
    expect(await env.client.awaitResult("t", "naps", "n1")).toBe("rested");
    expect(env.now().getTime()).toBe(START + 3 * DAY);
  });

  it("runs activity retries on virtual time", async () => {
    let attempts = 0;
    await start(
      { flaky: async (ctx) => ctx.execActivity("flaky", null) },
      {
        flaky: async () => {
          attempts++;
          if (attempts < 4) throw new Error("not yet");
          return "done";
        },
      },
    );
    await env.client.runWorkflow("t", "flaky", "f1", null);
    await env.settle();
    expect(attempts).toBe(1);
    // default policy: 1 s, 2 s, 4 s between attempts
    await env.advance("7s");
    expect(attempts).toBe(4);
    expect(await env.client.awaitResult("t", "flaky", "f1")).toBe("done");
    expect(logs.matching("activity flaky#0 of run flaky/f1 failed on attempt 1 with Error: not yet")).toHaveLength(1);
  });

  it("with autoSkip, jumps to the next timer while a result is awaited and every run just waits", async () => {
    await start(
      {
        patient: async (ctx) => {
          const answer = await ctx.awaitSignal("answer", "7d");
          await ctx.sleep("30d");
          return { answer: answer ?? "none", at: ctx.now().getTime() - START };
        },
      },
      {},
      { autoSkip: true },
    );
    await env.client.runWorkflow("t", "patient", "p1", null);
    expect(await env.client.awaitResult("t", "patient", "p1")).toEqual({ answer: "none", at: 37 * DAY });
  });

  it("does not skip time while nothing awaits a result, so a test can signal first", async () => {
    await start({ waiting: async (ctx) => ctx.awaitSignal("go", "1h") }, {}, { autoSkip: true });
    await env.client.runWorkflow("t", "waiting", "w1", null);
    await env.settle();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(env.now().getTime()).toBe(START);
    await env.client.signalRun("t", "waiting", "w1", "go", "now", "g1");
    expect(await env.client.awaitResult("t", "waiting", "w1")).toBe("now");
  });

  it("says which runs are still busy when an activity never settles", async () => {
    await start(
      { stuck: async (ctx) => ctx.execActivity("forever", null) },
      { forever: () => new Promise(() => {}) },
      { settleTimeoutMs: 200 },
    );
    await env.client.runWorkflow("t", "stuck", "s1", null);
    await expect(env.advance("1m")).rejects.toThrow(/runs still had work after 200 ms of real time: stuck\/s1/);
  });

  it("refuses { tx }, which only the MySQL client has", async () => {
    await start({ noop: async () => null });
    await expect(env.client.runWorkflow("t", "noop", "x", null, { tx: {} as never })).rejects.toThrow(
      /in-memory store has no transactions/,
    );
  });

  it("keeps schedules from firing unless asked: a due tick starts no run, and the worker says so once per schedule", async () => {
    await start({ report: async (ctx) => ctx.scheduledAt?.toISOString() ?? "by hand" });
    await env.client.createSchedule("t", { id: "nightly", workflow: "report", cron: "0 3 * * *", input: null });
    await env.advance("3d");
    expect((await env.client.listRuns({ namespace: "t" })).runs).toEqual([]);
    expect(env.now().getTime()).toBe(START + 3 * DAY);
    expect(logs.matching('schedule "nightly" came due')).toEqual([
      expect.stringContaining(
        'warn: schedule "nightly" came due at 2030-01-01T03:00:00.000Z and started no run: in a test environment schedules fire only with createTestEnv({ schedules: true })',
      ),
    ]);
    // Kept, listed and triggered by hand all the same.
    expect((await env.client.listSchedules("t")).map((schedule) => schedule.id)).toEqual(["nightly"]);
    const runId = await env.client.triggerSchedule("t", "nightly");
    expect(await env.client.awaitResult("t", "report", runId)).toBe("2030-01-04T00:00:00.000Z");
  });

  it("fires a daily 02:30 Berlin schedule across both daylight-saving changes: moved once, never doubled", async () => {
    await start({ report: async (ctx) => ctx.scheduledAt?.toISOString() }, {}, { schedules: true });
    await env.client.createSchedule("t", {
      id: "nightly",
      workflow: "report",
      cron: "30 2 * * *",
      timezone: "Europe/Berlin",
      input: null,
    });
    const ticks = async () =>
      (await env.client.listRuns({ namespace: "t", workflow: "report", limit: 1000 })).runs.map((run) => run.runId);
    // START is 2030-01-01; spring forward is 2030-03-31, fall back 2030-10-27.
    await env.advance("89d"); // to 2030-03-31 00:00 UTC
    await env.advance("3d");
    const spring = (await ticks()).filter((id) => id >= "nightly@2030-03-30");
    expect(spring).toEqual([
      "nightly@2030-03-30T01:30:00.000Z",
      "nightly@2030-03-31T01:00:00.000Z", // 02:30 did not exist: 03:00 CEST
      "nightly@2030-04-01T00:30:00.000Z",
      "nightly@2030-04-02T00:30:00.000Z",
    ]);
    await env.advance("206d"); // to 2030-10-25
    await env.advance("3d");
    const fall = (await ticks()).filter((id) => id >= "nightly@2030-10-26");
    expect(fall).toEqual([
      "nightly@2030-10-26T00:30:00.000Z",
      "nightly@2030-10-27T00:30:00.000Z", // 02:30 happened twice: once
      "nightly@2030-10-28T01:30:00.000Z",
    ]);
    expect(await env.client.awaitResult("t", "report", "nightly@2030-10-27T00:30:00.000Z")).toBe(
      "2030-10-27T00:30:00.000Z",
    );
  });
  it("takes a client's payload options: codecs encode what its store keeps, and bytes round-trip", async () => {
    const codecs = [aesGcmCodec({ keys: { k: randomBytes(32) }, current: "k" })];
    await start(
      { keep: async (ctx, input: Uint8Array) => ctx.execActivity("flip", input) },
      { flip: async (_ctx, _b, input: Uint8Array) => input.map((byte) => 255 - byte) },
      { codecs, offloadAbove: 64 },
    );
    await env.client.runWorkflow("t", "keep", "k1", new Uint8Array(100));
    expect(await env.client.awaitResult("t", "keep", "k1")).toStrictEqual(new Uint8Array(100).fill(255));
    const stored = await env.client.getHistory("t", "keep", "k1", { raw: true });
    expect(stored[0]?.payload).toMatchObject({ $encoded: { codecs: ["aes-256-gcm"], key: "k", ref: { runId: "k1" } } });
  });
});
