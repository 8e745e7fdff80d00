import type { QueueInfo } from "@replaykit/runtime";
import { describe, expect, it } from "vitest";
import { heldBack } from "./queues.js";

const idle = { queued: 0, active: 0, waiting: 0 };
const queue = (over: Partial<QueueInfo>): QueueInfo => ({
  name: "q",
  limits: {},
  runs: idle,
  activities: { active: 0, waiting: 0 },
  keys: [],
  ...over,
});

describe("why a queue's work is held back", () => {
  it("says nothing while no run is due and no attempt waits", () => {
    expect(heldBack(queue({ limits: { concurrency: 1 }, runs: { ...idle, active: 1 } }))).toEqual([]);
  });

  it("names each limit reached: concurrency (runs and attempts alike), rate, and the keys at theirs", () => {
    const reasons = heldBack(
      queue({
        limits: { concurrency: 2, keyConcurrency: 1, rateLimit: { limit: 3, periodMs: 60_000 } },
        runs: { queued: 4, active: 1, waiting: 0 },
        activities: { active: 1, waiting: 0 },
        window: { starts: 3, freesAt: new Date(Date.UTC(2026, 0, 1, 12)) },
        keys: [
          { key: "a", runs: { queued: 2, active: 1, waiting: 0 }, activities: { active: 0, waiting: 0 } },
          { key: "b", runs: { queued: 2, active: 0, waiting: 0 }, activities: { active: 0, waiting: 0 } },
        ],
      }),
    );
    expect(reasons).toEqual([
      "at its concurrency limit: 2 of 2 slots taken",
      "at its rate limit: 3 starts in the last 1m 0s; the next start at 2026-01-01 12:00:00Z",
      "1 key at the per-key limit of 1: a",
    ]);
  });

  it("says that no worker has room when runs are due and no limit is reached", () => {
    expect(heldBack(queue({ runs: { ...idle, queued: 1 } }))).toEqual([
      "no limit holds it back: no worker that declared this queue has room, or none serves it",
    ]);
  });
});
