import { DBOS, type WorkflowHandle } from "@dbos-inc/dbos-sdk";
import type { BenchContext } from "../context.js";
import { delta, mariaDbCounters, perUnit, recordCounters } from "../counters.js";
import { RESULT_TIMEOUT_MS, withTimeout } from "../deadline.js";
import { log } from "../log.js";
import { pool, range } from "../stats.js";
import { withSystems } from "../systems/both.js";
import { registerSteps } from "../systems/dbos.js";
import type { ReplaykitEnv } from "../systems/replaykit.js";
import { STEPS_SETUP } from "../systems/steps.js";

const QUEUE = "bench";
/** Concurrent start callers on both sides: runs are enqueued as fast as the caller can. */
const STARTERS = 8;
/** DBOS polls its queues; 10 ms instead of the default 1 s, so DBOS is not measured at its polling interval. */
const DBOS_POLL_MS = 10;

async function replaykitBatch(env: ReplaykitEnv, ids: readonly string[], steps: number): Promise<void> {
  await pool(ids, STARTERS, async (id) => {
    await env.client.runWorkflow(env.namespace, "steps", id, { n: steps }, { queue: QUEUE });
  });
  await pool(ids, 64, async (id) => {
    await env.client.awaitResult(env.namespace, "steps", id, { timeout: RESULT_TIMEOUT_MS });
  });
}

async function dbosBatch(fn: (n: number) => Promise<number>, ids: readonly string[], steps: number): Promise<void> {
  const handles: WorkflowHandle<number>[] = [];
  await pool(ids, STARTERS, async (id) => {
    handles.push(await DBOS.startWorkflow(fn, { workflowID: id, queueName: QUEUE })(steps));
  });
  await pool(handles, 64, async (handle) => {
    await withTimeout(handle.getResult(), RESULT_TIMEOUT_MS, `DBOS ${handle.workflowID}`);
  });
}

/**
 * WQ: runs of 3 no-op steps through one queue whose concurrency (16) binds, not the worker's
 * (64): replaykit's queue (`createWorker({ queues })`, limits enforced in its claim) against
 * DBOS's WorkflowQueue with `globalConcurrency`.
 */
export async function runWQ(ctx: BenchContext): Promise<void> {
  const { runs, steps, concurrency } = ctx.sizes.wq;
  log(`WQ: ${runs} runs of ${steps} steps through a queue of concurrency ${concurrency}, per system`);
  const setup = { ...STEPS_SETUP, concurrency: 64, queues: { [QUEUE]: { concurrency } } };
  await withSystems(ctx, "wq", { replaykit: setup, dbos: registerSteps }, async (live) => {
    if (live.dbos)
      await DBOS.registerQueue(QUEUE, { globalConcurrency: concurrency, minPollingIntervalMs: DBOS_POLL_MS });
    const ids = range(runs).map((i) => `q-${i}`);
    const warm = range(ctx.sizes.warmup).map((i) => `warm-${i}`);
    const metric = { workload: "WQ", metric: `c=${concurrency} runs/s`, unit: "1/s", better: "higher" } as const;
    if (live.replaykit) {
      const env = live.replaykit;
      await replaykitBatch(env, warm, steps);
      const before = await mariaDbCounters(env.pool);
      const started = performance.now();
      await replaykitBatch(env, ids, steps);
      ctx.results.set("replaykit", metric, runs / ((performance.now() - started) / 1000));
      const perStep = perUnit(delta(before, await mariaDbCounters(env.pool)), runs * steps);
      recordCounters(ctx, "replaykit", { workload: "WQ", prefix: `c=${concurrency}` }, perStep);
    }
    if (live.dbos) {
      const fn = live.dbos.fns;
      await dbosBatch(fn, warm, steps);
      const started = performance.now();
      await dbosBatch(fn, ids, steps);
      ctx.results.set("dbos", metric, runs / ((performance.now() - started) / 1000));
    }
  });
}
