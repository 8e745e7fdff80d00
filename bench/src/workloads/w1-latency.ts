import type { SystemId } from "../args.js";
import { type BenchContext, replaykitOf } from "../context.js";
import { type Counters, delta, mariaDbCounters, perUnit, postgresCounters, recordCounters } from "../counters.js";
import { log } from "../log.js";
import { roundTrips } from "../round-trips.js";
import { percentile, range } from "../stats.js";
import { alternate, type Live, withSystems } from "../systems/both.js";
import { registerSteps, runDbos } from "../systems/dbos.js";
import { STEPS_SETUP } from "../systems/steps.js";
import { measureW1Codecs } from "./payload-codecs.js";

/** One system as W1 drives it. */
interface Side {
  readonly system: SystemId;
  run(runId: string, steps: number): Promise<unknown>;
  counters(): Promise<Counters>;
}

/** The step count whose database counters are recorded per step (the most step-dominated one). */
const PROFILED_STEPS = 10;

function sidesOf(ctx: BenchContext, live: Live<(n: number) => Promise<number>>): Side[] {
  const sides: Side[] = [];
  const { replaykit: env, dbos } = live;
  if (env) {
    const rk = replaykitOf(ctx);
    sides.push({
      system: "replaykit",
      run: (runId, n) => rk.runReplaykit(env, "steps", runId, { n }),
      counters: () => mariaDbCounters(env.pool),
    });
  }
  if (dbos) {
    sides.push({
      system: "dbos",
      run: (runId, n) => runDbos(dbos.fns, runId, n),
      counters: () => postgresCounters(dbos.url),
    });
  }
  return sides;
}

/** `runs` sequential runs per side, the sides taking turns run by run; wall time of each run. */
async function series(sides: readonly Side[], tag: string, n: number, runs: number): Promise<Map<SystemId, number[]>> {
  const times = new Map<SystemId, number[]>(sides.map((side) => [side.system, []]));
  for (const i of range(runs)) {
    for (const side of alternate(sides, i)) {
      const start = performance.now();
      await side.run(`${tag}-n${n}-${i}`, n);
      times.get(side.system)?.push(performance.now() - start);
    }
  }
  return times;
}

function record(ctx: BenchContext, system: SystemId, n: number, times: readonly number[]): void {
  const perStep = times.map((t) => t / Math.max(n, 1));
  const set = (metric: string, value: number) =>
    ctx.results.set(system, { workload: "W1", metric, unit: "ms", better: "lower" }, value);
  set(`N=${n} run p50`, percentile(times, 0.5));
  set(`N=${n} run p95`, percentile(times, 0.95));
  set(`N=${n} per-step p50`, percentile(perStep, 0.5));
  set(`N=${n} per-step p95`, percentile(perStep, 0.95));
}

async function measure(ctx: BenchContext, sides: readonly Side[]): Promise<void> {
  const { runs, steps } = ctx.sizes.w1;
  for (const n of steps) {
    log(`W1 ${sides.map((s) => s.system).join(" + ")}: ${runs} sequential runs of ${n} steps each, taking turns`);
    await series(sides, "warm", n, ctx.sizes.warmup);
    const profiled = n === PROFILED_STEPS;
    const before = profiled ? await Promise.all(sides.map((side) => side.counters())) : [];
    const sentBefore = roundTrips();
    const times = await series(sides, "run", n, runs);
    const sent = roundTrips() - sentBefore;
    for (const [index, side] of sides.entries()) {
      record(ctx, side.system, n, times.get(side.system) ?? []);
      const start = before[index];
      if (!start) continue;
      const counted = perUnit(delta(start, await side.counters()), runs * n);
      // Only replaykit speaks mysql2: every query it sent (client start and result wait included).
      if (side.system === "replaykit") counted["roundTrips"] = Math.round((sent / (runs * n)) * 100) / 100;
      ctx.results.detail(`W1.${side.system}.countersPerStep.n${n}`, counted);
      recordCounters(ctx, side.system, { workload: "W1", prefix: `N=${n}` }, counted);
    }
  }
}

export async function runW1(ctx: BenchContext): Promise<void> {
  await withSystems(ctx, "w1", { replaykit: STEPS_SETUP, dbos: registerSteps }, (live) =>
    measure(ctx, sidesOf(ctx, live)),
  );
  if (ctx.systems.has("replaykit")) await measureW1Codecs(ctx);
}
