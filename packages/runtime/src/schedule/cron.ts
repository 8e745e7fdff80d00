import { Cron } from "croner";
import { ReplayError } from "../errors.js";

/**
 * Cron expressions, evaluated by croner (a maintained library with no dependencies that
 * handles time zones and daylight-saving changes): 5 fields, or 6 with seconds first. Time
 * zones are IANA names; the default is UTC.
 *
 * Daylight saving, as croner resolves it: a local time that does not exist (the hour skipped
 * in spring) fires at the first valid time after the gap; a local time that occurs twice (the
 * hour repeated in autumn) fires once, at its first occurrence.
 */
export class CronSchedule {
  readonly expression: string;
  readonly timezone: string;
  readonly #cron: Cron;

  constructor(expression: string, timezone = "UTC") {
    this.expression = expression;
    this.timezone = timezone;
    const fields = typeof expression === "string" ? expression.trim().split(/\s+/).length : 0;
    if (fields !== 5 && fields !== 6) {
      throw invalidSchedule(
        `cron ${JSON.stringify(expression)} has ${fields} field(s): use 5 ("min hour day month weekday") or 6 with seconds first`,
      );
    }
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    } catch {
      throw invalidSchedule(
        `time zone ${JSON.stringify(timezone)} is not an IANA time zone name such as "Europe/Berlin" or "UTC"`,
      );
    }
    try {
      this.#cron = new Cron(expression, { timezone, paused: true });
    } catch (error) {
      throw invalidSchedule(
        `cron ${JSON.stringify(expression)} in time zone ${JSON.stringify(timezone)} is not valid: ${(error as Error).message}`,
      );
    }
    if (this.#cron.nextRun(new Date(0)) === null) {
      throw invalidSchedule(`cron ${JSON.stringify(expression)} never fires`);
    }
  }

  /** The first tick strictly after `after` (ms since the epoch), or undefined when there is none. */
  next(after: number): number | undefined {
    return this.#cron.nextRun(new Date(after))?.getTime();
  }

  /** Ticks t with from <= t <= until, oldest first, at most `max`. */
  between(from: number, until: number, max: number): number[] {
    const ticks: number[] = [];
    for (
      let tick = this.next(from - 1);
      tick !== undefined && tick <= until && ticks.length < max;
      tick = this.next(tick)
    ) {
      ticks.push(tick);
    }
    return ticks;
  }
}

export function invalidSchedule(reason: string): ReplayError {
  return new ReplayError("INVALID_SCHEDULE", `invalid schedule: ${reason}`);
}
