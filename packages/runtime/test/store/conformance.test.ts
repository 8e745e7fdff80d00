import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createClient,
  createMemoryStore,
  type ListRunsFilter,
  newEvent,
  type RunKey,
  RunNotFoundError,
  type StepWrite,
  type Store,
} from "../../src/index.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";
import { STORE_KINDS, type StoreKind } from "../support/helpers.js";

/**
 * The Store contract, run against every store: what the engine and the client rely on, through
 * the interface alone. A new store passes this suite before the engine tests run on it.
 */
for (const kind of STORE_KINDS) describe(`the ${kind} store`, () => conformance(kind));

const T = Date.UTC(2030, 0, 1);
/** What the claims of these tests can run: every workflow they create, and any activity. */
const CAN = { workflows: ["wf", "kid"], activities: ["a", "imp"] };
const key = (runId: string, workflow = "wf"): RunKey => ({ namespace: "conf", workflow, runId });
let ids = 0;
const fresh = (prefix: string) => key(`${prefix}-${++ids}`);

function step(run: RunKey, overrides: Partial<StepWrite> = {}): StepWrite {
  return {
    key: run,
    owner: "w1",
    iteration: 0,
    expectedVersion: 0,
    firstPos: 1,
    events: [],
    taskWrites: [],
    taskDeletes: [],
    signalsConsumed: [],
    childStarts: [],
    signalsSent: [],
    cancelChildren: [],
    observedWakeGen: 0,
    now: T + 10,
    hasTaskRows: false,
    hold: false,
    leaseUntil: T + 10_000,
    wakeAt: T + 5000,
    ...overrides,
  };
}

