import type { SystemId } from "../args.js";
import { type BenchContext, replaykitOf } from "../context.js";
import {
  type Counters,
  delta,
  mariaDbCounters,
  perUnit,
  postgresCounters,
  recordCounters,
  rowsRead,
} from "../counters.js";
import { log } from "../log.js";
import { captureQueries, roundTrips } from "../round-trips.js";
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
/** Also counted, per run: a run's statements at PROFILED_STEPS less those at 0 are its steps' own (see recordMarginal). */
const BARE_STEPS = 0;

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

/**
 * What one more step costs the database, apart from the run's start, its first read and its idle
 * polls: replaykit's statements and round trips per run at N=10 less those at N=0, over 10. The
 * lean step's own count (its run update, event INSERT and COMMIT) is this figure.
 */
function recordMarginal(ctx: BenchContext, perRun: Map<number, Counters>): void {
  const bare = perRun.get(BARE_STEPS);
  const profiled = perRun.get(PROFILED_STEPS);
  if (!bare || !profiled) return;
  const steps = PROFILED_STEPS - BARE_STEPS;
  const per = (key: string) => ((profiled[key] ?? 0) - (bare[key] ?? 0)) / steps;
  const set = (metric: string, value: number) =>
    ctx.results.set(
      "replaykit",
      { workload: "W1", metric, unit: "/step", better: "lower" },
      Math.round(value * 100) / 100,
    );
  const label = `(N=${PROFILED_STEPS} less N=${BARE_STEPS}, per step)`;
  set(`SQL statements per added step ${label}`, per("Questions"));
  set(`SQL round trips per added step ${label}`, per("roundTrips"));
  set(`rows read per added step ${label}`, ((rowsRead(profiled) ?? 0) - (rowsRead(bare) ?? 0)) / steps);
}

/** A step's write as the runtime sends it: its run update first (a batch's isolation before it). */
const STEP_WRITE = /^(SET TRANSACTION ISOLATION LEVEL READ COMMITTED;\n)?UPDATE \S*runs SET version = /;

/**
 * The statements of each step write, counted in the query text of some more runs of
 * PROFILED_STEPS (statements of one query are joined by ";\n", see the runtime's step-writer.ts):
 * the lean step's own count, apart from everything else a run sends. A run's last step also
 * settles the run's open requests and closes its streams, so it is reported apart.
 */
async function recordStepWrites(ctx: BenchContext, side: Side): Promise<void> {
  const runs = 20;
  const queries = await captureQueries(async () => {
    for (const i of range(runs)) await side.run(`writes-${i}`, PROFILED_STEPS);
  });
  const counts = queries.filter((sql) => STEP_WRITE.test(sql)).map((sql) => sql.split(";\n").length);
  if (counts.length === 0) return;
  const ending = queries
    .filter((sql) => STEP_WRITE.test(sql) && sql.includes("result = CASE"))
    .map((sql) => sql.split(";\n").length);
  const set = (metric: string, value: number) =>
    ctx.results.set("replaykit", { workload: "W1", metric, unit: "/step", better: "lower" }, value);
  set(`N=${PROFILED_STEPS} SQL statements per step write, median`, percentile(counts, 0.5));
  set(
    `N=${PROFILED_STEPS} SQL statements per step write, mean`,
    Math.round((counts.reduce((a, b) => a + b, 0) / counts.length) * 100) / 100,
  );
  if (ending.length > 0)
    set(`N=${PROFILED_STEPS} SQL statements of a run's ending step write, median`, percentile(ending, 0.5));
}

async function measure(ctx: BenchContext, sides: readonly Side[]): Promise<void> {
  const { runs, steps } = ctx.sizes.w1;
  /** replaykit's counters per run, at the step counts recordMarginal compares. */
  const perRun = new Map<number, Counters>();
  for (const n of steps) {
    log(`W1 ${sides.map((s) => s.system).join(" + ")}: ${runs} sequential runs of ${n} steps each, taking turns`);
    await series(sides, "warm", n, ctx.sizes.warmup);
    const profiled = n === PROFILED_STEPS || n === BARE_STEPS;
    const before = profiled ? await Promise.all(sides.map((side) => side.counters())) : [];
    const sentBefore = roundTrips();
    const times = await series(sides, "run", n, runs);
    const sent = roundTrips() - sentBefore;
    for (const [index, side] of sides.entries()) {
      record(ctx, side.system, n, times.get(side.system) ?? []);
      const start = before[index];
      if (!start) continue;
      const moved = delta(start, await side.counters());
      if (side.system === "replaykit") perRun.set(n, { ...perUnit(moved, runs), roundTrips: sent / runs });
      if (n !== PROFILED_STEPS) continue;
      const counted = perUnit(moved, runs * n);
      // Only replaykit speaks mysql2: every query it sent (client start and result wait included).
      if (side.system === "replaykit") counted["roundTrips"] = Math.round((sent / (runs * n)) * 100) / 100;
      ctx.results.detail(`W1.${side.system}.countersPerStep.n${n}`, counted);
      recordCounters(ctx, side.system, { workload: "W1", prefix: `N=${n}` }, counted);
    }
  }
  recordMarginal(ctx, perRun);
  const replaykit = sides.find((side) => side.system === "replaykit");
  if (replaykit) await recordStepWrites(ctx, replaykit);
}

export async function runW1(ctx: BenchContext): Promise<void> {
  await withSystems(ctx, "w1", { replaykit: STEPS_SETUP, dbos: registerSteps }, (live) =>
    measure(ctx, sidesOf(ctx, live)),
  );
  if (ctx.systems.has("replaykit")) await measureW1Codecs(ctx);
}
