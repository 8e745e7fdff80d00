import { existsSync } from "node:fs";
import { startGaleraCluster } from "@replaykit/runtime/testing";
import { type BenchContext, replaykitOf } from "../context.js";
import { log } from "../log.js";
import { captureQueries, roundTrips } from "../round-trips.js";
import { percentile, range } from "../stats.js";
import { STEPS_SETUP } from "../systems/steps.js";

/**
 * The claim loop's idle reads, sent by the clock, not by steps: its probe for due runs, the next
 * wake time, and its looks at schedules, published events and debounces.
 */
const IDLE_POLL =
  /^SELECT (1 FROM \S*runs FORCE INDEX|MIN\(next\)|MIN\(next_tick\)|MIN\(fire_at\)|1 FROM \S*published_events)/;

/** Steps per run, as W1's profiled step count. */
const STEPS = 10;
/** Where Debian's galera-4 puts the provider: without it the workload says so and records nothing. */
const PROVIDER = "/usr/lib/galera/libgalera_smm.so";

/**
 * W1 at N=10 on a 3-node MariaDB Galera cluster on this machine, the worker and client on its
 * first node: per-step latency and round trips, beside W1's on the single server. On Galera a
 * step goes one statement per round trip from its run update on (see StepLane in the runtime's
 * step-writer.ts), and every commit is certified by the three nodes, which share the 2 cores.
 */
export async function runWG(ctx: BenchContext): Promise<void> {
  if (!ctx.systems.has("replaykit")) return;
  if (!existsSync(PROVIDER)) {
    log(`WG: no Galera provider at ${PROVIDER} (apt-get install -y galera-4 rsync); skipped`);
    return;
  }
  const rk = replaykitOf(ctx);
  log("WG: starting a 3-node Galera cluster");
  const cluster = await startGaleraCluster({ nodes: 3 });
  try {
    await rk.withReplaykit(cluster.urls[0] as string, "wg", STEPS_SETUP, async (env) => {
      const runs = Math.max(10, Math.round(ctx.sizes.w1.runs / 2));
      log(`WG: ${runs} sequential runs of ${STEPS} steps on node 1`);
      for (const i of range(ctx.sizes.warmup)) await rk.runReplaykit(env, "steps", `warm-${i}`, { n: STEPS });
      /**
       * Wall time of each run of `n` steps, the round trips all of them sent, and those less the
       * claim loop's idle reads (IDLE_POLL).
       */
      const series = async (n: number) => {
        const times: number[] = [];
        const sentBefore = roundTrips();
        const queries = await captureQueries(async () => {
          for (const i of range(runs)) {
            const start = performance.now();
            await rk.runReplaykit(env, "steps", `run-n${n}-${i}`, { n });
            times.push(performance.now() - start);
          }
        });
        const busy = queries.filter((sql) => !IDLE_POLL.test(sql)).length;
        return { times, sent: roundTrips() - sentBefore, busy };
      };
      const bare = await series(0);
      const measured = await series(STEPS);
      const { times, sent } = measured;
      const perStep = times.map((t) => t / STEPS);
      const set = (metric: string, unit: string, value: number) =>
        ctx.results.set("replaykit", { workload: "WG", metric, unit, better: "lower" }, value);
      set(`W1 N=${STEPS} per-step p50, 3-node Galera`, "ms", percentile(perStep, 0.5));
      set(`W1 N=${STEPS} per-step p95, 3-node Galera`, "ms", percentile(perStep, 0.95));
      const round = (value: number) => Math.round(value * 100) / 100;
      set(`W1 N=${STEPS} SQL round trips per step, 3-node Galera`, "/step", round(sent / (runs * STEPS)));
      // What one more step sends, apart from the run's start, its result's wait and the idle polls.
      set(
        `SQL round trips per added step (N=${STEPS} less N=0, idle polls aside), 3-node Galera`,
        "/step",
        round((measured.busy - bare.busy) / (runs * STEPS)),
      );
    });
  } finally {
    await cluster.stop();
  }
}
