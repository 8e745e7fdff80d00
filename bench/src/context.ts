import type { SystemId } from "./args.js";
import type { Sizes } from "./config.js";
import type { PostgresServer } from "./postgres.js";
import type { Results } from "./results.js";

/** The replaykit side, loaded only when measured so that `--systems dbos` runs without the runtime. */
export type ReplaykitModule = typeof import("./systems/replaykit.js");

export interface BenchContext {
  readonly sizes: Sizes;
  readonly systems: ReadonlySet<SystemId>;
  readonly results: Results;
  /** Server URL (no database) of the MariaDB replaykit runs on. */
  readonly mariaDbUrl: string;
  /** PID of the MariaDB we started (undefined for REPLAY_MYSQL_URL): its CPU is sampled. */
  readonly mariaDbPid: number | undefined;
  readonly postgres: PostgresServer | undefined;
  readonly replaykit: ReplaykitModule | undefined;
}

/** The replaykit module, or an error that says how this run was set up wrong. */
export function replaykitOf(ctx: BenchContext): ReplaykitModule {
  if (!ctx.replaykit) throw new Error("replaykit was not loaded: include it in --systems");
  return ctx.replaykit;
}

export function postgresOf(ctx: BenchContext): PostgresServer {
  if (!ctx.postgres) throw new Error("PostgreSQL was not started: include dbos in --systems");
  return ctx.postgres;
}
