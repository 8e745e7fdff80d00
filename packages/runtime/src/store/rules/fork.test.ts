import { describe, expect, it } from "vitest";
import { EventType, newEvent } from "../../history/index.js";
import { forkCreation, type SourceEvent } from "./fork.js";

const T = Date.UTC(2030, 0, 1);
const source = { namespace: "shop", workflow: "order", runId: "o-1" };
const target = { namespace: "shop", workflow: "order", runId: "o-1-fork" };
const placed = (pos: number | null, event: ReturnType<typeof newEvent.created>): SourceEvent => ({ pos, ...event });
const history: SourceEvent[] = [
  placed(3, newEvent.activityRequest("ship", 1, '"p"', T + 3)),
  placed(0, newEvent.created('"in"', T)),
  placed(1, newEvent.activityRequest("charge", 0, '"c"', T + 1)),
  placed(null, newEvent.cancelRequested(T + 2)),
  placed(2, newEvent.activityResult("charge", 0, '"ok"', 1, T + 2)),
];
const run = {
  iteration: 2,
  inputText: '"in"',
  seed: null,
  seedIteration: null,
  codeVersion: "v1",
  tags: {},
  queue: "mail",
  priority: 3,
  concurrencyKey: "tenant-1",
  deadline: T + 60_000,
  createdAt: T,
  events: history,
};

describe("forkCreation", () => {
  it("copies the steps before fromStep with their results, after a created event, and marks the fork", () => {
    const fork = forkCreation(run, { source, target, fromStep: 1, now: T + 100 });
    expect(fork.events.map((e) => [e.iteration, e.pos, e.event.type, e.event.target])).toEqual([
      [2, 0, EventType.Created, ""],
      [2, 1, EventType.ActivityRequest, "charge"],
      [2, 2, EventType.ActivityResponse, "charge"],
      [2, null, EventType.Forked, ""],
    ]);
    expect(fork.events[2]?.event).toEqual(newEvent.activityResult("charge", 0, '"ok"', 1, T + 2));
    expect(JSON.parse(fork.events[3]?.event.payloadText ?? "null")).toEqual({
      runId: "o-1",
      iteration: 2,
      fromStep: 1,
      seed: "shop/order/o-1",
    });
  });

  it("is not fresh once steps were copied, so the worker reads its history", () => {
    const fork = forkCreation(run, { source, target, fromStep: 2, now: T + 100 });
    expect(fork.row).toMatchObject({ ...target, iteration: 2, version: 1, nextPos: 4, wakeAt: T + 100 });
  });

  it("is fresh when nothing was copied, at version 0 like any new run", () => {
    const fork = forkCreation(run, { source, target, fromStep: 0, now: T + 100 });
    expect(fork.row).toMatchObject({ version: 0, nextPos: 1, inputText: '"in"' });
  });

  it("keeps the source's seed and code version unless the request pins another", () => {
    const seeded = forkCreation({ ...run, seed: "first/seed" }, { source, target, fromStep: 0, now: T });
    expect(seeded.row).toMatchObject({ seed: "first/seed", codeVersion: "v1" });
    const pinned = forkCreation(run, { source, target, fromStep: 0, now: T, codeVersion: "v2" });
    expect(pinned.row).toMatchObject({ seed: "shop/order/o-1", codeVersion: "v2" });
  });

  it("keeps the source's queue, priority, concurrency key and timeout, each replaced by an override", () => {
    const kept = forkCreation(run, { source, target, fromStep: 0, now: T + 500 });
    expect(kept.row).toMatchObject({ queue: "mail", priority: 3, concurrencyKey: "tenant-1", deadline: T + 60_500 });
    const overrides = { queue: null, priority: -1, concurrencyKey: "tenant-2", timeoutMs: null };
    const moved = forkCreation(run, { source, target, fromStep: 0, now: T + 500, overrides });
    expect(moved.row).toMatchObject({ queue: null, priority: -1, concurrencyKey: "tenant-2", deadline: null });
    const timed = forkCreation(run, { source, target, fromStep: 0, now: T + 500, overrides: { timeoutMs: 1000 } });
    expect(timed.row).toMatchObject({ queue: "mail", deadline: T + 1500 });
  });
});
