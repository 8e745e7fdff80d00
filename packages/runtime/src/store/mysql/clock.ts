import type { Pool, RowDataPacket } from "mysql2/promise";
import type { Clock, Transaction } from "../../api.js";

/** How often the database clock offset is measured again. */
export const CLOCK_RESYNC_MS = 60_000;

/** A clock that follows the database server's clock. */
export interface DbClock extends Clock {
  /**
   * Measures the offset now; resolves when done (rejects when the database is unreachable).
   * `via` runs the query on that connection instead of the pool (e.g. the caller's open
   * transaction, so a pool of one connection held by the caller cannot deadlock).
   */
  sync(via?: Transaction): Promise<void>;
  /** Difference database minus local, in ms (0 before the first measurement). */
  readonly offsetMs: number;
}

/**
 * The default clock: `Date.now()` corrected by the offset to the database clock, so that
 * timers written by processes on different machines agree. The offset is measured lazily
 * on the first `now()` (or `sync()`), then again at most every 60 s; `now()` never waits:
 * before the first measurement it returns plain `Date.now()`.
 *
 * Offset = `UNIX_TIMESTAMP(NOW(6)) * 1000` minus the local midpoint of the round trip.
 */
export function createDbClock(pool: Pool): DbClock {
  let offsetMs = 0;
  let syncedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const measure = async (via: Pool | Transaction): Promise<void> => {
    const sent = Date.now();
    const [rows] = await via.query<RowDataPacket[]>("SELECT UNIX_TIMESTAMP(NOW(6)) * 1000 AS ms");
    const received = Date.now();
    const dbMs = Number(rows[0]?.ms);
    if (Number.isFinite(dbMs)) offsetMs = Math.round(dbMs - (sent + received) / 2);
    syncedAt = received;
  };
  const sync = (via?: Transaction): Promise<void> => {
    inFlight ??= measure(via ?? pool).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  return {
    sync,
    get offsetMs() {
      return offsetMs;
    },
    now() {
      const local = Date.now();
      // A failed background measurement keeps the previous offset; the next call retries.
      if (local - syncedAt >= CLOCK_RESYNC_MS && inFlight === undefined) sync().catch(() => {});
      return local + offsetMs;
    },
  };
}
