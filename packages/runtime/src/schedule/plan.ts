import { CronSchedule } from "./cron.js";

/** What a schedule does when a tick comes while its previous run is still in progress. */
export type OverlapPolicy = "skip" | "allow";

/**
 * What happens to ticks that came while no worker ran:
 * - "none": a tick is started only when it is seen within CATCHUP_GRACE_MS of its time;
 * - "latest" (default): the most recent missed tick is started, however late; older ones are skipped;
 * - "all": every missed tick within CATCHUP_WINDOW_MS is started, oldest first (at most
 *   MAX_TICKS_PER_LOOK each time the schedule is looked at).
 */
export type CatchupPolicy = "none" | "latest" | "all";

/** How late a tick may be seen and still count as on time (catchup "none"): the timer precision. */
export const CATCHUP_GRACE_MS = 1000;
/** How far back catchup "all" goes. */
export const CATCHUP_WINDOW_MS = 86_400_000;
export const MAX_TICKS_PER_LOOK = 1000;
/** When a schedule whose next tick cannot be computed is looked at again after a failure. */
export const FAILED_SCHEDULE_RETRY_MS = 60_000;

/** A schedule as the scheduler sees it when its next tick is due. */
export interface DueSchedule {
  readonly cron: string;
  readonly timezone: string;
  readonly overlap: OverlapPolicy;
  readonly catchup: CatchupPolicy;
  /** The first tick not handled yet. */
  readonly nextTick: number;
  /** The run of the previous tick is still in progress. */
  readonly previousRunning: boolean;
}

/** The ticks to start a run for now, oldest first, and the first tick left for later. */
export interface TickPlan {
  readonly ticks: readonly number[];
  readonly nextTick: number | undefined;
}

/**
 * Decides which due ticks start a run. With overlap "skip", at most one run is started, and
 * none while the previous run is in progress (the ticks in between are skipped).
 */
export function planTicks(schedule: DueSchedule, now: number): TickPlan {
  const cron = new CronSchedule(schedule.cron, schedule.timezone);
  const due = cron.between(schedule.nextTick, now, MAX_TICKS_PER_LOOK);
  let ticks: number[];
  switch (schedule.catchup) {
    case "none":
      ticks = due.filter((tick) => now - tick <= CATCHUP_GRACE_MS).slice(-1);
      break;
    case "latest":
      ticks = due.slice(-1);
      break;
    case "all":
      ticks = due.filter((tick) => now - tick <= CATCHUP_WINDOW_MS);
      break;
  }
  if (schedule.overlap === "skip") ticks = schedule.previousRunning ? [] : ticks.slice(0, 1);
  // "all" with more due than one look takes: come back for the rest, which is still due then.
  const last = due.at(-1);
  const more = schedule.catchup === "all" && due.length === MAX_TICKS_PER_LOOK && last !== undefined;
  return { ticks, nextTick: more ? cron.next(last) : cron.next(now) };
}

/** The run id of a tick: `<scheduleId>@<tick time, ISO 8601 UTC>`, the same on every worker. */
export function tickRunId(scheduleId: string, tick: number): string {
  return `${scheduleId}@${new Date(tick).toISOString()}`;
}

/**
 * The longest schedule id, in bytes of UTF-8: a tick's run id adds "@" and a 24-character time
 * ("@2030-01-01T03:00:00.000Z"), and a run id may be 255 bytes. The manifest reader of
 * @replaykit/codegen applies the same limit.
 */
export const MAX_SCHEDULE_ID_BYTES = 255 - "@2030-01-01T03:00:00.000Z".length;

/**
 * Where a schedule goes on after its due ticks could not be fired (a run id that cannot be stored,
 * a cron or time zone that no longer parses): its next tick after `now`, so the failed ones are
 * skipped and the failure is reported once per tick, or a minute later when even that cannot be
 * computed. Either way the other schedules and the worker's claims go on.
 */
export function nextTickAfterFailure(schedule: Pick<DueSchedule, "cron" | "timezone">, now: number): number {
  try {
    return new CronSchedule(schedule.cron, schedule.timezone).next(now) ?? now + FAILED_SCHEDULE_RETRY_MS;
  } catch {
    return now + FAILED_SCHEDULE_RETRY_MS;
  }
}