function conformance(kind: StoreKind): void {
  let store: Store;
  let db: ScratchDatabase | undefined;
  beforeAll(async () => {
    if (kind === "mariadb") {
      db = await createScratchDatabase(inject("mysqlUrl"));
      store = createClient({ pool: db.pool }).store;
    } else {
      store = createMemoryStore();
    }
    await store.migrate();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const create = async (run: RunKey, input: unknown = { n: 1 }, now = T) =>
    store.createRun({ key: run, inputText: JSON.stringify(input), now });

  describe("runs", () => {
    it("are created once, with their created event, and read back fresh", async () => {
      const run = fresh("create");
      expect(await create(run)).toBe(true);
      expect(await create(run, { other: true })).toBe(false);
      const info = await store.getRun(run);
      expect(info).toMatchObject({ status: "running", iteration: 0, input: { n: 1 }, cancelRequested: false });
      expect(info?.createdAt.getTime()).toBe(T);
      expect(await store.getHistory(run)).toEqual([
        { type: "created", iteration: 0, pos: 0, target: "", seq: 0, payload: { n: 1 }, at: T },
      ]);
      const state = await store.readRun(run, "w1", T);
      expect(state).toMatchObject({ version: 0, nextPos: 1, fresh: { inputText: '{"n":1}', createdAt: T } });
      expect(await store.getRun(key("nobody"))).toBeUndefined();
      expect(await store.getHistory(key("nobody"))).toBeUndefined();
    });

    it("record a cancel request once, and refuse a run that does not exist", async () => {
      const run = fresh("cancel");
      await create(run);
      expect(await store.requestCancel(run, T + 1)).toBe(true);
      expect(await store.requestCancel(run, T + 2)).toBe(false);
      expect((await store.getRun(run))?.cancelRequested).toBe(true);
      const history = (await store.getHistory(run)) ?? [];
      expect(history.map((event) => [event.type, event.pos])).toEqual([
        ["created", 0],
        ["cancel_requested", null],
      ]);
      await expect(store.requestCancel(key("missing"), T)).rejects.toBeInstanceOf(RunNotFoundError);
    });
  });

  describe("signals", () => {
    it("are kept once per external id, before the run exists too, in arrival order", async () => {
      const run = fresh("sig");
      const send = (signal: string, externalId: string, message: unknown) =>
        store.addSignal(run, { signal, externalId, payloadText: JSON.stringify(message) }, T);
      expect(await send("go", "e1", 1)).toBe(true);
      expect(await send("go", "e1", 99)).toBe(false);
      expect(await send("stop", "e1", 2)).toBe(true);
      expect(await send("go", "e2", 3)).toBe(true);
      await create(run);
      const inbox = await store.loadSignals(run, ["go"]);
      expect(inbox.map((signal) => signal.payloadText)).toEqual(["1", "3"]);
      expect((await store.loadSignals(run, ["go", "stop"])).map((signal) => signal.signal)).toEqual([
        "go",
        "stop",
        "go",
      ]);
      expect(await store.loadSignals(run, [])).toEqual([]);
    });

    it("of runs that do not exist are listed oldest first and purged by age, while a started run keeps its own", async () => {
      const namespace = `orphans-${kind}`;
      const typo = { namespace, workflow: "wf", runId: "ordr-1" };
      const early = { namespace, workflow: "wf", runId: "later" };
      const send = (run: RunKey, externalId: string, at: number) =>
        store.addSignal(run, { signal: "go", externalId, payloadText: "1" }, at);
      await send(typo, "e1", T);
      await send(early, "e1", T + 10);
      await send(typo, "e2", T + 20);
      const listed = await store.listOrphanedSignals(namespace, 10);
      expect(listed.map((o) => [o.runId, o.externalId, o.createdAt.getTime()])).toEqual([
        ["ordr-1", "e1", T],
        ["later", "e1", T + 10],
        ["ordr-1", "e2", T + 20],
      ]);
      expect(listed[0]).toMatchObject({ workflow: "wf", signal: "go" });
      expect(await store.listOrphanedSignals(namespace, 1)).toHaveLength(1);
      // The early run starts: its signal is no orphan any more, and a purge leaves it.
      await store.createRun({ key: early, inputText: "null", now: T + 30 });
      expect((await store.listOrphanedSignals(namespace, 10)).map((o) => o.runId)).toEqual(["ordr-1", "ordr-1"]);
      expect(await store.purgeOrphanedSignals(namespace, T + 15)).toBe(1);
      expect(await store.purgeOrphanedSignals(namespace, T + 1000)).toBe(1);
      expect(await store.listOrphanedSignals(namespace, 10)).toEqual([]);
      expect(await store.loadSignals(early, ["go"])).toHaveLength(1);
      // A purged signal may be sent again.
      expect(await send(typo, "e1", T + 2000)).toBe(true);
    });

    it("wake a waiting run now and bump its wake generation", async () => {
      const run = fresh("wake");
      await create(run);
      await store.claim({ can: CAN, namespace: "conf", owner: "w1", now: T, leaseMs: 1000, limit: 100 });
      expect((await store.commit([step(run, { wakeAt: T + 60_000 })]))[0]).toMatchObject({ ok: true, wakeGen: 0 });
      await store.addSignal(run, { signal: "go", externalId: "x", payloadText: "1" }, T + 20);
      const state = await store.readRun(run, "w2", T + 20);
      expect(state?.wakeGen).toBe(1);
      const due = await store.claim({
        can: CAN,
        namespace: "conf",
        owner: "w2",
        now: T + 20,
        leaseMs: 1000,
        limit: 100,
      });
      expect(due.map((claimed) => claimed.runId)).toContain(run.runId);
    });
  });

  describe("claims and leases", () => {
    it("lease due runs to one owner until the lease ends, oldest wake first, within shards", async () => {
      const namespace = `claims-${kind}`;
      const runs = [1, 2, 3].map((i) => ({ namespace, workflow: "wf", runId: `c${i}` }));
      for (const [i, run] of runs.entries()) await store.createRun({ key: run, inputText: "null", now: T + 10 - i });
      expect(await store.nextWake(namespace, T, [], CAN)).toBe(T + 8);
      const first = await store.claim({ can: CAN, namespace, owner: "a", now: T + 20, leaseMs: 100, limit: 2 });
      expect(first.map((run) => run.runId)).toEqual(["c3", "c2"]);
      const second = await store.claim({ can: CAN, namespace, owner: "b", now: T + 20, leaseMs: 100, limit: 5 });
      expect(second.map((run) => run.runId)).toEqual(["c1"]);
      expect(await store.claim({ can: CAN, namespace, owner: "c", now: T + 20, leaseMs: 100, limit: 5 })).toEqual([]);
      expect(await store.nextWake(namespace, T + 20, [], CAN)).toBeUndefined();
      // the leases of "a" end at T + 120: then its runs may be claimed again
      const taken = await store.claim({ can: CAN, namespace, owner: "c", now: T + 121, leaseMs: 100, limit: 5 });
      expect(taken.map((run) => run.runId).sort()).toEqual(["c1", "c2", "c3"]);
      expect(await store.readRun(runs[0] as RunKey, "a", T + 122)).toBeUndefined();
      const shard = await store.claim({
        can: CAN,
        namespace,
        owner: "d",
        now: T + 500,
        leaseMs: 100,
        limit: 5,
        shards: { count: 2, index: 0 },
      });
      const other = await store.claim({
        can: CAN,
        namespace,
        owner: "e",
        now: T + 500,
        leaseMs: 100,
        limit: 5,
        shards: { count: 2, index: 1 },
      });
      expect([...shard, ...other].map((run) => run.runId).sort()).toEqual(["c1", "c2", "c3"]);
    });

    it("are renewed, reported, released one by one or all at once, by their owner only", async () => {
      const namespace = `leases-${kind}`;
      const runs = [1, 2].map((i) => ({ namespace, workflow: "wf", runId: `l${i}` }));
      for (const run of runs) await store.createRun({ key: run, inputText: "null", now: T });
      await store.claim({ can: CAN, namespace, owner: "a", now: T, leaseMs: 100, limit: 5 });
      expect(await store.renewLeases(runs, "a", T + 1000)).toBe(2);
      expect(await store.renewLeases(runs, "b", T + 1000)).toBe(0);
      expect(await store.claim({ can: CAN, namespace, owner: "b", now: T + 500, leaseMs: 100, limit: 5 })).toEqual([]);
      expect((await store.heldRuns(runs, "a")).map((held) => held.key.runId).sort()).toEqual(["l1", "l2"]);
      await store.release(runs[0] as RunKey, "b", T);
      expect(await store.heldRuns(runs, "a")).toHaveLength(2);
      await store.release(runs[0] as RunKey, "a", T + 700);
      expect(await store.nextWake(namespace, T + 500, [], CAN)).toBe(T + 700);
      expect(await store.releaseAll(namespace, "a", T + 600)).toBe(1);
      expect(await store.heldRuns(runs, "a")).toEqual([]);
    });

    it("count a stall when a takeover finds the mark of a worker that took the run over, never got through and is still present", async () => {
      const namespace = `stalls-${kind}`;
      const run = { namespace, workflow: "wf", runId: "s1" };
      await store.createRun({ key: run, inputText: "null", now: T });
      const claimAt = async (owner: string, now: number) =>
        (await store.claim({ can: CAN, namespace, owner, now, leaseMs: 100, limit: 1 })).map((c) => [
          c.stalls,
          c.takeover,
        ]);
      // Workers that froze are still present; "k" never said it was (it was killed)
      const presences = await Promise.all(["b", "c", "e", "f", "g", "h"].map((owner) => store.holdPresence(owner)));
      expect(await claimAt("a", T)).toEqual([[0, false]]);
      // "a" let its lease run out: "b" takes over, marks the run and freezes in its code
      expect(await claimAt("b", T + 200)).toEqual([[0, true]]);
      await store.markStall(run, "b");
      expect(await claimAt("c", T + 400)).toEqual([[1, true]]);
      await store.markStall(run, "c");
      expect(await claimAt("d", T + 600)).toEqual([[2, true]]);
      // "d" died before it marked the run (an outage, a kill while loading): no stall counted
      expect(await claimAt("e", T + 800)).toEqual([[2, true]]);
      // only the holder may mark; claiming again what it holds changes nothing
      await store.markStall(run, "someone-else");
      expect(await claimAt("e", T + 1000)).toEqual([[2, false]]);
      // "e" got through a step: count and mark start again
      await store.markStall(run, "e");
      await store.clearStalls(run, "someone-else");
      await store.clearStalls(run, "e");
      expect(await claimAt("f", T + 1200)).toEqual([[0, true]]);
      // a renewal shows the holder's event loop runs
      await store.markStall(run, "f");
      expect(await store.renewLeases([run], "f", T + 1250)).toBe(1);
      expect(await claimAt("g", T + 1300)).toEqual([[0, true]]);
      // a given-back run is no takeover
      await store.markStall(run, "g");
      await store.release(run, "g", T + 1350);
      expect(await claimAt("h", T + 1400)).toEqual([[0, false]]);
      // a committed step clears the mark
      await store.markStall(run, "h");
      const [written] = await store.commit([
        step(run, { owner: "h", now: T + 1410, leaseUntil: T + 1500, wakeAt: T + 1450 }),
      ]);
      expect(written).toMatchObject({ ok: true });
      await store.claim({ can: CAN, namespace, owner: "i", now: T + 1460, leaseMs: 10, limit: 1 });
      expect(await claimAt("j", T + 1500)).toEqual([[0, true]]);
      for (const presence of presences) await presence.close();
    });

    it("count no stall when the worker that marked the run is gone: killed, crashed or stopped", async () => {
      const namespace = `stalls-gone-${kind}`;
      const run = { namespace, workflow: "wf", runId: "s2" };
      await store.createRun({ key: run, inputText: "null", now: T });
      const claimAt = async (owner: string, now: number) =>
        (await store.claim({ can: CAN, namespace, owner, now, leaseMs: 100, limit: 1 }))[0]?.stalls;
      const frozen = await store.holdPresence("frozen");
      const stopped = await store.holdPresence("stopped");
      await claimAt("a", T);
      expect(await claimAt("frozen", T + 200)).toBe(0);
      await store.markStall(run, "frozen");
      expect(await claimAt("killed", T + 400)).toBe(1);
      // "killed" marked the run and died: its presence never existed or ended with its process
      await store.markStall(run, "killed");
      expect(await claimAt("stopped", T + 600)).toBe(1);
      await store.markStall(run, "stopped");
      await stopped.close();
      expect(await claimAt("x", T + 800)).toBe(1);
      // and a present worker that freezes again counts again
      await store.markStall(run, "x");
      expect(await claimAt("frozen", T + 1000)).toBe(1);
      await store.markStall(run, "frozen");
      expect(await claimAt("y", T + 1200)).toBe(2);
      await frozen.close();
    });
  });

  describe("telemetry fields", () => {
    const traceContext = '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}';

    it("keep a run's trace context and hand it to every claim, read and child", async () => {
      const namespace = `trace-${kind}`;
      const run = { namespace, workflow: "wf", runId: "t1" };
      const plain = { namespace, workflow: "wf", runId: "t2" };
      await store.createRun({ key: run, inputText: "null", now: T, traceContext });
      await store.createRun({ key: plain, inputText: "null", now: T + 1 });
      expect((await store.readRun(run, "a", T))?.fresh?.traceContext).toBe(traceContext);
      const claimed = await store.claim({ can: CAN, namespace, owner: "a", now: T + 10, leaseMs: 100, limit: 5 });
      expect(claimed.map((c) => [c.runId, c.traceContext, c.dueAt])).toEqual([
        ["t1", traceContext, T],
        ["t2", undefined, T + 1],
      ]);
      const child = { key: { namespace, workflow: "kid", runId: "t1-kid" }, inputText: "null", waits: false };
      await store.commit([step(run, { owner: "a", childStarts: [{ ...child, traceContext }] })]);
      const kid = await store.claim({ can: CAN, namespace, owner: "b", now: T + 20, leaseMs: 100, limit: 5 });
      expect(kid.map((c) => [c.runId, c.traceContext])).toEqual([["t1-kid", traceContext]]);
    });

    it("tell a claim that took over a lease that ran out from one that did not", async () => {
      const namespace = `takeover-${kind}`;
      const run = { namespace, workflow: "wf", runId: "o1" };
      await store.createRun({ key: run, inputText: "null", now: T });
      const claimAt = async (owner: string, now: number) =>
        (await store.claim({ can: CAN, namespace, owner, now, leaseMs: 100, limit: 1 })).map((c) => c.takeover);
      expect(await claimAt("a", T)).toEqual([false]);
      expect(await claimAt("b", T + 200)).toEqual([true]);
      await store.release(run, "b", T + 250);
      expect(await claimAt("c", T + 300)).toEqual([false]);
    });

    it("give each inbox signal the time it was stored", async () => {
      const run = fresh("sig-time");
      await create(run);
      await store.addSignal(run, { signal: "go", externalId: "e1", payloadText: "1" }, T + 7);
      expect((await store.loadSignals(run, ["go"])).map((signal) => signal.createdAt)).toEqual([T + 7]);
    });

    it("report a queue claim held back by the queue's limits, and none that found nothing due", async () => {
      const queue = `q-held-${kind}`;
      await store.configureQueue("conf", queue, { concurrency: 1 }, T);
      let heldBack = 0;
      const claim = (owner: string, now: number) =>
        store.claim({
          can: CAN,
          namespace: "conf",
          owner,
          now,
          leaseMs: 1000,
          limit: 5,
          queue,
          heldBack: () => heldBack++,
        });
      expect(await claim("a", T)).toEqual([]);
      expect(heldBack).toBe(0);
      for (const i of [1, 2]) await store.createRun({ key: key(`${queue}-${i}`), inputText: "null", now: T, queue });
      expect(await claim("a", T + 10)).toHaveLength(1);
      expect(heldBack).toBe(1);
      expect(await claim("b", T + 20)).toEqual([]);
      expect(heldBack).toBe(2);
    });
  });

  describe("commits", () => {
    it("append events at their positions, bump the version and wait for the next deadline", async () => {
      const run = fresh("commit");
      await create(run);
      const events = [newEvent.activityRequest("a", 0, '"x"', T + 10), newEvent.output("o", 0, "1", T + 10)];
      const [result] = await store.commit([step(run, { events })]);
      expect(result).toEqual({ ok: true, version: 1, nextPos: 3, wakeGen: 0, cancelRequested: false });
      const history = await store.loadHistory(run, 0);
      expect(history.map((event) => [event.pos, event.type, event.target])).toEqual([
        [0, "created", ""],
        [1, "activity_request", "a"],
        [2, "output", "o"],
      ]);
      expect(history[1]?.payloadText).toBe('"x"');
      expect(await store.readRun(run, "w1", T + 20)).toMatchObject({ version: 1, nextPos: 3 });
      expect((await store.readRun(run, "w1", T + 20))?.fresh).toBeUndefined();
    });

    it("are fenced: a stale version, another owner's live lease or an ended run refuses only that step", async () => {
      const [a, b, c] = [fresh("fence"), fresh("fence"), fresh("fence")];
      for (const run of [a, b, c]) await create(run);
      await store.commit([step(a)]);
      await store.claim({ can: CAN, namespace: "conf", owner: "other", now: T, leaseMs: 60_000, limit: 1000 });
      const results = await store.commit([
        step(a), // version 0 is stale
        step(b), // leased by "other"
        step(c, { owner: "other" }),
      ]);
      expect(results.map((result) => result.ok)).toEqual([false, false, true]);
      expect(results[0]).toMatchObject({ reason: "another worker committed first" });
      expect(results[1]).toMatchObject({ reason: "another worker holds the lease" });
      const [ended] = await store.commit([
        step(c, { owner: "other", expectedVersion: 1, end: { status: "completed", resultText: "7", errorText: null } }),
      ]);
      expect(ended?.ok).toBe(true);
      expect(await store.getRun(c)).toMatchObject({ status: "completed", result: 7 });
      const [late] = await store.commit([step(c, { owner: "other", expectedVersion: 2 })]);
      expect(late).toMatchObject({ ok: false, reason: "the run is completed" });
    });

    it("take a step over another owner's expired lease, and refuse one before it expires, writing nothing", async () => {
      const [run] = [fresh("expiry")];
      await create(run);
      await store.claim({ can: CAN, namespace: "conf", owner: "other", now: T, leaseMs: 1000, limit: 1000 });
      const events = [newEvent.activityRequest("a", 0, '"x"', T)];
      const [early] = await store.commit([step(run, { events, now: T + 999 })]);
      expect(early).toMatchObject({ ok: false, reason: "another worker holds the lease" });
      expect((await store.loadHistory(run, 0)).map((event) => event.type)).toEqual(["created"]);
      const [late] = await store.commit([step(run, { events, now: T + 1001 })]);
      expect(late).toMatchObject({ ok: true, version: 1 });
      expect((await store.loadHistory(run, 0)).map((event) => event.type)).toEqual(["created", "activity_request"]);
    });

    it("refuse a step whose event was already written, and write the others of the batch", async () => {
      const [a, b] = [fresh("dup"), fresh("dup")];
      await create(a);
      await create(b);
      const request = newEvent.activityRequest("x", 0, "1", T);
      await store.commit([step(a, { events: [request] })]);
      const results = await store.commit([
        step(a, { expectedVersion: 1, firstPos: 2, events: [request] }),
        step(b, { events: [request] }),
      ]);
      expect(results.map((result) => result.ok)).toEqual([false, true]);
    });

    it("keep the run due while held or woken meanwhile, and at its deadline otherwise", async () => {
      const [held, woken, waiting] = [fresh("wake"), fresh("wake"), fresh("wake")];
      for (const run of [held, woken, waiting]) await create(run);
      await store.addSignal(woken, { signal: "s", externalId: "e", payloadText: "1" }, T);
      await store.commit([
        step(held, { hold: true }),
        step(woken, { observedWakeGen: 0 }),
        step(waiting, { wakeAt: T + 5000 }),
      ]);
      const due = await store.claim({
        can: CAN,
        namespace: "conf",
        owner: "w9",
        now: T + 100,
        leaseMs: 1000,
        limit: 1000,
      });
      const dueIds = due.map((run) => run.runId);
      expect(dueIds).toContain(woken.runId);
      expect(dueIds).not.toContain(held.runId); // held: leased by w1 until leaseUntil
      expect(dueIds).not.toContain(waiting.runId);
      expect(await store.heldRuns([held], "w1")).toHaveLength(1);
    });

    it("write, update and delete retry rows, and consume signals once", async () => {
      const run = fresh("tasks");
      await create(run);
      await store.addSignal(run, { signal: "go", externalId: "1", payloadText: '"m"' }, T);
      const [signal] = await store.loadSignals(run, ["go"]);
      const retry = { target: "a", seq: 0, attempt: 1, readyAt: T + 100, lastError: "{}" };
      await store.commit([step(run, { taskWrites: [retry], signalsConsumed: [{ id: signal?.id ?? 0, seq: 0 }] })]);
      expect(await store.loadTasks(run, 0)).toEqual([
        { target: "a", seq: 0, attempt: 1, readyAt: T + 100, heartbeat: null },
      ]);
      expect(await store.loadSignals(run, ["go"])).toEqual([]);
      await store.commit([step(run, { expectedVersion: 1, taskWrites: [{ ...retry, attempt: 2, readyAt: T + 300 }] })]);
      expect(await store.loadTasks(run, 0)).toEqual([
        { target: "a", seq: 0, attempt: 2, readyAt: T + 300, heartbeat: null },
      ]);
      await store.commit([step(run, { expectedVersion: 2, taskDeletes: [{ target: "a", seq: 0 }] })]);
      expect(await store.loadTasks(run, 0)).toEqual([]);
    });

    it("start the next iteration on restart, with the new input and a fresh history", async () => {
      const run = fresh("restart");
      await create(run, { n: 0 });
      const [result] = await store.commit([
        step(run, { events: [newEvent.restarted('{"n":1}', T + 10)], restart: { inputText: '{"n":1}' } }),
      ]);
      expect(result).toMatchObject({ ok: true, nextPos: 1 });
      expect(await store.getRun(run)).toMatchObject({ iteration: 1, input: { n: 1 }, status: "running" });
      expect((await store.loadHistory(run, 1)).map((event) => [event.pos, event.type])).toEqual([[0, "created"]]);
      expect((await store.getHistory(run))?.map((event) => event.type)).toEqual(["created"]);
      const all = (await store.getHistory(run, { iteration: "all" })) ?? [];
      expect(all.map((event) => `${event.iteration}:${event.type}`)).toEqual(["0:created", "0:restarted", "1:created"]);
    });

    it("park a leased run as stuck for its lease owner only", async () => {
      const run = fresh("park");
      await create(run);
      await store.claim({ can: CAN, namespace: "conf", owner: "p1", now: T, leaseMs: 60_000, limit: 1000 });
      expect(await store.park(run, "p2", '{"name":"X","message":"no"}', T)).toBe(false);
      expect(await store.park(run, "p1", '{"name":"X","message":"no"}', T)).toBe(true);
      expect(await store.getRun(run)).toMatchObject({ status: "stuck", error: { name: "X", message: "no" } });
      expect(await store.readRun(run, "p1", T)).toBeUndefined();
    });

    it("park a run nobody leases for whoever found the fault, unless it moved past the version seen", async () => {
      const run = fresh("park-free");
      await create(run);
      expect(await store.park(run, "p1", '{"name":"X","message":"no"}', T, 5)).toBe(false);
      expect(await store.park(run, "p1", '{"name":"X","message":"no"}', T, 0)).toBe(true);
      expect(await store.getRun(run)).toMatchObject({ status: "stuck" });
    });
  });

  describe("queues", () => {
    const inQueue = (queue: string, runId: string, extra: Record<string, unknown> = {}) =>
      store.createRun({ key: key(runId), inputText: "null", now: T, queue, ...extra });
    const claimFrom = (queue: string, owner: string, now = T + 10, limit = 10) =>
      store.claim({ can: CAN, namespace: "conf", owner, now, leaseMs: 1000, limit, queue });

    it("keep their runs out of the default queue, and store priority, key and start time", async () => {
      await inQueue(`q-kept-${kind}`, `kept-${kind}`, { priority: 3, concurrencyKey: "tenant-1", startAt: T + 5000 });
      expect(await store.getRun(key(`kept-${kind}`))).toMatchObject({
        queue: `q-kept-${kind}`,
        priority: 3,
        concurrencyKey: "tenant-1",
      });
      const fromDefault = await store.claim({
        can: CAN,
        namespace: "conf",
        owner: "d",
        now: T + 9000,
        leaseMs: 1000,
        limit: 1000,
      });
      expect(fromDefault.map((run) => run.runId)).not.toContain(`kept-${kind}`);
      expect(await claimFrom(`q-kept-${kind}`, "d", T + 4000)).toEqual([]);
      expect(await store.nextWake("conf", T + 4000, [`q-kept-${kind}`], CAN)).toBe(T + 5000);
      expect((await claimFrom(`q-kept-${kind}`, "d", T + 5000)).map((run) => run.runId)).toEqual([`kept-${kind}`]);
    });

    it("claim within concurrency and per-key limits, round robin across keys", async () => {
      const queue = `q-fair-${kind}`;
      await store.configureQueue("conf", queue, { concurrency: 3, keyConcurrency: 1 }, T);
      for (const [i, tenant] of ["a", "a", "a", "a", "b", "c"].entries()) {
        await inQueue(queue, `${queue}-${i}`, { concurrencyKey: tenant });
      }
      const first = await claimFrom(queue, "w1");
      expect(first.map((run) => run.runId)).toEqual([`${queue}-0`, `${queue}-4`, `${queue}-5`]);
      expect(await claimFrom(queue, "w2")).toEqual([]);
      // The lease of w1's runs ends at T + 1010: their slots are free again.
      const later = await claimFrom(queue, "w2", T + 2000);
      expect(later).toHaveLength(3);
    });

    it("start at most rateLimit runs in any sliding window", async () => {
      const queue = `q-rate-${kind}`;
      await store.configureQueue("conf", queue, { rateLimit: { limit: 2, periodMs: 1000 } }, T);
      for (let i = 0; i < 5; i++) await inQueue(queue, `${queue}-${i}`);
      expect(await claimFrom(queue, "r", T + 10)).toHaveLength(2);
      expect(await claimFrom(queue, "r", T + 2000 - 991)).toHaveLength(0);
      expect(await claimFrom(queue, "r", T + 1011)).toHaveLength(2);
      expect(await claimFrom(queue, "r", T + 1500)).toHaveLength(0);
    });
  });

  describe("steps that reach other runs", () => {
    it("start children once, linked to the parent, and tell a waiting parent how each ended", async () => {
      const parent = fresh("parent");
      await create(parent);
      const child = { key: key(`${parent.runId}-child`, "kid"), inputText: "7", waits: true };
      const [started] = await store.commit([step(parent, { childStarts: [child] })]);
      expect(started).toMatchObject({ ok: true, createdChildren: [child.key] });
      expect(await store.getRun(child.key)).toMatchObject({
        input: 7,
        parent: { workflow: "wf", runId: parent.runId },
      });
      const [again] = await store.commit([step(parent, { expectedVersion: 1, childStarts: [child] })]);
      expect(again).toMatchObject({ ok: true });
      expect(again?.ok && again.createdChildren).toBeFalsy();

      const end = { status: "completed" as const, resultText: "49", errorText: null };
      const [ended] = await store.commit([step(child.key, { end })]);
      expect(ended).toMatchObject({ ok: true, woken: [parent] });
      const inbox = await store.loadSignals(parent, ["/child"]);
      expect(inbox).toEqual([
        {
          id: expect.any(Number),
          signal: "/child",
          externalId: `kid/${child.key.runId}`,
          payloadText: '{"status":"completed","result":49}',
          createdAt: T + 10,
        },
      ]);
      expect((await store.readRun(parent, "w1", T + 20))?.wakeGen).toBe(1);
    });

    it("answer a parent at once for a child that ended before it was started as one", async () => {
      const parent = fresh("late-parent");
      const child = fresh("ended-child");
      await create(parent);
      await create(child);
      await store.commit([
        step(child, { end: { status: "failed", resultText: null, errorText: '{"name":"E","message":"no"}' } }),
      ]);
      await store.commit([step(parent, { childStarts: [{ key: child, inputText: "null", waits: true }] })]);
      const [ending] = await store.loadSignals(parent, ["/child"]);
      expect(JSON.parse(ending?.payloadText ?? "null")).toEqual({
        status: "failed",
        error: { name: "E", message: "no" },
      });
    });

    it("send signals once per external id, and ask waited-for children to cancel", async () => {
      const sender = fresh("sender");
      const target = fresh("target");
      await create(sender);
      await create(target);
      const signal = { key: target, signal: { signal: "ping", externalId: "s-1", payloadText: '"hi"' } };
      const [sent] = await store.commit([step(sender, { signalsSent: [signal], cancelChildren: [target] })]);
      expect(sent).toMatchObject({ ok: true, woken: [target, target] });
      await store.commit([step(sender, { expectedVersion: 1, signalsSent: [signal] })]);
      expect(await store.loadSignals(target, ["ping"])).toHaveLength(1);
      expect((await store.getRun(target))?.cancelRequested).toBe(true);
    });

    it("keep an attempt's heartbeat for the next attempt, and let a retry replace the row", async () => {
      const run = fresh("beat");
      await create(run);
      await store.recordHeartbeat(run, 0, { target: "imp", seq: 0, attempt: 1 }, '{"row":5}', T);
      expect(await store.loadTasks(run, 0)).toEqual([
        { target: "imp", seq: 0, attempt: 1, readyAt: 0, heartbeat: '{"row":5}' },
      ]);
      const retry = { target: "imp", seq: 0, attempt: 1, readyAt: T + 50, lastError: "{}" };
      await store.commit([step(run, { taskWrites: [retry] })]);
      expect(await store.loadTasks(run, 0)).toEqual([
        { target: "imp", seq: 0, attempt: 1, readyAt: T + 50, heartbeat: '{"row":5}' },
      ]);
    });
  });

  describe("reads for the client", () => {
    it("page runs by (created, workflow, run id) with filters and an opaque cursor", async () => {
      const namespace = `pages-${kind}`;
      for (let i = 0; i < 7; i++) {
        await store.createRun({
          key: { namespace, workflow: i % 2 ? "odd" : "even", runId: `p${i}` },
          inputText: "null",
          now: T + (i % 3),
        });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ namespace, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.runs.map((run) => `${run.createdAt.getTime() - T}${run.workflow}${run.runId}`));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(["0evenp0", "0evenp6", "0oddp3", "1evenp4", "1oddp1", "2evenp2", "2oddp5"]);
      const odd = await store.listRuns({ namespace, workflow: "odd" });
      expect(odd.runs.map((run) => run.runId)).toEqual(["p3", "p1", "p5"]);
      expect((await store.listRuns({ namespace, status: "completed" })).runs).toEqual([]);
      await expect(store.listRuns({ namespace, cursor: "nonsense" })).rejects.toThrow(/invalid cursor/);
      await expect(store.listRuns({ namespace, limit: 0 })).rejects.toThrow(/invalid limit/);
    });

    it("filter runs by creation time and run id prefix, and page newest first with a cursor of that order", async () => {
      const namespace = `filters-${kind}`;
      const ids = ["order-1", "order-2", "order_3", "refund-1", "order-10"];
      for (const [i, runId] of ids.entries()) {
        await store.createRun({ key: { namespace, workflow: "wf", runId }, inputText: "null", now: T + i * 10 });
      }
      const list = async (filter: Omit<ListRunsFilter, "namespace">) =>
        (await store.listRuns({ namespace, ...filter })).runs.map((run) => run.runId);
      expect(await list({ runIdPrefix: "order-" })).toEqual(["order-1", "order-2", "order-10"]);
      expect(await list({ runIdPrefix: "order_" })).toEqual(["order_3"]);
      expect(await list({ createdAfter: new Date(T + 10), createdBefore: new Date(T + 40) })).toEqual([
        "order_3",
        "refund-1",
      ]);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ namespace, order: "desc", limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.runs.map((run) => run.runId));
        cursor = page.nextCursor;
        if (cursor) {
          await expect(store.listRuns({ namespace, cursor })).rejects.toThrow(/order "desc"/);
        }
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
    });

    it("list the namespaces that have runs", async () => {
      await store.createRun({
        key: { namespace: `zz-ns-${kind}`, workflow: "wf", runId: "r" },
        inputText: "1",
        now: T,
      });
      const namespaces = await store.listNamespaces();
      expect(namespaces).toContain(`zz-ns-${kind}`);
      expect(namespaces).toContain("conf");
      expect([...namespaces].sort()).toEqual(namespaces);
    });

    it("count runs by status per workflow, and running ones by lease and wake state", async () => {
      const namespace = `counts-${kind}`;
      const run = (workflow: string, runId: string) => ({ namespace, workflow, runId });
      for (const key of [run("a", "1"), run("a", "2"), run("b", "3")]) {
        await store.createRun({ key, inputText: "null", now: T });
      }
      await store.claim({
        can: { workflows: ["a", "b"], activities: [] },
        namespace,
        owner: "w1",
        now: T,
        leaseMs: 1000,
        limit: 1,
      });
      await store.commit([
        step(run("b", "3"), { end: { status: "completed", resultText: "1", errorText: null }, now: T }),
      ]);
      const counts = await store.countRuns({ namespace }, T + 1);
      expect(counts).toMatchObject({
        statuses: { running: 2, completed: 1 },
        workflows: { a: { running: 2 }, b: { completed: 1 } },
      });
      expect(counts.active + counts.queued + counts.waiting).toBe(2);
      expect((await store.countRuns({ namespace, workflow: "b" }, T + 1)).workflows).toEqual({ b: { completed: 1 } });
    });

    it("inspect a run: its lease, wake time, retry rows of the current iteration and unconsumed signals", async () => {
      const run = fresh("inspect");
      await create(run);
      await store.addSignal(run, { signal: "go", externalId: "e1", payloadText: '{"n":1}' }, T + 1);
      await store.addSignal(run, { signal: "/child", externalId: "wf/c", payloadText: "{}" }, T + 2);
      await store.claim({ can: CAN, namespace: "conf", owner: "w1", now: T + 3, leaseMs: 60_000, limit: 1000 });
      const retry = {
        target: "charge",
        seq: 0,
        attempt: 2,
        readyAt: T + 500,
        lastError: '{"name":"TypeError","message":"x"}',
      };
      const events = [newEvent.activityRequest("charge", 0, "1", T + 4)];
      await store.commit([
        step(run, { events, taskWrites: [retry], hold: true, leaseUntil: T + 9000, wakeAt: T + 500 }),
      ]);
      const inspection = await store.inspectRun(run);
      expect(inspection).toMatchObject({
        run: { runId: run.runId, status: "running" },
        leaseOwner: "w1",
        leaseUntil: T + 9000,
        tasks: [{ target: "charge", seq: 0, attempt: 2, readyAt: T + 500, lastError: retry.lastError }],
      });
      expect(
        inspection?.inbox.map((entry) => [entry.signal, entry.externalId, entry.payloadText, entry.receivedAt]),
      ).toEqual([
        ["go", "e1", '{"n":1}', T + 1],
        ["/child", "wf/c", "{}", T + 2],
      ]);
      expect(await store.inspectRun(key("nobody"))).toBeUndefined();
    });

    it("purge ended runs before a time with their events, signals and retry rows, in rounds of `limit`", async () => {
      const namespace = `purge-${kind}`;
      const run = (runId: string) => ({ namespace, workflow: "wf", runId });
      const end = async (runId: string, status: "completed" | "failed", at: number) => {
        await store.createRun({ key: run(runId), inputText: "null", now: T });
        await store.addSignal(run(runId), { signal: "s", externalId: "e", payloadText: "1" }, T);
        const retry = { target: "a", seq: 0, attempt: 1, readyAt: at, lastError: "{}" };
        await store.commit([
          step(run(runId), { now: at, taskWrites: [retry], events: [newEvent.output("o", 0, "1", at)] }),
        ]);
        await store.commit([
          step(run(runId), {
            expectedVersion: 1,
            firstPos: 2,
            now: at,
            end: { status, resultText: null, errorText: null },
          }),
        ]);
      };
      for (const i of [1, 2, 3]) await end(`old-${i}`, "completed", T + 100);
      await end("old-failed", "failed", T + 100);
      await end("recent", "completed", T + 5000);
      await store.createRun({ key: run("running"), inputText: "null", now: T });
      const request = { namespace, endedBefore: T + 1000, statuses: ["completed" as const], limit: 2 };
      expect(await store.purgeRuns(request)).toBe(2);
      expect(await store.purgeRuns(request)).toBe(1);
      expect(await store.purgeRuns(request)).toBe(0);
      expect(await store.getRun(run("old-1"))).toBeUndefined();
      expect(await store.getHistory(run("old-2"))).toBeUndefined();
      expect(await store.inspectRun(run("old-3"))).toBeUndefined();
      const left = (await store.listRuns({ namespace })).runs.map((info) => info.runId).sort();
      expect(left).toEqual(["old-failed", "recent", "running"]);
      const events = await store.readEvents(0, { namespace });
      expect(new Set(events.events.map((event) => event.runId))).toEqual(new Set(left));
      // The signal of a purged run is gone with it: the same external id is new again.
      expect(await store.addSignal(run("old-1"), { signal: "s", externalId: "e", payloadText: "2" }, T)).toBe(true);
      expect(await store.purgeRuns({ ...request, statuses: ["failed"], limit: 10 })).toBe(1);
      expect(await store.getRun(run("old-failed"))).toBeUndefined();
    });

    it("tell the id of the newest event, after which a stream sees only what comes next", async () => {
      const run = fresh("tail");
      await create(run);
      const end = await store.lastEventId();
      expect((await store.readEvents(end - 1, { namespace: "conf", runId: run.runId })).events).toHaveLength(1);
      await store.commit([step(run, { events: [newEvent.output("o", 0, '"next"', T)] })]);
      expect((await store.readEvents(end, { namespace: "conf" })).events.map((event) => event.payload)).toEqual([
        "next",
      ]);
    });

    it("stream events after a cursor in id order, filtered, and store named cursors", async () => {
      const namespace = `stream-${kind}`;
      const run = { namespace, workflow: "wf", runId: "s1" };
      await store.createRun({ key: run, inputText: '"in"', now: T });
      await store.commit([
        step(run, { events: [newEvent.output("o", 0, '"a"', T), newEvent.output("o", 1, '"b"', T)] }),
      ]);
      const all = await store.readEvents(0, { namespace });
      expect(all.events.map((event) => event.type)).toEqual(["created", "output", "output"]);
      expect(all.blocked).toBe(false);
      const last = all.events.at(-1)?.id ?? 0;
      expect(all.cursor).toBeGreaterThanOrEqual(last);
      const outputs = await store.readEvents(0, { namespace, types: ["output"] });
      expect(outputs.events.map((event) => event.payload)).toEqual(["a", "b"]);
      const after = await store.readEvents(all.events[1]?.id ?? 0, { namespace, runId: "s1" });
      expect(after.events.map((event) => event.seq)).toEqual([1]);
      expect((await store.readEvents(0, { namespace, types: [] })).events).toEqual([]);
      expect(await store.loadCursor(namespace, "c")).toBeUndefined();
      await store.saveCursor(namespace, "c", 5, T);
      await store.saveCursor(namespace, "c", 9, T);
      expect(await store.loadCursor(namespace, "c")).toBe(9);
    });
  });
}
