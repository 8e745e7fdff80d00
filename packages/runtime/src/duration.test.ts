import { describe, expect, expectTypeOf, it } from "vitest";
import { type Duration, MAX_DURATION_MS, toMillis } from "./duration.js";

describe("Duration", () => {
  it("types compound strings, largest unit first, and refuses other orders and bare numbers in strings", () => {
    expectTypeOf<"2h30m">().toExtend<Duration>();
    expectTypeOf<"1d12h">().toExtend<Duration>();
    expectTypeOf<"1m30s">().toExtend<Duration>();
    expectTypeOf<"1s500ms">().toExtend<Duration>();
    expectTypeOf<"1d2h3m4s5ms">().toExtend<Duration>();
    expectTypeOf<"250ms">().toExtend<Duration>();
    expectTypeOf<1500>().toExtend<Duration>();
    // @ts-expect-error: units largest first
    const reversed: Duration = "30m2h";
    // @ts-expect-error: each unit at most once
    const twice: Duration = "1h1h";
    // @ts-expect-error: a part without its unit
    const unitless: Duration = "2h30";
    // @ts-expect-error: no such unit
    const weeks: Duration = "2w";
    // @ts-expect-error: nothing
    const empty: Duration = "";
    expect([reversed, twice, unitless, weeks, empty]).toHaveLength(5);
  });
});

describe("toMillis", () => {
  it("reads single parts and compound durations, largest unit first", () => {
    expect(toMillis("250ms")).toBe(250);
    expect(toMillis("1.5s")).toBe(1500);
    expect(toMillis("2h30m")).toBe(9_000_000);
    expect(toMillis("1d12h")).toBe(129_600_000);
    expect(toMillis("1m30s")).toBe(90_000);
    expect(toMillis("5m30ms")).toBe(300_030);
    expect(toMillis("1d2h3m4s5ms")).toBe(86_400_000 + 7_200_000 + 180_000 + 4000 + 5);
    expect(toMillis(1234.4)).toBe(1234);
  });

  it("refuses other forms with an error that lists the accepted ones", () => {
    for (const bad of ["30m2h", "1h1h", "2h30", "2h 30m", "", "2w", "-1s", "h"]) {
      expect(() => toMillis(bad as Duration), bad).toThrow(
        /invalid duration .*one or more parts, largest unit first \(d, h, m, s, ms\), such as .*"2h30m" or "1d12h"/,
      );
    }
    expect(() => toMillis(-1)).toThrow(/non-negative number/);
    expect(() => toMillis(MAX_DURATION_MS + 1)).toThrow(/at most 100 years/);
  });
});
