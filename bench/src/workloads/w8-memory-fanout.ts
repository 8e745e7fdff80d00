import type { RunContext } from "@replaykit/runtime";
import { createClient } from "@replaykit/runtime";
import { createScratchDatabase } from "@replaykit/runtime/testing";
import { WorkerProcess } from "../children/fork.js";
import type { FromChild } from "../children/worker-process.js";
import { type BenchContext, replaykitOf } from "../context.js";
import { RESULT_TIMEOUT_MS } from "../deadline.js";
import { log } from "../log.js";
import { pool as inParallel, percentile, range } from "../stats.js";
import { replaykitPool } from "../systems/pool-size.js";
import { STEPS_SETUP } from "../systems/steps.js";

const MB = 1024 * 1024;
const REACH_TIMEOUT_MS = 600_000;
const FAN_OUT_TRIALS = 3;

type Memory = Extract<FromChild, { type: "memory" }>;

async function memoryOf(worker: WorkerProcess): Promise<Memory> {
  const answer = worker.next((m): m is Memory => m.type === "memory");
  worker.send({ type: "memory" });
  return answer;
}

/**
 * RSS of one worker process (run with --expose-gc, measured after a full GC) before and after
 * `suspended` runs reached ctx.awaitSignal and stayed in its run cache (cacheSize above that).
 */
async function suspendedMemory(ctx: BenchContext): Promise<void> {
  const { suspended } = ctx.sizes.w8;
  const db = await createScratchDatabase(ctx.mariaDbUrl, "bench_w8");
  const sqlPool = replaykitPool(db.url, 8);
  const client = createClient({ pool: sqlPool });
  const worker = new WorkerProcess(["--expose-gc"]);
  try {
    await client.migrate();
    await worker.start({ url: db.url, concurrency: 64, cacheSize: suspended + 1000 });
    // Warm the code paths (and pools) with a few runs, so the baseline is not a cold process.
    const warm = Math.min(100, suspended);
    const reachedAll = (target: number) =>
      worker.next(
        (m): m is Extract<FromChild, { type: "reached" }> => m.type === "reached" && m.count >= target,
        REACH_TIMEOUT_MS,
      );
    let reached = reachedAll(warm);
    await inParallel(range(warm), 8, async (i) => {
      await client.runWorkflow("bench", "awaitGo", `warm-${i}`, {});
    });
    await reached;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await memoryOf(worker);
    reached = reachedAll(warm + suspended);
    const started = performance.now();
    await inParallel(range(suspended), 8, async (i) => {
      await client.runWorkflow("bench", "awaitGo", `run-${i}`, {});
    });
    await reached;
    const suspendSeconds = (performance.now() - started) / 1000;
    // Let the last suspensions commit and their actors settle in the cache.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await memoryOf(worker);
    const per1000 = (bytes: number) => (bytes / MB) * (1000 / suspended);
    const set = (metric: string, unit: string, value: number) =>
      ctx.results.set("replaykit", { workload: "W8", metric, unit, better: "lower" }, value);
    set("RSS per 1,000 suspended cached runs", "MB", per1000(after.rss - before.rss));
    set("JS heap per 1,000 suspended cached runs", "MB", per1000(after.heapUsed - before.heapUsed));
    set(`worker RSS with ${suspended} suspended runs`, "MB", after.rss / MB);
    ctx.results.detail("W8.memory", { suspended, before, after, suspendSeconds });
    log(
      `W8 ${suspended} suspended runs: RSS ${(before.rss / MB).toFixed(1)} -> ${(after.rss / MB).toFixed(1)} MB, heap ${(before.heapUsed / MB).toFixed(1)} -> ${(after.heapUsed / MB).toFixed(1)} MB`,
    );
  } finally {
    await worker.stop();
    await client.close();
    await sqlPool.end();
    await db.drop();
  }
}

async function fanOut(ctx: RunContext, input: { n: number }): Promise<number> {
  const results = await Promise.all(range(input.n).map((i) => ctx.execActivity("noop", i)));
  return results.length;
}

/** One run that starts `fanOut` activities at once and waits for them all; start to result. */
async function fanOutRun(ctx: BenchContext): Promise<void> {
  const rk = replaykitOf(ctx);
  const n = ctx.sizes.w8.fanOut;
  const trials = ctx.sizes.w3.trials === 1 ? 1 : FAN_OUT_TRIALS;
  const setup = { workflows: { fanOut }, activities: STEPS_SETUP.activities, concurrency: 64 };
  await rk.withReplaykit(ctx.mariaDbUrl, "w8f", setup, async (env) => {
    await rk.runReplaykit(env, "fanOut", "warm", { n: Math.min(n, 50) });
    const times: number[] = [];
    for (const trial of range(trials)) {
      const start = performance.now();
      const result = await env.client
        .runWorkflow(env.namespace, "fanOut", `run-${trial}`, { n })
        .then(() => env.client.awaitResult(env.namespace, "fanOut", `run-${trial}`, { timeout: RESULT_TIMEOUT_MS }));
      times.push(performance.now() - start);
      if (result !== n) throw new Error(`W8 fan-out run ended with ${String(result)}, not ${n}`);
    }
    ctx.results.set(
      "replaykit",
      { workload: "W8", metric: `${n} parallel activities, start to result`, unit: "ms", better: "lower" },
      percentile(times, 0.5),
    );
    log(`W8 fan-out of ${n}: ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
  });
}

/** replaykit only: memory of suspended runs in a worker's cache, and one run's wide fan-out. */
export async function runW8(ctx: BenchContext): Promise<void> {
  if (!ctx.systems.has("replaykit")) return;
  log(`W8 replaykit: ${ctx.sizes.w8.suspended} runs suspended in one worker process's cache`);
  await suspendedMemory(ctx);
  log(`W8 replaykit: one run with ${ctx.sizes.w8.fanOut} parallel activities`);
  await fanOutRun(ctx);
}
