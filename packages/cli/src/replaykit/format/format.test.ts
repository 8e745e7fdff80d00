import { describe, expect, it } from "vitest";
import { parseTime } from "../parse.js";
import { barSpan } from "./bars.js";
import { showRun } from "./run-show.js";
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

  it("shows a run's error, stack, result and the last error of an activity with control characters escaped", () => {
    const evil = "\u001b]0;owned\u0007\u001b[2J";
    const run = {
      namespace: "shop",
      workflow: "order",
      runId: "o-1",
      status: "running",
      state: "waiting",
      iteration: 0,
      input: { note: evil },
      cancelRequested: false,
      priority: 0,
      createdAt: new Date(0),
      updatedAt: new Date(0),
      takenUp: true,
      error: { name: "Error", message: `bad ${evil}`, stack: `Error: bad\n    at ${evil}` },
      waitingFor: {
        activities: [
          {
            activity: "charge",
            seq: 0,
            input: null,
            requestedAt: new Date(0),
            failedAttempts: 1,
            lastError: { name: "TypeError", message: `card ${evil}` },
            nextAttemptAt: new Date(1000),
            state: "backoff",
          },
        ],
        signals: [],
        timers: [],
        children: [],
        tokens: [],
        events: [],
      },
      inbox: [],
      paused: false,
      tags: {},
    } as const;
    const text = showRun(run, [], 1000, () => undefined);
    expect(text).toContain("bad \\u{1b}]0;owned\\u{7}\\u{1b}[2J");
    expect(text).toContain("card \\u{1b}");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none is left
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
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
