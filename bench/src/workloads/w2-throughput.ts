import type { SystemId } from "../args.js";
import { type BenchContext, postgresOf } from "../context.js";
import { type Counters, delta, mariaDbCounters, perUnit, postgresCounters, recordCounters } from "../counters.js";
import { type CpuSample, sampleCpu } from "../cpu.js";
import { RESULT_TIMEOUT_MS } from "../deadline.js";
import { log } from "../log.js";
import { roundTrips } from "../round-trips.js";
import { pool, range } from "../stats.js";
import { alternate, type Live, withSystems } from "../systems/both.js";
import { registerSteps, runDbos } from "../systems/dbos.js";
import type { ReplaykitEnv } from "../systems/replaykit.js";
import { STEPS_SETUP } from "../systems/steps.js";
import { measureW2Codecs } from "./payload-codecs.js";

/** Concurrent runWorkflow callers on the replaykit side: the client starts runs as fast as it can. */
const STARTERS = 8;
/** Concurrent awaitResult callers; runs finish roughly in start order, so this bounds only polling. */
const AWAITERS = 64;
/** The batch is split into rounds and the systems take turns, so both see the same background load. */
const ROUNDS = 2;

interface Side {
  readonly system: SystemId;
  /** Runs `ids` to completion; resolves when the last one ended. */
  batch(ids: readonly string[]): Promise<void>;
  counters(): Promise<Counters>;
  /** PID of its database server, for CPU sampling. */
  readonly serverPid: number | undefined;
}

function replaykitSide(ctx: BenchContext, env: ReplaykitEnv): Side {
  const input = { n: ctx.sizes.w2.steps };
  const { client, namespace } = env;
  return {
    system: "replaykit",
    batch: async (ids) => {
      await pool(ids, STARTERS, async (id) => {
        await client.runWorkflow(namespace, "steps", id, input);
      });
      await pool(ids, AWAITERS, async (id) => {
        await client.awaitResult(namespace, "steps", id, { timeout: RESULT_TIMEOUT_MS });
      });
    },
    counters: () => mariaDbCounters(env.pool),
    serverPid: ctx.mariaDbPid,
  };
}

function dbosSide(ctx: BenchContext, concurrency: number, steps: (n: number) => Promise<number>, url: string): Side {
  return {
    system: "dbos",
    batch: (ids) =>
      pool(ids, concurrency, async (id) => {
        await runDbos(steps, id, ctx.sizes.w2.steps);
      }),
    counters: () => postgresCounters(url),
    serverPid: postgresOf(ctx).pid,
  };
}

function sidesOf(ctx: BenchContext, concurrency: number, live: Live<(n: number) => Promise<number>>): Side[] {
  const sides: Side[] = [];
  if (live.replaykit) sides.push(replaykitSide(ctx, live.replaykit));
  if (live.dbos) sides.push(dbosSide(ctx, concurrency, live.dbos.fns, live.dbos.url));
  return sides;
}

/** Wall and CPU time a side spent in its own batches. */
interface Spent {
  /** mysql2 queries sent (replaykit only). */
  sent: number;
  wall: number;
  own: number;
  server: number | undefined;
}

type Sample = CpuSample & { readonly sent: number };

function add(spent: Spent, a: Sample, b: Sample): void {
  spent.wall += b.wall - a.wall;
  spent.sent += b.sent - a.sent;
  spent.own += b.own - a.own;
  spent.server =
    spent.server !== undefined && a.server !== undefined && b.server !== undefined
      ? spent.server + (b.server - a.server)
      : undefined;
}

function record(ctx: BenchContext, system: SystemId, concurrency: number, spent: Spent, counters: Counters): void {
  const { runs, steps } = ctx.sizes.w2;
  const runsPerSec = runs / (spent.wall / 1000);
  const set = (metric: string, unit: string, better: "lower" | "higher", value: number | undefined) => {
    if (value !== undefined)
      ctx.results.set(system, { workload: "W2", metric: `c=${concurrency} ${metric}`, unit, better }, value);
  };
  set("runs/s", "1/s", "higher", runsPerSec);
  set("steps/s", "1/s", "higher", runsPerSec * steps);
  const perStep = perUnit(system === "replaykit" ? { ...counters, roundTrips: spent.sent } : counters, runs * steps);
  ctx.results.detail(`W2.${system}.countersPerStep.c${concurrency}`, perStep);
  recordCounters(ctx, system, { workload: "W2", prefix: `c=${concurrency}` }, perStep);
  set("CPU of the Node.js process", "cores", "lower", spent.own / spent.wall);
  set("Node.js CPU per step", "ms", "lower", spent.own / (runs * steps));
  set(
    "CPU of the database server",
    "cores",
    "lower",
    spent.server === undefined ? undefined : spent.server / spent.wall,
  );
  // The server's work per step, the figure issue 30 cuts (a saturated server's cores say less).
  set(
    "database server CPU per step",
    "ms",
    "lower",
    spent.server === undefined ? undefined : spent.server / (runs * steps),
  );
}

async function measure(ctx: BenchContext, concurrency: number, sides: readonly Side[]): Promise<void> {
  const { runs } = ctx.sizes.w2;
  for (const side of sides) await side.batch(range(ctx.sizes.warmup * 2).map((i) => `warm-${i}`));
  const before = await Promise.all(sides.map((side) => side.counters()));
  const spent = sides.map((): Spent => ({ sent: 0, wall: 0, own: 0, server: 0 }));
  const perRound = Math.ceil(runs / ROUNDS);
  for (const round of range(ROUNDS)) {
    const ids = range(runs)
      .slice(round * perRound, (round + 1) * perRound)
      .map((i) => `run-${i}`);
    for (const side of alternate(sides, round)) {
      const index = sides.indexOf(side);
      const a = { ...sampleCpu(side.serverPid), sent: roundTrips() };
      await side.batch(ids);
      const target = spent[index];
      if (target) add(target, a, { ...sampleCpu(side.serverPid), sent: roundTrips() });
    }
  }
  for (const [index, side] of sides.entries()) {
    const start = before[index];
    const target = spent[index];
    if (start && target) record(ctx, side.system, concurrency, target, delta(start, await side.counters()));
  }
}

export async function runW2(ctx: BenchContext): Promise<void> {
  const { runs, steps, concurrency } = ctx.sizes.w2;
  for (const c of concurrency) {
    log(
      `W2 c=${c}: ${runs} runs of ${steps} steps per system in ${ROUNDS} rounds taking turns ` +
        `(replaykit: worker concurrency ${c}; DBOS: ${c} concurrent startWorkflow+getResult callers)`,
    );
    await withSystems(ctx, `w2c${c}`, { replaykit: { ...STEPS_SETUP, concurrency: c }, dbos: registerSteps }, (live) =>
      measure(ctx, c, sidesOf(ctx, c, live)),
    );
  }
  if (ctx.systems.has("replaykit")) await measureW2Codecs(ctx);
}
