import { type BenchContext, replaykitOf } from "../context.js";
import { log } from "../log.js";
import { percentile, range } from "../stats.js";
import { STEPS_SETUP } from "../systems/steps.js";

const MODES = [
  { label: "cache on", cacheSize: undefined },
  { label: "cache off", cacheSize: 0 },
] as const;

/** replaykit only: how run time grows with history length, with and without the run cache. */
export async function runW3(ctx: BenchContext): Promise<void> {
  if (!ctx.systems.has("replaykit")) return;
  const rk = replaykitOf(ctx);
  const { short, long } = ctx.sizes.w3;
  for (const mode of MODES) {
    log(`W3 replaykit: one run of ${short} and one of ${long} steps, ${mode.label}`);
    const setup = mode.cacheSize === undefined ? STEPS_SETUP : { ...STEPS_SETUP, cacheSize: mode.cacheSize };
    await rk.withReplaykit(ctx.mariaDbUrl, `w3${mode.cacheSize ?? "d"}`, setup, async (env) => {
      await rk.runReplaykit(env, "steps", "warm", { n: 5 });
      const time = async (n: number, trial: number) => {
        const start = performance.now();
        await rk.runReplaykit(env, "steps", `run-${n}-${trial}`, { n });
        return performance.now() - start;
      };
      // Trials alternate short and long; the median of each damps background load.
      const shorts: number[] = [];
      const longs: number[] = [];
      for (const trial of range(ctx.sizes.w3.trials)) {
        shorts.push(await time(short, trial));
        longs.push(await time(long, trial));
      }
      const shortMs = percentile(shorts, 0.5);
      const longMs = percentile(longs, 0.5);
      const set = (metric: string, unit: string, value: number) =>
        ctx.results.set("replaykit", { workload: "W3", metric, unit, better: "lower" }, value);
      set(`${short} steps, ${mode.label}`, "ms", shortMs);
      set(`${long} steps, ${mode.label}`, "ms", longMs);
      set(`${long}/${short} ratio, ${mode.label}`, "x", longMs / shortMs);
    });
  }
}
