import { expect, it } from "vitest";
import { type StoredPublishedEvent, tokenCompletionText } from "../../src/history/index.js";
import { newEvent, type RunKey, TokenExpiredError, UnknownTokenError } from "../../src/index.js";
import { eventMatchesWait } from "../../src/store/rules/events.js";
import { conformance, fresh, step, T } from "./harness.js";

const completion = (tokenId: string, value: unknown, now = T + 20) => ({
  tokenId,
  failed: false,
  completionText: tokenCompletionText({ valueText: JSON.stringify(value) }),
  now,
});
let tokens = 0;
const tokenId = () => `tok_conformance${String(++tokens).padStart(9, "0")}`;

conformance("tokens", ({ store, create }) => {
  /** A run with a token created by its first step, expiring at T + 1000. */
  async function withToken(prefix: string): Promise<{ run: RunKey; id: string }> {
    const run = fresh(prefix);
    await create(run);
    const id = tokenId();
    const events = [newEvent.tokenCreated("", 0, { id, timeout: 990, deadline: T + 1000 }, T + 10)];
    const [written] = await store.commit([step(run, { events, tokensCreated: [{ id, seq: 0, expiresAt: T + 1000 }] })]);
    expect(written?.ok).toBe(true);
    return { run, id };
  }

  it("are completed once, into their run's inbox, which wakes the run", async () => {
    const { run, id } = await withToken("tok");
    expect(await store.completeToken(completion(id, "yes"))).toEqual({ completed: true, run });
    expect(await store.completeToken(completion(id, "again"))).toEqual({ completed: false, run });
    const inbox = await store.loadSignals(run, ["/token"]);
    expect(inbox.map((row) => [row.externalId, row.payloadText])).toEqual([[id, '{"value":"yes"}']]);
    expect((await store.readRun(run, "w1", T + 30))?.wakeGen).toBe(1);
  });

  it("refuse a completion past their expiry, or of an id no run created", async () => {
    const { id } = await withToken("tok-late");
    await expect(store.completeToken(completion(id, 1, T + 1000))).rejects.toBeInstanceOf(TokenExpiredError);
    await expect(store.completeToken(completion(tokenId(), 1))).rejects.toBeInstanceOf(UnknownTokenError);
  });

  it("expire with the step that delivers the timeout, which a completion written first refuses", async () => {
    const expired = await withToken("tok-expire");
    const timeout = newEvent.tokenTimeout(expired.id, 0, T + 1000);
    const [ok] = await store.commit([
      step(expired.run, { expectedVersion: 1, events: [timeout], tokensExpired: [expired.id], now: T + 1000 }),
    ]);
    expect(ok?.ok).toBe(true);
    await expect(store.completeToken(completion(expired.id, 1, T + 20))).rejects.toThrow(/timeout passed/);

    const raced = await withToken("tok-race");
    await store.completeToken(completion(raced.id, "first"));
    const [refused] = await store.commit([
      step(raced.run, {
        expectedVersion: 1,
        events: [newEvent.tokenTimeout(raced.id, 0, T + 1000)],
        tokensExpired: [raced.id],
        now: T + 1000,
      }),
    ]);
    expect(refused).toMatchObject({
      ok: false,
      reason: `token ${raced.id} was completed before its timeout was written`,
    });
    expect((await store.loadHistory(raced.run, 0)).map((event) => event.type)).toEqual(["created", "token_created"]);
  });

  it("go with their run when it is purged", async () => {
    const { run, id } = await withToken("tok-purge");
    await store.commit([
      step(run, { expectedVersion: 1, end: { status: "completed", resultText: "1", errorText: null } }),
    ]);
    expect(
      await store.purgeRuns({ namespace: "conf", endedBefore: T + 100, statuses: ["completed"], limit: 100 }),
    ).toBe(1);
    await expect(store.completeToken(completion(id, 1))).rejects.toBeInstanceOf(UnknownTokenError);
  });
});

