import { describe, expect, it } from "vitest";
import { parseTime } from "../parse.js";
import { barSpan } from "./bars.js";
import { printable, table } from "./table.js";

describe("formatting for people", () => {
  it("aligns columns, right-aligns numbers, and leaves the last column unpadded", () => {
    const text = table(
      [{ heading: "run" }, { heading: "n", align: "right" }, { heading: "note" }],
      [
        ["a", "7", "x"],
        ["longer", "123", "yy"],
      ],
    );
    expect(text).toBe("RUN       N  NOTE\na         7  x\nlonger  123  yy");
  });

  it("shows control characters of stored values as escapes, so a payload cannot steer the terminal", () => {
    expect(printable("ok\u001b[31mred\u0007")).toBe("ok\\u{1b}[31mred\\u{7}");
  });

  it("places a bar on the time axis, at least one character wide", () => {
    const axis = { start: 0, end: 1000, width: 20 };
    expect(barSpan(axis, 0, 1000)).toEqual({ offset: 0, length: 20 });
    expect(barSpan(axis, 500, 501)).toEqual({ offset: 10, length: 1 });
    expect(barSpan(axis, 1000, 1000)).toEqual({ offset: 19, length: 1 });
  });

  it("reads times as a span before now or an ISO date, and refuses anything else", () => {
    const now = Date.UTC(2030, 0, 31);
    expect(parseTime("--ended-before", "30d", now).toISOString()).toBe("2030-01-01T00:00:00.000Z");
    expect(parseTime("--created-after", "2030-01-15T12:00:00Z", now).toISOString()).toBe("2030-01-15T12:00:00.000Z");
    expect(() => parseTime("--ended-before", "last week", now)).toThrow(
      /invalid --ended-before "last week": give a time/,
    );
  });
});
