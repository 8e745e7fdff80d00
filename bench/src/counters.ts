import type { Pool, RowDataPacket } from "mysql2/promise";
import pg from "pg";
import type { SystemId } from "./args.js";
import type { BenchContext } from "./context.js";

export type Counters = Record<string, number>;

const MARIADB_COUNTERS = [
  "Questions",
  "Com_commit",
  "Com_begin",
  "Com_insert",
  "Com_update",
  "Com_delete",
  "Com_select",
  "Handler_commit",
  "Innodb_data_fsyncs",
  "Innodb_os_log_fsyncs",
  "Innodb_log_writes",
  "Handler_read_first",
  "Handler_read_key",
  "Handler_read_prev",
  "Handler_read_next",
  "Handler_read_rnd_next",
];

/** Server-wide MariaDB status counters; the server serves only this benchmark, so deltas are ours. */
export async function mariaDbCounters(pool: Pool): Promise<Counters> {
  const [rows] = await pool.query<RowDataPacket[]>("SHOW GLOBAL STATUS");
  const out: Counters = {};
  for (const row of rows) {
    const name = String(row["Variable_name"]);
    if (MARIADB_COUNTERS.includes(name)) out[name] = Number(row["Value"]);
  }
  return out;
}

/** Commits and WAL syncs of database `url` (PostgreSQL flushes these statistics at most every second). */
export async function postgresCounters(url: string): Promise<Counters> {
  // PostgreSQL publishes backend statistics up to a second late.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_stat_clear_snapshot()");
    const db = await client.query<{ xact_commit: string }>(
      "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    );
    const wal = await client.query<{ wal_sync: string; wal_records: string }>(
      "SELECT wal_sync, wal_records FROM pg_stat_wal",
    );
    return {
      xact_commit: Number(db.rows[0]?.xact_commit ?? Number.NaN),
      wal_sync: Number(wal.rows[0]?.wal_sync ?? Number.NaN),
      wal_records: Number(wal.rows[0]?.wal_records ?? Number.NaN),
    };
  } finally {
    await client.end();
  }
}

export function delta(before: Counters, after: Counters): Counters {
  const out: Counters = {};
  for (const [key, value] of Object.entries(after)) out[key] = value - (before[key] ?? 0);
  return out;
}

export function perUnit(counters: Counters, units: number): Counters {
  const out: Counters = {};
  for (const [key, value] of Object.entries(counters)) out[key] = Math.round((value / units) * 100) / 100;
  return out;
}

/** Rows the server's handlers read (index lookups, index and table scans), from the Handler_read_* counters. */
export function rowsRead(counters: Counters): number | undefined {
  const keys = [
    "Handler_read_first",
    "Handler_read_key",
    "Handler_read_next",
    "Handler_read_prev",
    "Handler_read_rnd_next",
  ];
  if (keys.some((key) => counters[key] === undefined)) return undefined;
  return Math.round(keys.reduce((sum, key) => sum + (counters[key] ?? 0), 0) * 100) / 100;
}

/** Table rows from per-step counter deltas: statements, commits and fsyncs each step cost. */
export function recordCounters(
  ctx: BenchContext,
  system: SystemId,
  where: { readonly workload: string; readonly prefix: string },
  perStep: Counters,
): void {
  const row = (metric: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) {
      const key = {
        workload: where.workload,
        metric: `${where.prefix} ${metric}`,
        unit: "/step",
        better: "lower" as const,
      };
      ctx.results.set(system, key, value);
    }
  };
  if (system === "replaykit") {
    row("SQL statements per step", perStep["Questions"]);
    row("SQL round trips per step", perStep["roundTrips"]);
    row("index/table rows read per step (Handler_read_*)", rowsRead(perStep));
    row("commits per step", perStep["Com_commit"]);
    row("fsyncs per step", perStep["Innodb_data_fsyncs"]);
  } else {
    row("commits per step", perStep["xact_commit"]);
    row("fsyncs per step", perStep["wal_sync"]);
  }
}
