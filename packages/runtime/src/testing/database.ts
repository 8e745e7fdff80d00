import { randomBytes } from "node:crypto";
import { createConnection, createPool, type Pool } from "mysql2/promise";

/** A fresh, uniquely named database on a server; each test file gets its own. */
export interface ScratchDatabase {
  /** URL of the database, e.g. `mysql://root@127.0.0.1:PORT/t_ab12cd`. */
  readonly url: string;
  readonly name: string;
  /** A pool on the database, closed by `drop()`. */
  readonly pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** Creates a new database on the server at `serverUrl` and returns a pool on it. */
export async function createScratchDatabase(serverUrl: string, prefix = "t"): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = await createConnection(serverOnly(serverUrl));
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const pool = createPool({ uri: url, connectionLimit: 20, timezone: "Z" });
  return {
    url,
    name,
    pool,
    drop: async () => {
      await pool.end();
      const conn = await createConnection(serverOnly(serverUrl));
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

/** The server URL with the database path removed. */
export function serverOnly(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = "/";
  return parsed.toString();
}

/** The server URL with `database` selected. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
