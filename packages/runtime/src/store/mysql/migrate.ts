import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { ReplayError, SchemaNotMigratedError } from "../../errors.js";
import { isGaleraNode, withClusterLock } from "./cluster-lock.js";
import { endpointOf, mapUnreachable } from "./db-errors.js";
import { DEFAULT_PREFIX, validatePrefix } from "./prefix.js";
import { MIGRATIONS, type Migration, type SchemaConnection } from "./schema.js";

export interface MigrateOptions {
  /** Table name prefix; default "replay_". */
  readonly prefix?: string;
  /** Seconds to wait for another process's migration to finish. Default 30. */
  readonly lockTimeoutSeconds?: number;
}

/**
 * Creates or updates replaykit's tables by applying the versioned MIGRATIONS not yet
 * recorded in `${prefix}migrations`. Idempotent, and safe when several processes
 * migrate at once: they serialise on a named lock (GET_LOCK) per database and prefix, and
 * on a Galera cluster, where that lock is local to a node, also on a lock row.
 *
 * @example
 * await migrate(pool);                       // tables replay_runs, replay_events, ...
 * await migrate(pool, { prefix: "app1_" });  // tables app1_runs, ...
 */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<void> {
  const prefix = validatePrefix(options.prefix ?? DEFAULT_PREFIX);
  await mapUnreachable(endpointOf(pool), async () => {
    const conn = await pool.getConnection();
    try {
      const timeout = options.lockTimeoutSeconds ?? 30;
      const apply = () => applyPending(conn, prefix);
      const galera = await isGaleraNode(conn);
      await withMigrationLock(conn, prefix, timeout, () =>
        galera ? withClusterLock(pool, conn, prefix, timeout, apply) : apply(),
      );
    } finally {
      conn.release();
    }
  });
}

/**
 * Throws SchemaNotMigratedError when `${prefix}migrations` is missing (mapped from errno 1146
 * by the caller's guard) or lacks a migration this code has. Versions may have gaps and apply
 * by set (branches take fixed numbers), so a database can hold a later version without an
 * earlier one: compare the sets, not the highest version.
 */
export async function checkSchema(pool: Pool, prefix: string): Promise<void> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT version FROM ${prefix}migrations`);
  const applied = new Set(rows.map((row) => Number(row.version)));
  const missing = MIGRATIONS.filter((migration) => !applied.has(migration.version)).map((m) => m.version);
  if (missing.length > 0) {
    throw new SchemaNotMigratedError(
      `replaykit's tables (prefix "${prefix}") lack schema version${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, which this version of replaykit needs`,
    );
  }
}

async function withMigrationLock(
  conn: PoolConnection,
  prefix: string,
  timeoutSeconds: number,
  work: () => Promise<void>,
): Promise<void> {
  // Lock names are server-wide and at most 64 characters: hash database + prefix.
  const lockName = "CONCAT('replaykit_migrate:', SHA1(CONCAT(IFNULL(DATABASE(), ''), '.', ?)))";
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT GET_LOCK(${lockName}, ?) AS got`, [prefix, timeoutSeconds]);
  if (Number(rows[0]?.got) !== 1) {
    throw new ReplayError(
      "MIGRATION_LOCK_TIMEOUT",
      `another process held the migration lock for prefix "${prefix}" for over ${timeoutSeconds} s; retry, or check for a hung migration`,
    );
  }
  try {
    await work();
  } finally {
    await conn.query(`SELECT RELEASE_LOCK(${lockName})`, [prefix]);
  }
}

async function applyPending(conn: PoolConnection, prefix: string): Promise<void> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${prefix}migrations (
      version INT NOT NULL,
      name VARCHAR(255) NOT NULL,
      applied_at BIGINT NOT NULL,
      PRIMARY KEY (version)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  );
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT version FROM ${prefix}migrations`);
  const applied = new Set(rows.map((row) => Number(row.version)));
  for (const migration of MIGRATIONS) {
    if (!applied.has(migration.version)) await applyOne(conn, prefix, migration);
  }
}

async function applyOne(conn: PoolConnection, prefix: string, migration: Migration): Promise<void> {
  // Each step is safe to re-run (see Migration), in case a crash left a migration half applied.
  const schema = schemaConnection(conn, prefix);
  for (const step of migration.statements(prefix)) {
    if (typeof step === "string") await conn.query(step);
    else await step(schema, prefix);
  }
  await conn.query(
    `INSERT INTO ${prefix}migrations (version, name, applied_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE version = version`,
    [migration.version, migration.name, Date.now()],
  );
}

function schemaConnection(conn: PoolConnection, prefix: string): SchemaConnection {
  const exists = async (sql: string, table: string, name: string): Promise<boolean> => {
    const [rows] = await conn.query<RowDataPacket[]>(sql, [`${prefix}${table}`, name]);
    return rows.length > 0;
  };
  return {
    query: (sql, values) => conn.query(sql, values),
    hasColumn: (table, column) =>
      exists(
        "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
        table,
        column,
      ),
    hasIndex: (table, index) =>
      exists(
        "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ?",
        table,
        index,
      ),
    // EXTRA is "VIRTUAL GENERATED" on MySQL 8 and MariaDB alike.
    isVirtual: (table, column) =>
      exists(
        "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ? AND EXTRA LIKE 'VIRTUAL%'",
        table,
        column,
      ),
  };
}
