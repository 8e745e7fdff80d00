import { createPool, type Pool, type PoolConnection } from "mysql2/promise";

/**
 * Connections of their own for the hot writes, which take several statements in one round trip
 * (CLIENT_MULTI_STATEMENTS) and run with autocommit off: a transaction on them begins with its
 * first statement, no BEGIN, and every use must end it with COMMIT or ROLLBACK before the
 * connection goes back. A lean step is then its run update, its event INSERT and COMMIT, three
 * statements in one packet (see writeLean in step-writer.ts).
 *
 * The lane never shares the caller's pool, whose other users expect autocommit: it opens up to
 * as many connections as that pool may (at least `LANE_CONNECTIONS`), with the same settings,
 * the first time it is used. Autocommit is switched off on each connection before its first use.
 *
 * Every statement sent through the lane carries only `?` placeholders escaped by mysql2, so the
 * multi-statement flag adds no injection surface: no caller text is ever concatenated into the SQL.
 */
export interface Lane {
  getConnection(): Promise<PoolConnection>;
  /** Closes the connections the lane opened; the caller's pool is left alone. */
  end(): Promise<void>;
}

/** The fewest connections a lane may open beside a caller's pool: the commit queue's batches in flight, plus client writes. */
export const LANE_CONNECTIONS = 8;

/** The parts of mysql2's pool this module reads (not in its public types). */
interface PoolInternals {
  readonly pool?: {
    readonly config?: { readonly connectionConfig?: Record<string, unknown>; readonly connectionLimit?: number };
  };
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

/** The most connections `pool` opens, when it says. */
function connectionLimitOf(pool: Pool): number | undefined {
  return (pool as unknown as PoolInternals).pool?.config?.connectionLimit;
}

/**
 * The lane beside `pool`, or undefined when its settings cannot be read (then every write goes
 * statement by statement). `watch` is told of the lane's pool once it is made (a client with
 * several endpoints follows its connections, see EndpointRing.watch).
 */
export function openLane(pool: Pool, watch?: (own: Pool) => void): Lane | undefined {
  const config = connectionConfigOf(pool);
  if (config === undefined) return undefined;
  const limit = Math.max(LANE_CONNECTIONS, connectionLimitOf(pool) ?? 0);
  let own: Pool | undefined;
  /** The connections whose autocommit is off already, by mysql2's own connection (the promise wrapper is new each time). */
  const prepared = new WeakSet<object>();
  return {
    getConnection: async () => {
      if (own === undefined) {
        own = createPool(laneOptions(config, limit));
        watch?.(own);
      }
      const conn = await own.getConnection();
      if (prepared.has(conn.connection)) return conn;
      try {
        await conn.query("SET autocommit = 0");
      } catch (error) {
        conn.destroy();
        throw error;
      }
      prepared.add(conn.connection);
      return conn;
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

function laneOptions(config: Record<string, unknown>, limit: number): Record<string, unknown> {
  return {
    ...carriedOptions(config),
    multipleStatements: true,
    // The promise wrapper would capture a stack trace per query; the store maps errors itself.
    trace: false,
    connectionLimit: limit,
    maxIdle: limit,
  };
}
