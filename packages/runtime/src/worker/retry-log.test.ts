import { describe, expect, it } from "vitest";
import type { Logger } from "../api.js";
import { manualClock } from "../client/clock.js";
import { RetryLog } from "./retry-log.js";

function capture(): Logger & { warnings: { message: string; fields: Record<string, unknown> | undefined }[] } {
  const warnings: { message: string; fields: Record<string, unknown> | undefined }[] = [];
  return { warnings, info: () => {}, error: () => {}, warn: (message, fields) => warnings.push({ message, fields }) };
}

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };
const failure = (activity: string, attempt: number) => ({
  key,
  activity,
  seq: 0,
  attempt,
  error: new TypeError("card.trim is not a function"),
  retryAt: T + 1000,
});

describe("RetryLog", () => {
  it("warns about the first failed attempt of an activity with its error and retry time", () => {
    const logger = capture();
    new RetryLog(logger, manualClock(T)).failed(failure("charge", 1));
    expect(logger.warnings).toEqual([
      {
        message:
          "activity charge#0 of run order/o-1 failed on attempt 1 with TypeError: card.trim is not a function; retrying at 2030-01-01T00:00:01.000Z",
        fields: {
          runId: "o-1",
          workflow: "order",
          activity: "charge",
          seq: 0,
          attempt: 1,
          retryAt: "2030-01-01T00:00:01.000Z",
          error: { name: "TypeError", message: "card.trim is not a function" },
        },
      },
    ]);
  });

  it("warns once per activity per window and counts the failures it did not log", () => {
    const logger = capture();
    const clock = manualClock(T);
    const log = new RetryLog(logger, clock, 30_000);
    for (const attempt of [1, 2, 3]) log.failed(failure("charge", attempt));
    log.failed(failure("ship", 1));
    expect(logger.warnings.map((warning) => warning.fields?.activity)).toEqual(["charge", "ship"]);
    clock.advance(30_000);
    log.failed(failure("charge", 4));
    expect(logger.warnings).toHaveLength(3);
    expect(logger.warnings[2]?.message).toMatch(
      /attempt 4 .*; 2 other failed attempts of activity charge since the last warning/,
    );
    expect(logger.warnings[2]?.fields?.unlogged).toBe(2);
  });
});
