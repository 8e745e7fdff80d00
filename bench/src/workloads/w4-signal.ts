import { DBOS } from "@dbos-inc/dbos-sdk";
import type { RunContext } from "@replaykit/runtime";
import type { SystemId } from "../args.js";
import { type BenchContext, postgresOf, replaykitOf } from "../context.js";
import { RESULT_TIMEOUT_MS, withTimeout } from "../deadline.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import { withDbos } from "../systems/dbos.js";
import { noopActivity } from "../systems/steps.js";
import { FirstSeen } from "./probe.js";

interface Ping {
  readonly i: number;
}

function isPing(value: unknown): value is Ping {
  return typeof value === "object" && value !== null && typeof (value as { i?: unknown }).i === "number";
}

/** Pause between signals, so that each one finds the workflow parked in its await (the common case). */
const PARK_MS = 20;
const RESUME_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `total` pings one at a time; latency = workflow resumed (probe) - just before the send call. */
async function drive(probe: FirstSeen, total: number, send: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  await sleep(200);
  for (const i of range(total)) {
    const sentAt = performance.now();
    await send(i);
    await probe.waitFor(`ping-${i}`, RESUME_TIMEOUT_MS);
    latencies.push((probe.time(`ping-${i}`) ?? Number.NaN) - sentAt);
    await sleep(PARK_MS);
  }
  return latencies;
}

function record(ctx: BenchContext, system: SystemId, latencies: number[]): void {
  const measured = latencies.slice(ctx.sizes.warmup);
  const set = (metric: string, value: number) =>
    ctx.results.set(system, { workload: "W4", metric, unit: "ms", better: "lower" }, value);
  set("signal -> resume p50", percentile(measured, 0.5));
  set("signal -> resume p99", percentile(measured, 0.99));
}

function pingWorkflow(probe: FirstSeen) {
  return async (ctx: RunContext, input: { count: number }): Promise<number> => {
    for (let i = 0; i < input.count; i++) {
      const message = await ctx.awaitSignal("ping", "10m");
      if (isPing(message)) probe.mark(`ping-${message.i}`);
    }
    return input.count;
  };
}

export async function runW4(ctx: BenchContext): Promise<void> {
  const total = ctx.sizes.warmup + ctx.sizes.w4.signals;
  if (ctx.systems.has("replaykit")) {
    log(`W4 replaykit: ${ctx.sizes.w4.signals} signals into one run (client.signalRun -> ctx.awaitSignal)`);
    const rk = replaykitOf(ctx);
    const probe = new FirstSeen();
    const setup = { workflows: { ping: pingWorkflow(probe) }, activities: { noop: noopActivity } };
    await rk.withReplaykit(ctx.mariaDbUrl, "w4", setup, async ({ client, namespace }) => {
      await client.runWorkflow(namespace, "ping", "w4", { count: total });
      const latencies = await drive(probe, total, (i) =>
        client.signalRun(namespace, "ping", "w4", "ping", { i }, `ping-${i}`),
      );
      await client.awaitResult(namespace, "ping", "w4", { timeout: RESULT_TIMEOUT_MS });
      record(ctx, "replaykit", latencies);
    });
  }
  if (ctx.systems.has("dbos")) {
    log(`W4 dbos: ${ctx.sizes.w4.signals} messages into one workflow (DBOS.send -> DBOS.recv)`);
    const probe = new FirstSeen();
    const register = () =>
      DBOS.registerWorkflow(
        async (count: number) => {
          for (let i = 0; i < count; i++) {
            const message = await DBOS.recv<Ping>("ping", 600);
            if (isPing(message)) probe.mark(`ping-${message.i}`);
          }
          return count;
        },
        { name: "ping" },
      );
    await withDbos(postgresOf(ctx), "w4", register, async (ping) => {
      const handle = await DBOS.startWorkflow(ping, { workflowID: "w4" })(total);
      const latencies = await drive(probe, total, (i) => DBOS.send("w4", { i }, "ping", `ping-${i}`));
      await withTimeout(handle.getResult(), RESULT_TIMEOUT_MS, "DBOS workflow w4");
      record(ctx, "dbos", latencies);
    });
  }
}