conformance("published events", ({ kind, store, create }) => {
  const ns = `pub-${kind}`;
  let n = 0;
  const publish = (name: string, key: string | null, publishedAt: number, eventId = `e${++n}`) =>
    store.publishEvent({ namespace: ns, eventId, name, key, dataText: JSON.stringify(eventId), publishedAt });
  const waitStep = (run: RunKey, wait: { name: string; key: string | null; since: number; deadline: number }) =>
    step(run, {
      events: [
        newEvent.eventAwaited(wait.name, 0, { ...wait, timeout: wait.deadline - T, lookback: T - wait.since }, T),
      ],
      eventWaits: [{ ...wait, seq: 0 }],
      now: T,
    });
  const nsRun = (runId: string): RunKey => ({ namespace: ns, workflow: "wf", runId });
  const delivered = async (run: RunKey) =>
    (await store.loadSignals(run, ["/event"])).map(
      (row) => JSON.parse(row.payloadText ?? "null") as StoredPublishedEvent & { data: unknown },
    );

  it("are kept once per event id", async () => {
    expect(await publish("a", null, T, "same")).toBe(true);
    expect(await publish("a", "k", T + 1, "same")).toBe(false);
  });

  it("published before a wait begins are delivered to it as the rule matches them, and wake the run", async () => {
    const run = nsRun("lookback");
    await create(run);
    const wait = { name: "verified", key: "u-1", since: T - 100, deadline: T + 1000 };
    const candidates: [string, string | null, number][] = [
      ["verified", "u-1", T - 101],
      ["verified", "u-1", T - 100],
      ["verified", "u-1", T - 1],
      ["verified", "u-2", T - 50],
      ["verified", null, T - 50],
      ["other", "u-1", T - 50],
    ];
    const ids: string[] = [];
    for (const [name, key, at] of candidates) {
      const id = `lb-${ids.length}`;
      ids.push(id);
      await publish(name, key, at, id);
    }
    const [result] = await store.commit([waitStep(run, wait)]);
    expect(result).toMatchObject({ ok: true, wakeGen: 2 });
    const expected = candidates.flatMap(([name, key, publishedAt], i) =>
      eventMatchesWait(wait, { name, key, publishedAt }) ? [ids[i]] : [],
    );
    expect((await delivered(run)).map((event) => event.eventId)).toEqual(expected);
    expect(expected).toEqual(["lb-1", "lb-2"]);
  });

  it("are dispatched once, to every run whose registered wait they match, and to no ended wait", async () => {
    const [a, b, c] = [nsRun("d-a"), nsRun("d-b"), nsRun("d-c")];
    for (const run of [a, b, c]) await create(run);
    await store.commit([waitStep(a, { name: "paid", key: "o-1", since: T, deadline: T + 1000 })]);
    await store.commit([waitStep(b, { name: "paid", key: null, since: T, deadline: T + 1000 })]);
    await store.commit([waitStep(c, { name: "paid", key: "o-1", since: T, deadline: T + 1000 })]);
    await store.commit([step(c, { expectedVersion: 1, eventWaitsEnded: [{ name: "paid", seq: 0 }] })]);
    await publish("paid", "o-1", T + 10, "paid-1");
    await publish("paid", "o-2", T + 11, "paid-2");
    const plans: string[] = [];
    const first = await store.dispatchEvents(ns, T + 20, 100, (event) => {
      plans.push(event.eventId);
      return [];
    });
    expect(first.dispatched).toBeGreaterThanOrEqual(2);
    expect(plans).toContain("paid-1");
    expect(first.woken).toEqual(expect.arrayContaining([a, b]));
    expect((await delivered(a)).map((event) => event.eventId)).toEqual(["paid-1"]);
    expect((await delivered(b)).map((event) => event.eventId)).toEqual(["paid-1", "paid-2"]);
    expect(await delivered(c)).toEqual([]);
    const again = await store.dispatchEvents(ns, T + 30, 100, () => []);
    expect(again).toEqual({ dispatched: 0, woken: [], started: [], more: false });
  });

  it("are not delivered to the waits of a run an operator terminated, or of the iteration a reset left", async () => {
    const [ended, reset] = [nsRun("op-terminated"), nsRun("op-reset")];
    for (const run of [ended, reset]) {
      await create(run);
      await store.commit([waitStep(run, { name: "shipped", key: null, since: T, deadline: T + 1000 })]);
    }
    expect(await store.terminateRun(ended, "enough", T + 5)).toBe(true);
    expect(await store.resetRun(reset, { toStep: 0 }, T + 5)).toBe(1);
    await publish("shipped", null, T + 10, "shipped-1");
    const done = await store.dispatchEvents(ns, T + 20, 100, () => []);
    expect(done.woken).toEqual([]);
    for (const run of [ended, reset]) expect(await delivered(run)).toEqual([]);
  });

  it("are not delivered to a wait its step began and ended at once (the run ended right after it)", async () => {
    const run = nsRun("begun-ended");
    await create(run);
    const wait = { name: "left", key: null, since: T, deadline: T + 1000 };
    const [ended] = await store.commit([
      {
        ...waitStep(run, wait),
        eventWaitsEnded: [{ name: "left", seq: 0 }],
        end: { status: "completed", resultText: "null", errorText: null },
      },
    ]);
    expect(ended?.ok).toBe(true);
    await publish("left", null, T + 10, "left-1");
    const done = await store.dispatchEvents(ns, T + 20, 100, () => []);
    expect(done.woken).toEqual([]);
    expect(await delivered(run)).toEqual([]);
  });

  it("start their triggers' runs once, and debounce windows start theirs when due", async () => {
    const plan = (event: StoredPublishedEvent) => [
      { workflow: "wf", runId: `now-${event.eventId}`, inputText: event.dataText },
      { workflow: "kid", runId: `later-${event.eventId}`, inputText: event.dataText, debounce: { periodMs: 100 } },
    ];
    await store.dispatchEvents(ns, T, 100, () => []);
    await publish("signup", "u-9", T + 1, "s-1");
    await publish("signup", "u-9", T + 2, "s-2");
    const dispatched = await store.dispatchEvents(ns, T + 3, 100, plan);
    expect(dispatched.started.map((run) => run.runId)).toEqual(["now-s-1", "now-s-2"]);
    expect(await store.fireDebounces(ns, T + 101, 100)).toEqual({ started: [], next: T + 102 });
    const fired = await store.fireDebounces(ns, T + 102, 100);
    expect(fired).toEqual({ started: [{ namespace: ns, workflow: "kid", runId: "later-s-2" }], next: undefined });
    expect((await store.getRun({ namespace: ns, workflow: "kid", runId: "later-s-2" }))?.input).toBe("s-2");
  });

  it("are purged by age", async () => {
    const old = `purge-${kind}`;
    await store.publishEvent({ namespace: old, eventId: "p1", name: "x", key: null, dataText: "1", publishedAt: T });
    await store.publishEvent({
      namespace: old,
      eventId: "p2",
      name: "x",
      key: null,
      dataText: "2",
      publishedAt: T + 5,
    });
    expect(await store.purgeEvents(old, T + 5, 100)).toBe(1);
    expect(
      await store.publishEvent({ namespace: old, eventId: "p1", name: "x", key: null, dataText: "1", publishedAt: T }),
    ).toBe(true);
  });
});
