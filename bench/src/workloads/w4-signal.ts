import { DBOS } from "@dbos-inc/dbos-sdk";
import type { RunContext } from "@replaykit/runtime";
import type { SystemId } from "../args.js";
import type { BenchContext } from "../context.js";
import { RESULT_TIMEOUT_MS, withTimeout } from "../deadline.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import { alternate, type Live, withSystems } from "../systems/both.js";
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
const RUN_ID = "w4";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One system as W4 drives it: a run that awaits pings, and a way to send it one. */
interface Side {
  readonly system: SystemId;
  readonly probe: FirstSeen;
  send(i: number): Promise<unknown>;
  /** Waits for the run to end after the last ping. */
  finish(): Promise<unknown>;
  readonly latencies: number[];
}

/** The systems take turns ping by ping; latency = workflow resumed (probe) - just before the send call. */
async function drive(sides: readonly Side[], total: number): Promise<void> {
  await sleep(200);
  for (const i of range(total)) {
    for (const side of alternate(sides, i)) {
      const sentAt = performance.now();
      await side.send(i);
      await side.probe.waitFor(`ping-${i}`, RESUME_TIMEOUT_MS);
      side.latencies.push((side.probe.time(`ping-${i}`) ?? Number.NaN) - sentAt);
      await sleep(PARK_MS);
    }
  }
  await Promise.all(sides.map((side) => side.finish()));
}

function record(ctx: BenchContext, side: Side): void {
  const measured = side.latencies.slice(ctx.sizes.warmup);
  const set = (metric: string, value: number) =>
    ctx.results.set(side.system, { workload: "W4", metric, unit: "ms", better: "lower" }, value);
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

function registerPing(probe: FirstSeen): () => (count: number) => Promise<number> {
  return () =>
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
}

async function sidesOf(
  probes: Record<SystemId, FirstSeen>,
  total: number,
  live: Live<(count: number) => Promise<number>>,
): Promise<Side[]> {
  const sides: Side[] = [];
  if (live.replaykit) {
    const { client, namespace } = live.replaykit;
    await client.runWorkflow(namespace, "ping", RUN_ID, { count: total });
    sides.push({
      system: "replaykit",
      probe: probes.replaykit,
      send: (i) => client.signalRun(namespace, "ping", RUN_ID, "ping", { i }, `ping-${i}`),
      finish: () => client.awaitResult(namespace, "ping", RUN_ID, { timeout: RESULT_TIMEOUT_MS }),
      latencies: [],
    });
  }
  if (live.dbos) {
    const handle = await DBOS.startWorkflow(live.dbos.fns, { workflowID: RUN_ID })(total);
    sides.push({
      system: "dbos",
      probe: probes.dbos,
      send: (i) => DBOS.send(RUN_ID, { i }, "ping", `ping-${i}`),
      finish: () => withTimeout(handle.getResult(), RESULT_TIMEOUT_MS, `DBOS workflow ${RUN_ID}`),
      latencies: [],
    });
  }
  return sides;
}

export async function runW4(ctx: BenchContext): Promise<void> {
  const total = ctx.sizes.warmup + ctx.sizes.w4.signals;
  log(
    `W4: ${ctx.sizes.w4.signals} signals into one run per system, taking turns (signalRun -> awaitSignal, send -> recv)`,
  );
  const probes = { replaykit: new FirstSeen(), dbos: new FirstSeen() };
  const setup = { workflows: { ping: pingWorkflow(probes.replaykit) }, activities: { noop: noopActivity } };
  await withSystems(ctx, "w4", { replaykit: setup, dbos: registerPing(probes.dbos) }, async (live) => {
    const sides = await sidesOf(probes, total, live);
    await drive(sides, total);
    for (const side of sides) record(ctx, side);
  });
}
