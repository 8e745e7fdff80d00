import type { SystemId } from "../args.js";
import { type BenchContext, postgresOf, replaykitOf } from "../context.js";
import { type Counters, delta, mariaDbCounters, perUnit, postgresCounters, recordCounters } from "../counters.js";
import { coresBusy, sampleCpu } from "../cpu.js";
import { RESULT_TIMEOUT_MS } from "../deadline.js";
import { log } from "../log.js";
import { pool, range } from "../stats.js";
import { registerSteps, runDbos, withDbos } from "../systems/dbos.js";
import type { ReplaykitEnv } from "../systems/replaykit.js";
import { STEPS_SETUP } from "../systems/steps.js";

/** Concurrent runWorkflow callers on the replaykit side: the client starts runs as fast as it can. */
const STARTERS = 8;
/** Concurrent awaitResult callers; runs finish roughly in start order, so this bounds only polling. */
const AWAITERS = 64;

interface Measured {
  readonly ms: number;
  readonly counters: Counters;
  readonly cores: ReturnType<typeof coresBusy>;
}

function record(ctx: BenchContext, system: SystemId, concurrency: number, { ms, counters, cores }: Measured): void {
  const { runs, steps } = ctx.sizes.w2;
  const runsPerSec = runs / (ms / 1000);
  ctx.results.set(
    system,
    { workload: "W2", metric: `c=${concurrency} runs/s`, unit: "1/s", better: "higher" },
    runsPerSec,
  );
  ctx.results.set(
    system,
    { workload: "W2", metric: `c=${concurrency} steps/s`, unit: "1/s", better: "higher" },
    runsPerSec * steps,
  );
  const perStep = perUnit(counters, runs * steps);
  ctx.results.detail(`W2.${system}.countersPerStep.c${concurrency}`, perStep);
  recordCounters(ctx, system, { workload: "W2", prefix: `c=${concurrency}` }, perStep);
  const cpu = (metric: string, value: number | undefined) => {
    if (value !== undefined) ctx.results.set(system, { workload: "W2", metric, unit: "cores", better: "lower" }, value);
  };
  cpu(`c=${concurrency} CPU of the Node.js process`, cores.own);
  cpu(`c=${concurrency} CPU of the database server`, cores.server);
}

async function replaykitBatch(ctx: BenchContext, env: ReplaykitEnv, tag: string, runs: number): Promise<number> {
  const ids = range(runs).map((i) => `${tag}-${i}`);
  const input = { n: ctx.sizes.w2.steps };
  const start = performance.now();
  await pool(ids, STARTERS, async (id) => {
    await env.client.runWorkflow(env.namespace, "steps", id, input);
  });
  await pool(ids, AWAITERS, async (id) => {
    await env.client.awaitResult(env.namespace, "steps", id, { timeout: RESULT_TIMEOUT_MS });
  });
  return performance.now() - start;
}

async function replaykitW2(ctx: BenchContext, concurrency: number): Promise<void> {
  const rk = replaykitOf(ctx);
  await rk.withReplaykit(ctx.mariaDbUrl, `w2c${concurrency}`, { ...STEPS_SETUP, concurrency }, async (env) => {
    await replaykitBatch(ctx, env, "warm", ctx.sizes.warmup * 2);
    const before = await mariaDbCounters(env.pool);
    const cpu = sampleCpu(ctx.mariaDbPid);
    const ms = await replaykitBatch(ctx, env, "run", ctx.sizes.w2.runs);
    const cores = coresBusy(cpu, sampleCpu(ctx.mariaDbPid));
    const after = await mariaDbCounters(env.pool);
    record(ctx, "replaykit", concurrency, { ms, counters: delta(before, after), cores });
  });
}

async function dbosW2(ctx: BenchContext, concurrency: number): Promise<void> {
  await withDbos(postgresOf(ctx), `w2c${concurrency}`, registerSteps, async (steps, databaseUrl) => {
    const batch = async (tag: string, runs: number) => {
      const start = performance.now();
      await pool(
        range(runs).map((i) => `${tag}-${i}`),
        concurrency,
        async (id) => {
          await runDbos(steps, id, ctx.sizes.w2.steps);
        },
      );
      return performance.now() - start;
    };
    await batch("warm", ctx.sizes.warmup * 2);
    const before = await postgresCounters(databaseUrl);
    const cpu = sampleCpu(postgresOf(ctx).pid);
    const ms = await batch("run", ctx.sizes.w2.runs);
    const cores = coresBusy(cpu, sampleCpu(postgresOf(ctx).pid));
    record(ctx, "dbos", concurrency, { ms, counters: delta(before, await postgresCounters(databaseUrl)), cores });
  });
}

export async function runW2(ctx: BenchContext): Promise<void> {
  const { runs, steps, concurrency } = ctx.sizes.w2;
  for (const c of concurrency) {
    if (ctx.systems.has("replaykit")) {
      log(`W2 replaykit: ${runs} runs of ${steps} steps, worker concurrency ${c}`);
      await replaykitW2(ctx, c);
    }
    if (ctx.systems.has("dbos")) {
      log(`W2 dbos: ${runs} runs of ${steps} steps, ${c} concurrent startWorkflow+getResult callers`);
      await dbosW2(ctx, c);
    }
  }
}
