import { createPool, type Pool, type PoolConnection } from "mysql2/promise";

/**
 * Connections that take several statements in one round trip (CLIENT_MULTI_STATEMENTS), for
 * the hot writes: a step's lock, inserts and update go out as one packet, its COMMIT as a
 * second. The flag is negotiated when a connection opens, so it cannot be switched on for a
 * pool the caller made without it: then the lane opens a few connections of its own with the
 * same settings (`LANE_CONNECTIONS`); a pool made with `multipleStatements: true` (as the
 * client's own pools are) is used as it is.
 *
 * Every statement sent through the lane carries only `?` placeholders escaped by mysql2, so the
 * flag adds no injection surface: no caller text is ever concatenated into the SQL.
 */
export interface Lane {
  getConnection(): Promise<PoolConnection>;
  /** Closes the connections the lane opened itself; the caller's pool is left alone. */
  end(): Promise<void>;
}

/** Connections a lane opens beside a caller's pool: the commit queue's batches in flight, plus client writes. */
export const LANE_CONNECTIONS = 8;

/** The parts of mysql2's pool this module reads (not in its public types). */
interface PoolInternals {
  readonly pool?: { readonly config?: { readonly connectionConfig?: Record<string, unknown> } };
}

/** Connection options carried over to the lane's own pool (names as mysql2 takes them). */
const CARRIED_OPTIONS = [
  "host",
  "port",
  "socketPath",
  "localAddress",
  "stream",
  "user",
  "password",
  "password2",
  "password3",
  "passwordSha1",
  "database",
  "ssl",
  "charsetNumber",
  "timezone",
  "connectTimeout",
  "insecureAuth",
  "authPlugins",
  "supportBigNumbers",
  "bigNumberStrings",
  "decimalNumbers",
  "dateStrings",
  "typeCast",
  "jsonStrings",
  "enableKeepAlive",
  "keepAliveInitialDelay",
  "compress",
  "connectAttributes",
] as const;

/** The mysql2 connection settings of `pool`, or undefined for a pool that is not mysql2's. */
export function connectionConfigOf(pool: Pool): Record<string, unknown> | undefined {
  return (pool as unknown as PoolInternals).pool?.config?.connectionConfig;
}

/** True when `pool`'s connections accept several statements in one query. */
export function takesMultipleStatements(pool: Pool): boolean {
  return connectionConfigOf(pool)?.["multipleStatements"] === true;
}

/** The lane over `pool`, or undefined when its settings cannot be read (then every write goes statement by statement). */
export function openLane(pool: Pool): Lane | undefined {
  if (takesMultipleStatements(pool)) {
    return { getConnection: () => pool.getConnection(), end: async () => {} };
  }
  const config = connectionConfigOf(pool);
  if (config === undefined) return undefined;
  let own: Pool | undefined;
  return {
    getConnection: () => {
      own ??= createPool(laneOptions(config));
      return own.getConnection();
    },
    end: async () => {
      await own?.end();
    },
  };
}

/** The settings a connection of its own beside `pool` needs to reach the same database as `pool`'s. */
export function carriedOptions(config: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const key of CARRIED_OPTIONS) if (config[key] !== undefined) options[key] = config[key];
  return options;
}

function laneOptions(config: Record<string, unknown>): Record<string, unknown> {
  return {
    ...carriedOptions(config),
    multipleStatements: true,
    // The promise wrapper would capture a stack trace per query; the store maps errors itself.
    trace: false,
    connectionLimit: LANE_CONNECTIONS,
    maxIdle: LANE_CONNECTIONS,
  };
}
