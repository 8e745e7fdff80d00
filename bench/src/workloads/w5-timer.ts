import { DBOS } from "@dbos-inc/dbos-sdk";
import type { RunContext } from "@replaykit/runtime";
import type { SystemId } from "../args.js";
import { type BenchContext, postgresOf, replaykitOf } from "../context.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import { runDbos, withDbos } from "../systems/dbos.js";
import { noopActivity } from "../systems/steps.js";
import { FirstSeen } from "./probe.js";

/** Sleeps before the timed ones, discarded. */
const WARM_SLEEPS = 2;

/** Lateness of sleep i = (resumed after it) - (called it) - intended duration. */
function record(ctx: BenchContext, system: SystemId, probe: FirstSeen, total: number): void {
  const { sleepMs } = ctx.sizes.w5;
  const lateness = range(total)
    .slice(WARM_SLEEPS)
    .map((i) => (probe.time(`wake-${i}`) ?? Number.NaN) - (probe.time(`sleep-${i}`) ?? Number.NaN) - sleepMs);
  const set = (metric: string, value: number) =>
    ctx.results.set(system, { workload: "W5", metric, unit: "ms", better: "lower" }, value);
  set(`${sleepMs} ms sleep lateness p50`, percentile(lateness, 0.5));
  set(`${sleepMs} ms sleep lateness p99`, percentile(lateness, 0.99));
}

export async function runW5(ctx: BenchContext): Promise<void> {
  const { sleeps, sleepMs } = ctx.sizes.w5;
  const total = WARM_SLEEPS + sleeps;
  if (ctx.systems.has("replaykit")) {
    log(`W5 replaykit: ${sleeps} sequential ctx.sleep(${sleepMs}) in one run`);
    const rk = replaykitOf(ctx);
    const probe = new FirstSeen();
    const sleeper = async (flow: RunContext, input: { count: number }): Promise<number> => {
      for (let i = 0; i < input.count; i++) {
        probe.mark(`sleep-${i}`);
        await flow.sleep(sleepMs);
        probe.mark(`wake-${i}`);
      }
      return input.count;
    };
    const setup = { workflows: { sleeper }, activities: { noop: noopActivity } };
    await rk.withReplaykit(ctx.mariaDbUrl, "w5", setup, async (env) => {
      await rk.runReplaykit(env, "sleeper", "w5", { count: total });
      record(ctx, "replaykit", probe, total);
    });
  }
  if (ctx.systems.has("dbos")) {
    log(`W5 dbos: ${sleeps} sequential DBOS.sleep(${sleepMs}) in one workflow`);
    const probe = new FirstSeen();
    const register = () =>
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
    await withDbos(postgresOf(ctx), "w5", register, async (sleeper) => {
      await runDbos(sleeper, "w5", total);
      record(ctx, "dbos", probe, total);
    });
  }
}
