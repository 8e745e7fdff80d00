import { describe, expect, it } from "vitest";
import type { HistoryEvent } from "../history/index.js";
import { ev, history, T0 } from "../replay/fixtures.js";
import type { RunInspection } from "../store/records.js";
import { describeRun } from "./describe.js";
import { explainWaiting } from "./explain.js";

const running = (overrides: Partial<RunInspection> = {}): RunInspection => ({
  run: {
    namespace: "shop",
    workflow: "order",
    runId: "o-1",
    status: "running",
    iteration: 0,
    input: null,
    cancelRequested: false,
    priority: 0,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    takenUp: true,
    paused: false,
    tags: {},
  },
  leaseOwner: null,
  leaseUntil: null,
  wakeAt: T0 + 5000,
  parentWaits: false,
  tasks: [],
  inbox: [],
  ...overrides,
});

const TYPE_ERROR = JSON.stringify({ name: "TypeError", message: "card.trim is not a function" });

describe("describeRun", () => {
  it("names a failing activity with its failed attempts, last error and next attempt", () => {
    const events = history(null, ev.activity("charge", 0, { cents: 5 })) as HistoryEvent[];
    const tasks = [{ target: "charge", seq: 0, attempt: 3, readyAt: T0 + 5000, lastError: TYPE_ERROR }];
    const run = describeRun(running({ tasks }), events, T0 + 1000);
    expect(run.state).toBe("waiting");
    expect(run.waitingFor.activities).toEqual([
      {
        activity: "charge",
        seq: 0,
        input: { cents: 5 },
        requestedAt: new Date(T0),
        failedAttempts: 3,
        lastError: { name: "TypeError", message: "card.trim is not a function" },
        nextAttemptAt: new Date(T0 + 5000),
        state: "backoff",
      },
    ]);
    expect(explainWaiting(run)).toBe(
      "activity charge#0: 3 attempts failed, the last with TypeError: card.trim is not a function (next attempt at 2030-01-01T00:00:05.000Z)",
    );
  });

  it("says an activity without a retry row is due now, and runs on the lease holder while leased", () => {
    const events = history(null, ev.activity("charge", 0, null)) as HistoryEvent[];
    const queued = describeRun(running({ wakeAt: T0 }), events, T0 + 10);
    expect(queued.state).toBe("queued");
    expect(queued.waitingFor.activities[0]).toMatchObject({ failedAttempts: 0, state: "due" });
    expect(explainWaiting(queued)).toMatch(
      /due since .*no worker has taken it yet: check that a worker runs namespace "shop"/,
    );
    const held = describeRun(running({ leaseOwner: "w1", leaseUntil: T0 + 30_000 }), events, T0 + 10);
    expect(held).toMatchObject({ state: "active", lease: { owner: "w1", until: new Date(T0 + 30_000) } });
    expect(explainWaiting(held)).toBe("activity charge#0 (an attempt runs on worker w1)");
  });

  it("lists signal awaits, timers and children with their deadlines, and the inbox without child endings", () => {
    const events = history(
      null,
      ev.awaitSignal("ready", 0, 60_000),
      ev.sleep(0, 3_600_000),
      ev.child("ship", 0, "ship-1", null),
    ) as HistoryEvent[];
    const inbox = [
      { id: 1, signal: "other", externalId: "e1", payloadText: '{"a":1}', receivedAt: T0 + 1 },
      { id: 2, signal: "/child", externalId: "x/y", payloadText: "{}", receivedAt: T0 + 2 },
    ];
    const run = describeRun(running({ inbox }), events, T0);
    expect(run.waitingFor.signals).toEqual([
      { signal: "ready", seq: 0, since: new Date(T0), until: new Date(T0 + 60_000) },
    ]);
    expect(run.waitingFor.timers).toEqual([{ seq: 0, since: new Date(T0), until: new Date(T0 + 3_600_000) }]);
    expect(run.waitingFor.children).toEqual([{ workflow: "ship", runId: "ship-1", since: new Date(T0) }]);
    expect(run.inbox).toEqual([{ signal: "other", externalId: "e1", message: { a: 1 }, receivedAt: new Date(T0 + 1) }]);
    expect(explainWaiting(run)).toBe(
      'signal "ready" (until 2030-01-01T00:01:00.000Z); a timer until 2030-01-01T01:00:00.000Z; child run ship/ship-1',
    );
  });

  it("lists the tokens and published events the run waits for, and keeps their inbox rows out of its signals", () => {
    const events = history(
      null,
      ev.token("approval", 0, "tok_a", 60_000),
      ev.awaitToken("tok_a", 0, T0 + 60_000),
      ev.awaitEvent("user.verified", 0, { key: "u-1", timeout: 3_600_000, lookback: 0 }),
    ) as HistoryEvent[];
    const row = { id: 1, signal: "/event", externalId: "e-1", payloadText: "{}", receivedAt: T0 };
    const run = describeRun(running({ inbox: [row] }), events, T0);
    expect(run.waitingFor.tokens).toEqual([{ tokenId: "tok_a", since: new Date(T0), until: new Date(T0 + 60_000) }]);
    expect(run.waitingFor.events).toEqual([
      { event: "user.verified", key: "u-1", seq: 0, since: new Date(T0), until: new Date(T0 + 3_600_000) },
    ]);
    expect(run.inbox).toEqual([]);
    expect(explainWaiting(run)).toBe(
      `token tok_a (until ${new Date(T0 + 60_000).toISOString()}); event "user.verified" with key "u-1" (until ${new Date(T0 + 3_600_000).toISOString()})`,
    );
  });

  it("waits for nothing once the run ended", () => {
    const events = history(null, ev.activity("charge", 0, null)) as HistoryEvent[];
    const inspection = running();
    const ended = describeRun({ ...inspection, run: { ...inspection.run, status: "failed" } }, events, T0);
    expect(ended.state).toBe("ended");
    expect(ended.waitingFor).toEqual({ activities: [], signals: [], timers: [], children: [], tokens: [], events: [] });
    expect(explainWaiting(ended)).toBe("it ended as failed");
  });
});

describe("a run in a cycle of runs that wait for each other", () => {
  it("names the cycle and says to cancel one of them", () => {
    const cycle = [
      { workflow: "order", runId: "o-1" },
      { workflow: "refund", runId: "r-1" },
    ];
    const run = describeRun(running(), [], T0, cycle);
    expect(run.waitCycle).toEqual(cycle);
    expect(explainWaiting(run)).toContain(
      "a cycle of runs waiting for each other, which none of them can leave: order/o-1 → refund/r-1 → order/o-1 (each waits for the next); cancel one of them",
    );
  });
});
