import { MAX_SCHEDULE_ID_BYTES, QUEUE_LIMITS } from "@replaykit/runtime";
import { expect, it } from "vitest";
import { MAX_LIMITS } from "../src/reader/read-queues.js";
import { MAX_SCHEDULE_ID_BYTES as MAX_ID_BYTES } from "../src/reader/read-schedules.js";

it("checks the largest queue limits and schedule ids the runtime checks", () => {
  expect(MAX_LIMITS).toEqual(QUEUE_LIMITS);
  expect(MAX_ID_BYTES).toBe(MAX_SCHEDULE_ID_BYTES);
});
