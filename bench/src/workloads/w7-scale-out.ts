import { createClient } from "@replaykit/runtime";
import { createScratchDatabase } from "@replaykit/runtime/testing";
import type { RowDataPacket } from "mysql2/promise";
import { WorkerProcess } from "../children/fork.js";
import { type BenchContext, replaykitOf } from "../context.js";
import { serverCpuMs } from "../cpu.js";
import { log } from "../log.js";
import { pool as inParallel, range } from "../stats.js";
import { replaykitPool } from "../systems/pool-size.js";

const CONCURRENCY = 64;
const POLL_MS = 20;
const DONE_TIMEOUT_MS = 600_000;

/** CPU ms of several processes (undefined ones count 0). */
const cpuOf = (pids: readonly (number | undefined)[]) =>
  pids.reduce((sum: number, pid) => sum + (serverCpuMs(pid) ?? 0), 0);

/**
 * replaykit only: `k` worker processes (each concurrency 64) on one database share runs of
 * W2's shape. The runs are all started first, with no worker running; then every worker
 * starts at once, and the time until the last run completed gives runs/s. The CPU that the
 * workers and mariadbd used meanwhile shows what stops the scaling.
 */
async function scaleOut(ctx: BenchContext, k: number): Promise<void> {
  const { runs } = ctx.sizes.w7;
  const steps = ctx.sizes.w2.steps;
  const db = await createScratchDatabase(ctx.mariaDbUrl, `bench_w7_${k}`);
  const sqlPool = replaykitPool(db.url, 8);
  const client = createClient({ pool: sqlPool });
  const workers = range(k).map(() => new WorkerProcess());
  try {
    await client.migrate();
    await inParallel(range(runs), 8, async (i) => {
      await client.runWorkflow("bench", "steps", `run-${i}`, { n: steps });
    });
    const count = async () => {
      const [rows] = await sqlPool.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = 'bench' AND status = 'completed'",
      );
      return Number(rows[0]?.["n"]);
    };
    const pids = workers.map((w) => w.pid);
    const cpuBefore = { workers: cpuOf(pids), server: serverCpuMs(ctx.mariaDbPid) };
    const started = performance.now();
    await Promise.all(workers.map((w) => w.start({ url: db.url, concurrency: CONCURRENCY, cacheSize: 1000 })));
    while ((await count()) < runs) {
      if (performance.now() - started > DONE_TIMEOUT_MS) throw new Error(`W7: ${k} workers did not finish in time`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const wall = performance.now() - started;
    const workerCores = (cpuOf(pids) - cpuBefore.workers) / wall;
    const serverNow = serverCpuMs(ctx.mariaDbPid);
    const serverCores =
      serverNow === undefined || cpuBefore.server === undefined ? undefined : (serverNow - cpuBefore.server) / wall;
    const label = `${k} worker process${k === 1 ? "" : "es"}`;
    const set = (metric: string, unit: string, better: "lower" | "higher", value: number | undefined) => {
      if (value !== undefined)
        ctx.results.set("replaykit", { workload: "W7", metric: `${label} ${metric}`, unit, better }, value);
    };
    set("runs/s", "1/s", "higher", runs / (wall / 1000));
    set("CPU of the workers", "cores", "lower", workerCores);
    set("CPU of mariadbd", "cores", "lower", serverCores);
    log(
      `W7 ${label}: ${(runs / (wall / 1000)).toFixed(0)} runs/s, workers ${workerCores.toFixed(2)} cores, mariadbd ${serverCores?.toFixed(2)} cores`,
    );
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await client.close();
    await sqlPool.end();
    await db.drop();
  }
}

export async function runW7(ctx: BenchContext): Promise<void> {
  if (!ctx.systems.has("replaykit")) return;
  replaykitOf(ctx);
  for (const k of ctx.sizes.w7.workers) {
    log(
      `W7 replaykit: ${ctx.sizes.w7.runs} runs of ${ctx.sizes.w2.steps} steps on ${k} worker process(es), concurrency ${CONCURRENCY} each`,
    );
    await scaleOut(ctx, k);
  }
}
