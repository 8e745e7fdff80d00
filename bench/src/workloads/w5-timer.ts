import { DBOS } from "@dbos-inc/dbos-sdk";
import type { RunContext } from "@replaykit/runtime";
import type { SystemId } from "../args.js";
import { type BenchContext, replaykitOf } from "../context.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import { withSystems } from "../systems/both.js";
import { runDbos } from "../systems/dbos.js";
import { noopActivity } from "../systems/steps.js";
import { FirstSeen } from "./probe.js";

/** Sleeps before the timed ones, discarded. */
const WARM_SLEEPS = 2;
const RUN_ID = "w5";

/** Lateness of sleep i = (resumed after it) - (called it) - intended duration. */
function record(ctx: BenchContext, system: SystemId, probe: FirstSeen, total: number): void {
  const { sleepMs } = ctx.sizes.w5;
  const lateness = range(total)
    .slice(WARM_SLEEPS)
    .map((i) => (probe.time(`wake-${i}`) ?? Number.NaN) - (probe.time(`sleep-${i}`) ?? Number.NaN) - sleepMs);
  ctx.results.detail(
    `W5.${system}.latenessMs`,
    lateness.map((ms) => Math.round(ms * 10) / 10),
  );
  const set = (metric: string, value: number) =>
    ctx.results.set(system, { workload: "W5", metric, unit: "ms", better: "lower" }, value);
  set(`${sleepMs} ms sleep lateness p50`, percentile(lateness, 0.5));
  set(`${sleepMs} ms sleep lateness p99`, percentile(lateness, 0.99));
}

function sleeperWorkflow(probe: FirstSeen, sleepMs: number) {
  return async (flow: RunContext, input: { count: number }): Promise<number> => {
    for (let i = 0; i < input.count; i++) {
      probe.mark(`sleep-${i}`);
      await flow.sleep(sleepMs);
      probe.mark(`wake-${i}`);
    }
    return input.count;
  };
}

function registerSleeper(probe: FirstSeen, sleepMs: number): () => (count: number) => Promise<number> {
  return () =>
    DBOS.registerWorkflow(
      async (count: number) => {
        for (let i = 0; i < count; i++) {
          probe.mark(`sleep-${i}`);
          await DBOS.sleep(sleepMs);
          probe.mark(`wake-${i}`);
        }
        return count;
      },
      { name: "sleeper" },
    );
}

/** Both systems sleep at the same time (a sleep costs little CPU), so both see the same background load. */
export async function runW5(ctx: BenchContext): Promise<void> {
  const { sleeps, sleepMs } = ctx.sizes.w5;
  const total = WARM_SLEEPS + sleeps;
  log(`W5: ${sleeps} sequential ${sleepMs} ms sleeps in one run per system, both systems at once`);
  const probes = { replaykit: new FirstSeen(), dbos: new FirstSeen() };
  const setup = {
    workflows: { sleeper: sleeperWorkflow(probes.replaykit, sleepMs) },
    activities: { noop: noopActivity },
  };
  await withSystems(ctx, "w5", { replaykit: setup, dbos: registerSleeper(probes.dbos, sleepMs) }, async (live) => {
    const runs: Promise<unknown>[] = [];
    const { replaykit: env, dbos } = live;
    if (env) runs.push(replaykitOf(ctx).runReplaykit(env, "sleeper", RUN_ID, { count: total }));
    if (dbos) runs.push(runDbos(dbos.fns, RUN_ID, total));
    await Promise.all(runs);
    if (env) record(ctx, "replaykit", probes.replaykit, total);
    if (dbos) record(ctx, "dbos", probes.dbos, total);
  });
}
