import { describe, expect, it } from "vitest";
import { CronSchedule } from "./cron.js";
import { type DueSchedule, planTicks, tickRunId } from "./plan.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe("cron ticks", () => {
  it("take 5 fields, or 6 with seconds first, and refuse anything else with the reason", () => {
    expect(iso(new CronSchedule("*/15 * * * *").next(at("2030-01-01T00:07:00Z")))).toBe("2030-01-01T00:15:00.000Z");
    expect(iso(new CronSchedule("*/2 * * * * *").next(at("2030-01-01T00:00:01.500Z")))).toBe(
      "2030-01-01T00:00:02.000Z",
    );
    expect(() => new CronSchedule("* * *")).toThrow(/has 3 field\(s\): use 5/);
    expect(() => new CronSchedule("61 * * * *")).toThrow(/invalid schedule: cron "61 \* \* \* \*"/);
    expect(() => new CronSchedule("* * * * *", "Mars/Olympus")).toThrow(/time zone "Mars\/Olympus"/);
  });

  it("move a local time skipped by daylight saving to the first time after the gap, and fire a repeated one once", () => {
    const berlin = new CronSchedule("30 2 * * *", "Europe/Berlin");
    // 2030-03-31: clocks go from 02:00 to 03:00 CEST; 02:30 does not exist.
    expect(berlin.between(at("2030-03-30T00:00:00Z"), at("2030-04-01T12:00:00Z"), 10).map(iso)).toEqual([
      "2030-03-30T01:30:00.000Z", // 02:30 CET
      "2030-03-31T01:00:00.000Z", // 03:00 CEST, the first valid time after the gap
      "2030-04-01T00:30:00.000Z", // 02:30 CEST
    ]);
    // 2030-10-27: clocks go from 03:00 CEST back to 02:00 CET; 02:30 happens twice.
    expect(berlin.between(at("2030-10-26T00:00:00Z"), at("2030-10-28T12:00:00Z"), 10).map(iso)).toEqual([
      "2030-10-26T00:30:00.000Z",
      "2030-10-27T00:30:00.000Z", // once, at the first 02:30
      "2030-10-28T01:30:00.000Z",
    ]);
  });
});

describe("planTicks", () => {
  const minutes: DueSchedule = {
    cron: "* * * * *",
    timezone: "UTC",
    overlap: "allow",
    catchup: "latest",
    nextTick: at("2030-01-01T00:01:00Z"),
    previousRunning: false,
  };
  const now = at("2030-01-01T00:05:30Z"); // five ticks were missed

  it("starts every missed tick with catchup all, the latest with latest, none with none", () => {
    expect(planTicks({ ...minutes, catchup: "all" }, now).ticks.map(iso)).toEqual([
      "2030-01-01T00:01:00.000Z",
      "2030-01-01T00:02:00.000Z",
      "2030-01-01T00:03:00.000Z",
      "2030-01-01T00:04:00.000Z",
      "2030-01-01T00:05:00.000Z",
    ]);
    expect(planTicks(minutes, now).ticks.map(iso)).toEqual(["2030-01-01T00:05:00.000Z"]);
    expect(planTicks({ ...minutes, catchup: "none" }, now).ticks).toEqual([]);
    expect(planTicks({ ...minutes, catchup: "none" }, at("2030-01-01T00:05:00.400Z")).ticks).toHaveLength(1);
    for (const catchup of ["none", "latest", "all"] as const) {
      expect(iso(planTicks({ ...minutes, catchup }, now).nextTick)).toBe("2030-01-01T00:06:00.000Z");
    }
  });

  it("starts nothing while the previous run is in progress with overlap skip, and one at most otherwise", () => {
    const skipping = { ...minutes, overlap: "skip" as const, catchup: "all" as const };
    expect(planTicks({ ...skipping, previousRunning: true }, now).ticks).toEqual([]);
    expect(planTicks(skipping, now).ticks).toHaveLength(1);
  });

  it("names each tick's run <id>@<ISO 8601 UTC>", () => {
    expect(tickRunId("nightly", at("2030-01-01T03:00:00Z"))).toBe("nightly@2030-01-01T03:00:00.000Z");
  });
});
