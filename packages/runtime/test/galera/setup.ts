import { createPool, type Pool } from "mysql2/promise";
import {
  createScratchDatabase,
  type GaleraCluster,
  startGaleraCluster,
  withDatabase,
} from "../../src/testing/index.js";

/** A scratch database on a throwaway 3-node Galera cluster. */
export interface GaleraDatabase {
  readonly cluster: GaleraCluster;
  /** The database's URL on each node, in node order. */
  readonly urls: readonly string[];
  /** The URLs starting at node `first`, then the others in ring order: a client that prefers that node. */
  ringFrom(first: number): string[];
  /** A pool on one node only (no failover), for checks that must read a given node. */
  poolOn(node: number): Pool;
  close(): Promise<void>;
}

export async function galeraDatabase(prefix = "g"): Promise<GaleraDatabase> {
  const cluster = await startGaleraCluster();
  const scratch = await createScratchDatabase(cluster.urls[0] ?? "", prefix);
  await scratch.pool.end();
  const urls = cluster.urls.map((url) => withDatabase(url, scratch.name));
  const pools: Pool[] = [];
  return {
    cluster,
    urls,
    ringFrom: (first) => urls.map((_, i) => urls[(first + i) % urls.length] ?? ""),
    poolOn: (node) => {
      const pool = createPool({ uri: urls[node] ?? "", connectionLimit: 4, timezone: "Z" });
      pools.push(pool);
      return pool;
    },
    close: async () => {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
      await cluster.stop();
    },
  };
}
