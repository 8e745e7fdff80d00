import { type BenchContext, postgresOf, replaykitOf } from "../context.js";
import { withDbos } from "./dbos.js";
import type { ReplaykitEnv, ReplaykitSetup } from "./replaykit.js";

export interface DbosLive<F> {
  /** What the register function returned: the registered workflow(s). */
  readonly fns: F;
  /** The system database of this DBOS launch. */
  readonly url: string;
}

export interface Live<F> {
  readonly replaykit?: ReplaykitEnv;
  readonly dbos?: DbosLive<F>;
}

/**
 * Brings up the selected systems side by side, each on a fresh database, so that a workload can
 * interleave them and both see the same background load; tears them down afterwards.
 */
export async function withSystems<F, R>(
  ctx: BenchContext,
  label: string,
  sides: { readonly replaykit: ReplaykitSetup; readonly dbos: () => F },
  body: (live: Live<F>) => Promise<R>,
): Promise<R> {
  const withDbosSide = (replaykit: ReplaykitEnv | undefined): Promise<R> => {
    const rk: Live<F> = replaykit ? { replaykit } : {};
    if (!ctx.systems.has("dbos")) return body(rk);
    return withDbos(postgresOf(ctx), label, sides.dbos, (fns, url) => body({ ...rk, dbos: { fns, url } }));
  };
  if (!ctx.systems.has("replaykit")) return withDbosSide(undefined);
  return replaykitOf(ctx).withReplaykit(ctx.mariaDbUrl, label, sides.replaykit, withDbosSide);
}

/** `items` in alternating order on odd rounds, so neither side always goes first. */
export function alternate<T>(items: readonly T[], round: number): readonly T[] {
  return round % 2 === 0 ? items : [...items].reverse();
}
