import type { Pool, RowDataPacket } from "mysql2/promise";
import { inject } from "vitest";
import type { ClientOptions } from "../../src/client/options.js";
import { createClient, type MySqlClient } from "../../src/index.js";
import { migrate } from "../../src/store/mysql/migrate.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";

/** A scratch database with the tables migrated and a client on it. */
export interface Fixture {
  readonly db: ScratchDatabase;
  readonly pool: Pool;
  readonly client: MySqlClient;
  close(): Promise<void>;
}

export async function setUpFixture(options: ClientOptions = {}): Promise<Fixture> {
  const db = await createScratchDatabase(inject("mysqlUrl"));
  await migrate(db.pool, options.prefix === undefined ? {} : { prefix: options.prefix });
  const client = createClient({ pool: db.pool }, options);
  return {
    db,
    pool: db.pool,
    client,
    close: async () => {
      await client.close();
      await db.drop();
    },
  };
}

/** Rows in `table`. */
export async function countRows(pool: Pool, table: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]?.n);
}

/** Rows in each of the tables a client writes. */
export async function countAll(pool: Pool, prefix = "replay_"): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ["runs", "events", "signals", "cursors"]) {
    counts[table] = await countRows(pool, `${prefix}${table}`);
  }
  return counts;
}
