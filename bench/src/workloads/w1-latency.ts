import type { SystemId } from "../args.js";
import { type BenchContext, postgresOf, replaykitOf } from "../context.js";
import { type Counters, delta, mariaDbCounters, perUnit, postgresCounters, recordCounters } from "../counters.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import { registerSteps, runDbos, withDbos } from "../systems/dbos.js";
import { STEPS_SETUP } from "../systems/steps.js";

/** Runs one series of `runs` sequential runs of `steps` steps; returns each run's wall time in ms. */
type RunOnce = (runId: string, steps: number) => Promise<unknown>;

async function series(run: RunOnce, tag: string, steps: number, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (const i of range(runs)) {
    const start = performance.now();
    await run(`${tag}-n${steps}-${i}`, steps);
    times.push(performance.now() - start);
  }
  return times;
}

/** The step count whose database counters are recorded per step (the most step-dominated one). */
const PROFILED_STEPS = 10;

async function measure(
  ctx: BenchContext,
  system: SystemId,
  run: RunOnce,
  counters: () => Promise<Counters>,
): Promise<void> {
  const { runs, steps } = ctx.sizes.w1;
  for (const n of steps) {
    log(`W1 ${system}: ${runs} sequential runs of ${n} steps`);
    await series(run, "warm", n, ctx.sizes.warmup);
    const before = n === PROFILED_STEPS ? await counters() : undefined;
    const times = await series(run, "run", n, runs);
    const perStep = times.map((t) => t / Math.max(n, 1));
    const set = (metric: string, value: number) =>
      ctx.results.set(system, { workload: "W1", metric, unit: "ms", better: "lower" }, value);
    set(`N=${n} run p50`, percentile(times, 0.5));
    set(`N=${n} run p95`, percentile(times, 0.95));
    set(`N=${n} per-step p50`, percentile(perStep, 0.5));
    set(`N=${n} per-step p95`, percentile(perStep, 0.95));
    if (before) {
      const counted = perUnit(delta(before, await counters()), runs * n);
      ctx.results.detail(`W1.${system}.countersPerStep.n${n}`, counted);
      recordCounters(ctx, system, { workload: "W1", prefix: `N=${n}` }, counted);
    }
  }
}

export async function runW1(ctx: BenchContext): Promise<void> {
  if (ctx.systems.has("replaykit")) {
    await replaykitOf(ctx).withReplaykit(ctx.mariaDbUrl, "w1", STEPS_SETUP, (env) =>
      measure(
        ctx,
        "replaykit",
        (runId, n) => replaykitOf(ctx).runReplaykit(env, "steps", runId, { n }),
        () => mariaDbCounters(env.pool),
      ),
    );
  }
  if (ctx.systems.has("dbos")) {
    const server = postgresOf(ctx);
    await withDbos(server, "w1", registerSteps, (steps, databaseUrl) =>
      measure(
        ctx,
        "dbos",
        (runId, n) => runDbos(steps, runId, n),
        () => postgresCounters(databaseUrl),
      ),
    );
  }
}
