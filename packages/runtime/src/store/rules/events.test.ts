import { describe, expect, it } from "vitest";
import {
  dispatchDeliveries,
  eventMatchesWait,
  LOOKBACK_DELIVERIES,
  lookbackDeliveries,
  waitsToRegister,
} from "./events.js";
import { T } from "./fixtures/steps.js";

const wait = { name: "user.verified", seq: 0, key: "u-1", since: T - 1000, deadline: T + 60_000 };
const event = (publishedAt: number, key: string | null = "u-1", name = "user.verified") => ({
  eventId: `e-${publishedAt}-${key}`,
  name,
  key,
  publishedAt,
  dataText: '{"ok":true}',
});
const run = (runId: string) => ({ namespace: "ns", workflow: "wf", runId });

describe("an event wait", () => {
  it("matches events of its name and key published from its start minus the lookback until its deadline", () => {
    expect(eventMatchesWait(wait, event(T - 1000))).toBe(true);
    expect(eventMatchesWait(wait, event(T + 59_999))).toBe(true);
    expect(eventMatchesWait(wait, event(T - 1001))).toBe(false);
    expect(eventMatchesWait(wait, event(T + 60_000))).toBe(false);
    expect(eventMatchesWait(wait, event(T, "u-2"))).toBe(false);
    expect(eventMatchesWait(wait, event(T, null))).toBe(false);
    expect(eventMatchesWait(wait, event(T, "u-1", "user.deleted"))).toBe(false);
  });

  it("without a key matches the events of its name with any key or none", () => {
    const any = { ...wait, key: null };
    expect(eventMatchesWait(any, event(T, "u-2"))).toBe(true);
    expect(eventMatchesWait(any, event(T, null))).toBe(true);
  });

  it("looks back on the oldest matching events, at most LOOKBACK_DELIVERIES", () => {
    const candidates = Array.from({ length: LOOKBACK_DELIVERIES + 5 }, (_, i) => event(T - 1005 + i * 5));
    const delivered = lookbackDeliveries(run("r1"), wait, candidates);
    expect(delivered).toHaveLength(LOOKBACK_DELIVERIES);
    expect(delivered[0]?.signal.externalId).toBe(`e-${T - 1000}-u-1`);
    expect(delivered[0]).toMatchObject({ key: run("r1"), signal: { signal: "/event" } });
    expect(JSON.parse(delivered[0]?.signal.payloadText ?? "")).toEqual({
      eventId: `e-${T - 1000}-u-1`,
      name: "user.verified",
      key: "u-1",
      publishedAt: T - 1000,
      data: { ok: true },
    });
  });
});

describe("the dispatch of an event", () => {
  it("delivers it once to each run with a wait it matches", () => {
    const waits = [
      { ...wait, run: run("a"), iteration: 0 },
      { ...wait, seq: 1, run: run("a"), iteration: 0 },
      { ...wait, run: run("b"), iteration: 0 },
      { ...wait, key: "u-2", run: run("c"), iteration: 0 },
      { ...wait, since: T + 1, run: run("d"), iteration: 0 },
    ];
    expect(dispatchDeliveries(event(T), waits).map((delivery) => delivery.key.runId)).toEqual(["a", "b"]);
  });
});

describe("the waits a step registers", () => {
  it("are those it begins, but not one it ends in the same step", () => {
    const other = { ...wait, seq: 1 };
    expect(waitsToRegister({ eventWaits: [wait, other], eventWaitsEnded: [{ name: wait.name, seq: 0 }] })).toEqual([
      other,
    ]);
    expect(waitsToRegister({})).toEqual([]);
  });
});
