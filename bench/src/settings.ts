import type { Pool, RowDataPacket } from "mysql2/promise";
import pg from "pg";

export type Settings = Record<string, string>;

const MARIADB_VARIABLES = [
  "version",
  "innodb_flush_log_at_trx_commit",
  "log_bin",
  "sync_binlog",
  "innodb_doublewrite",
  "innodb_flush_method",
  "innodb_buffer_pool_size",
];

/** The durability settings MariaDB reports, read back from the server. */
export async function mariaDbSettings(pool: Pool): Promise<Settings> {
  const [rows] = await pool.query<RowDataPacket[]>("SHOW VARIABLES WHERE Variable_name IN (?)", [MARIADB_VARIABLES]);
  return Object.fromEntries(rows.map((row) => [String(row["Variable_name"]), String(row["Value"])]));
}

const POSTGRES_SETTINGS = ["server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes"];

/** The durability settings PostgreSQL reports, read back from the server. */
export async function postgresSettings(url: string): Promise<Settings> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Settings = {};
    for (const name of POSTGRES_SETTINGS) {
      const result = await client.query<Record<string, string>>(`SHOW ${name}`);
      out[name] = String(result.rows[0]?.[name] ?? "?");
    }
    return out;
  } finally {
    await client.end();
  }
}
