import { createPool, type Pool } from "mysql2/promise";

/** Connections each system may hold on its database: the same for replaykit and DBOS. */
export const POOL_SIZE = 20;

/**
 * A mysql2 pool as replaykit's workers use it in the bench: several statements per query (a
 * step's one round trip), UTC, and no stack capture per query.
 */
export function replaykitPool(url: string, connectionLimit = POOL_SIZE): Pool {
  return createPool({ uri: url, connectionLimit, timezone: "Z", multipleStatements: true, trace: false });
}
