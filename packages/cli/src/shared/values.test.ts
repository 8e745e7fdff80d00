import { describe, expect, it } from "vitest";
import { duration, time } from "./values.js";

describe("values for people", () => {
  it("writes durations short and times in UTC to the second", () => {
    expect([850, 1234, 65_000, 7_380_000, 90_000_000].map(duration)).toEqual([
      "850ms",
      "1.2s",
      "1m 5s",
      "2h 3m",
      "1d 1h",
    ]);
    expect(time(Date.UTC(2030, 0, 2, 3, 4, 5, 678))).toBe("2030-01-02 03:04:05Z");
  });
});
