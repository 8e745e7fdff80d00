import { createScratchDatabase } from "@replaykit/runtime/testing";
import type { SystemId } from "../args.js";
import type { BenchContext } from "../context.js";
import { type Floor, mariaDbFloor, postgresFloor } from "../floor.js";
import { log } from "../log.js";
import { createPgDatabase } from "../postgres.js";

/** The floor is measured before and after the workloads; the table keeps the better pass (disks are noisy). */
function record(ctx: BenchContext, column: SystemId, floor: Floor): void {
  const passes = (ctx.results.details[`floor.${column}`] as Floor[] | undefined) ?? [];
  ctx.results.detail(`floor.${column}`, [...passes, floor]);
  const set = (metric: string, unit: string, value: number) => {
    const key = { workload: "floor", metric, unit, better: "higher" as const };
    ctx.results.set(column, key, Math.max(value, ctx.results.get("floor", metric)?.[column] ?? 0));
  };
  set("single-row INSERT commits/s (autocommit, 1 conn)", "1/s", floor.commitsPerSec);
  set(`batched INSERT rows/s (${ctx.sizes.floor.batchRows} rows/INSERT)`, "1/s", floor.batchRowsPerSec);
}

/** The database floor: MariaDB in the replaykit column, PostgreSQL in the DBOS column. */
export async function runFloor(ctx: BenchContext): Promise<void> {
  const { commits, batches, batchRows } = ctx.sizes.floor;
  if (ctx.systems.has("replaykit")) {
    log(`floor MariaDB: ${commits} single-row commits, ${batches} x ${batchRows}-row INSERTs`);
    const db = await createScratchDatabase(ctx.mariaDbUrl, "bench_floor");
    try {
      record(ctx, "replaykit", await mariaDbFloor(db.pool, ctx.sizes.floor));
    } finally {
      await db.drop();
    }
  }
  if (ctx.systems.has("dbos") && ctx.postgres) {
    log(`floor PostgreSQL: ${commits} single-row commits, ${batches} x ${batchRows}-row INSERTs`);
    const url = await createPgDatabase(ctx.postgres, `bench_floor_${Date.now()}`);
    record(ctx, "dbos", await postgresFloor(url, ctx.sizes.floor));
  }
}
