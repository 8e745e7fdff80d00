import type { Pool } from "mysql2/promise";
import pg from "pg";
import type { Sizes } from "./config.js";
import { range } from "./stats.js";

/** What the database itself can do on one connection: the ceiling under any engine on it. */
export interface Floor {
  /** Single-row INSERTs in autocommit, one connection: each is one durable commit. */
  readonly commitsPerSec: number;
  /** Rows/s of multi-row INSERTs (one commit per batch). */
  readonly batchRowsPerSec: number;
}

interface Sql {
  exec(sql: string, params: readonly unknown[]): Promise<void>;
}

const WARMUP = 50;

async function measure(sql: Sql, sizes: Sizes["floor"], placeholder: (i: number) => string): Promise<Floor> {
  for (const i of range(WARMUP)) await sql.exec(`INSERT INTO bench_floor (v) VALUES (${placeholder(1)})`, [`w${i}`]);
  const start = performance.now();
  for (const i of range(sizes.commits))
    await sql.exec(`INSERT INTO bench_floor (v) VALUES (${placeholder(1)})`, [`c${i}`]);
  const commitsPerSec = sizes.commits / ((performance.now() - start) / 1000);

  const values = range(sizes.batchRows)
    .map((i) => `(${placeholder(i + 1)})`)
    .join(",");
  const batchStart = performance.now();
  for (const b of range(sizes.batches)) {
    await sql.exec(
      `INSERT INTO bench_floor (v) VALUES ${values}`,
      range(sizes.batchRows).map((i) => `b${b}-${i}`),
    );
  }
  const batchRowsPerSec = (sizes.batches * sizes.batchRows) / ((performance.now() - batchStart) / 1000);
  return { commitsPerSec, batchRowsPerSec };
}

/** The floor of the MariaDB database behind `pool` (a fresh scratch database). */
export async function mariaDbFloor(pool: Pool, sizes: Sizes["floor"]): Promise<Floor> {
  const conn = await pool.getConnection();
  try {
    await conn.query(
      "CREATE TABLE bench_floor (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL) ENGINE=InnoDB",
    );
    return await measure(
      {
        exec: async (sql, params) => {
          await conn.query(sql, [...params]);
        },
      },
      sizes,
      () => "?",
    );
  } finally {
    conn.release();
  }
}

/** The floor of the PostgreSQL database at `url` (a fresh database). */
export async function postgresFloor(url: string, sizes: Sizes["floor"]): Promise<Floor> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("CREATE TABLE bench_floor (id BIGSERIAL PRIMARY KEY, v VARCHAR(64) NOT NULL)");
    return await measure(
      {
        exec: async (sql, params) => {
          await client.query(sql, [...params]);
        },
      },
      sizes,
      (i) => `$${i}`,
    );
  } finally {
    await client.end();
  }
}
