import { expect, it } from "vitest";
import { type MySqlStore, newEvent, type RunKey, type StepWrite } from "../../src/index.js";
import { Errno, errnoOf } from "../../src/store/mysql/db-errors.js";
import { FENCE_COLUMNS, fencedRun, guardedByRowCount, updatedGuardStatement } from "../../src/store/mysql/fence.js";
import type { Row } from "../../src/store/mysql/rows.js";
import type { Statement } from "../../src/store/mysql/statements.js";
import {
  insertEventsStatement,
  STEP_RESULT_COLUMNS,
  updateRunsStatement,
} from "../../src/store/mysql/step-statements.js";
import { fenceRefusal } from "../../src/store/rules/fence.js";
import { refusedIfPaused } from "../../src/store/rules/pause.js";
import type { ScratchDatabase } from "../../src/testing/index.js";
import { CAN, conformance, fresh, onMariaDb, step, T } from "./harness.js";

conformance("commits", ({ store, create }) => {
  it("append events at their positions, bump the version and wait for the next deadline", async () => {
    const run = fresh("commit");
    await create(run);
    const events = [newEvent.activityRequest("a", 0, '"x"', T + 10), newEvent.output("o", 0, "1", T + 10)];
    const [result] = await store.commit([step(run, { events })]);
    expect(result).toEqual({
      ok: true,
      version: 1,
      nextPos: 3,
      wakeGen: 0,
      requestGen: 0,
      cancelRequested: false,
      paused: false,
    });
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

  it("write a step whose run heard of something since its worker saw it, and say what moved", async () => {
    const [signalled, asked, paused, unseen] = [fresh("moved"), fresh("moved"), fresh("moved"), fresh("moved")];
    for (const run of [signalled, asked, paused, unseen]) await create(run);
    await store.addSignal(signalled, { signal: "s", externalId: "e", payloadText: "1" }, T + 1);
    await store.addRequest(asked, { requestId: "q1", kind: "query", name: "total", inputText: "null" }, T + 1);
    await store.setPaused(paused, true, T + 1);
    const events = [newEvent.output("o", 0, "1", T + 10)];
    // Each step's worker saw its run fresh (the harness's seen), as a lean step is fenced on.
    const results = await store.commit([
      step(signalled, { events }),
      step(asked, { events }),
      step(paused, { events }),
      // A worker that says nothing of what it saw: the store reads it.
      step(unseen, { events, seen: undefined }),
    ]);
    const moved = { ok: true, version: 1, nextPos: 2, cancelRequested: false };
    expect(results).toEqual([
      { ...moved, wakeGen: 1, requestGen: 0, paused: false },
      { ...moved, wakeGen: 1, requestGen: 1, paused: false },
      { ...moved, wakeGen: 0, requestGen: 0, paused: true },
      { ...moved, wakeGen: 0, requestGen: 0, paused: false },
    ]);
    for (const run of [signalled, asked, paused, unseen]) {
      expect((await store.loadHistory(run, 0)).map((event) => event.type)).toEqual(["created", "output"]);
    }
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
    expect(await store.heldRuns([held])).toHaveLength(1);
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

  it("refuse, writing nothing, a step that consumes a signal consumed already", async () => {
    const run = fresh("twice");
    await create(run);
    await store.addSignal(run, { signal: "go", externalId: "1", payloadText: '"m"' }, T);
    const [signal] = await store.loadSignals(run, ["go"]);
    const consumed = [{ id: signal?.id ?? 0, seq: 0 }];
    await store.commit([step(run, { signalsConsumed: consumed })]);
    // Only a bug can make this step (the fence passes, the signal is gone): it must not land.
    const again = step(run, {
      expectedVersion: 1,
      events: [newEvent.output("o", 0, '"x"', T)],
      signalsConsumed: consumed,
    });
    await expect(store.commit([again])).rejects.toMatchObject({ code: "SIGNAL_CONSUMED_TWICE" });
    expect(await store.readRun(run, "w1", T + 20)).toMatchObject({ version: 1 });
    expect((await store.loadHistory(run, 0)).map((event) => event.type)).toEqual(["created"]);
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

/*
 * The fence is written twice: fenceRefusal (rules/fence.ts) and its SQL twin fencePassesTerms
 * (store/mysql/fence.ts), the WHERE of the lean step's run update, whose guard
 * (updatedGuardStatement) a batch that folds its COMMIT into one round trip relies on.
 * This case fails when they disagree on any run state a step can meet.
 */
onMariaDb("the fence's SQL guard and fenceRefusal", (env) => {
  const { store } = env;
  const NOW = T + 10;
  /** Run states (the columns the fence reads) and whether a step of "w1" at version 3 passes. */
  const states = [
    { name: "free", version: 3, leaseOwner: null, leaseUntil: null, status: "running", passes: true },
    { name: "own live lease", version: 3, leaseOwner: "w1", leaseUntil: NOW + 1000, status: "running", passes: true },
    {
      name: "another's live lease",
      version: 3,
      leaseOwner: "w2",
      leaseUntil: NOW + 1000,
      status: "running",
      passes: false,
    },
    {
      name: "another's lease ending now",
      version: 3,
      leaseOwner: "w2",
      leaseUntil: NOW,
      status: "running",
      passes: false,
    },
    {
      name: "another's expired lease",
      version: 3,
      leaseOwner: "w2",
      leaseUntil: NOW - 1,
      status: "running",
      passes: true,
    },
    {
      name: "an owner without an end",
      version: 3,
      leaseOwner: "w2",
      leaseUntil: null,
      status: "running",
      passes: true,
    },
    { name: "stale version", version: 4, leaseOwner: null, leaseUntil: null, status: "running", passes: false },
    { name: "older version", version: 2, leaseOwner: "w1", leaseUntil: NOW + 1000, status: "running", passes: false },
    { name: "completed", version: 3, leaseOwner: null, leaseUntil: null, status: "completed", passes: false },
    { name: "stuck", version: 3, leaseOwner: "w1", leaseUntil: NOW + 1000, status: "stuck", passes: false },
    { name: "paused", version: 3, leaseOwner: null, leaseUntil: null, status: "running", paused: true, passes: true },
  ] as const;
  /** What the worker saw: the run as runIn left it (a paused one paused). */
  const seenOf = (run: RunKey) => ({ requestGen: 0, cancelRequested: false, paused: pausedRuns.has(run.runId) });
  const pausedRuns = new Set<string>();
  const steps = {
    plain: (run: RunKey) => step(run, { expectedVersion: 3, now: NOW, seen: seenOf(run) }),
    ending: (run: RunKey) =>
      step(run, {
        expectedVersion: 3,
        now: NOW,
        seen: seenOf(run),
        end: { status: "completed", resultText: "1", errorText: null },
      }),
    unread: (run: RunKey) => step(run, { expectedVersion: 3, now: NOW, seen: seenOf(run), refusePaused: true }),
    tookArrivals: (run: RunKey) =>
      step(run, {
        expectedVersion: 3,
        now: NOW,
        seen: seenOf(run),
        refusePaused: refusedIfPaused({ unread: false, tookArrivals: true }),
      }),
  };
  const prefix = () => (store as MySqlStore).prefix;
  const pool = () => (env.db as ScratchDatabase).pool;

  /**
   * The guard's verdict: true when the fenced run update and its guard let every step of the
   * batch through, both ways the lean step sends them: the guard statement that reads the runs
   * back, and (fenced also on what the worker saw, StepWrite.seen) the guarded event INSERT.
   * Rolled back either way, so the runs keep their state for the next batch.
   */
  async function guardPasses(batch: readonly StepWrite[]): Promise<boolean> {
    const read = await guardPassesWith(batch, "fence");
    const seen = await guardPassesWith(batch, "fence and seen");
    expect(seen, "the guarded INSERT agrees with the guard statement").toBe(read);
    return read;
  }

  async function guardPassesWith(batch: readonly StepWrite[], fenced: "fence" | "fence and seen"): Promise<boolean> {
    const update = updateRunsStatement(prefix(), batch, fenced);
    const withEvents = batch.map((s) => ({ ...s, events: [newEvent.output("o", 0, "1", NOW)] }));
    const insert = insertEventsStatement(prefix(), withEvents).statement as Statement;
    const guard =
      fenced === "fence"
        ? updatedGuardStatement(prefix(), batch, STEP_RESULT_COLUMNS)
        : guardedByRowCount(insert, batch.length);
    const conn = await pool().getConnection();
    try {
      await conn.query("BEGIN");
      await conn.query(update.sql, update.args);
      await conn.query(guard.sql, guard.args);
      return true;
    } catch (error) {
      if (errnoOf(error) === Errno.SubqueryRows) return false;
      throw error;
    } finally {
      await conn.query("ROLLBACK");
      conn.release();
    }
  }

  async function ruleRefusal(run: RunKey, written: StepWrite): Promise<string | undefined> {
    const [rows] = await pool().query<Row[]>(
      `SELECT ${FENCE_COLUMNS} FROM ${prefix()}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [run.namespace, run.workflow, run.runId],
    );
    return fenceRefusal(written, rows[0] && fencedRun(rows[0]));
  }

  const pausedIn = (state: (typeof states)[number]): boolean => "paused" in state && state.paused;

  async function runIn(state: (typeof states)[number]): Promise<RunKey> {
    const run = fresh("fenced");
    if (pausedIn(state)) pausedRuns.add(run.runId);
    await store.createRun({ key: run, inputText: "null", now: T });
    await pool().query(
      `UPDATE ${prefix()}runs SET version = ?, lease_owner = ?, lease_until = ?, status = ?, paused = ?
        WHERE namespace = ? AND workflow = ? AND run_id = ?`,
      [
        state.version,
        state.leaseOwner,
        state.leaseUntil,
        state.status,
        pausedIn(state) ? 1 : 0,
        run.namespace,
        run.workflow,
        run.runId,
      ],
    );
    return run;
  }

  it("agree on every run state a step can meet, for plain and ending steps", async () => {
    const disagreements: string[] = [];
    for (const state of states) {
      const run = await runIn(state);
      for (const [kind, make] of Object.entries(steps)) {
        const written = make(run);
        const rule = (await ruleRefusal(run, written)) === undefined;
        const sql = await guardPasses([written]);
        if (rule !== sql) disagreements.push(`${state.name}, ${kind} step: the rule says ${rule}, the SQL ${sql}`);
        // A paused run refuses only a step taken up without a read, or one that took arrivals.
        const refusesPaused = kind === "unread" || kind === "tookArrivals";
        expect(rule, `${state.name}, ${kind} step`).toBe(state.passes && !(refusesPaused && pausedIn(state)));
      }
    }
    expect(disagreements).toEqual([]);
  });

  it("agree on a batch: it passes only when every step of it does", async () => {
    const passing = await Promise.all(states.filter((state) => state.passes).map(runIn));
    const refused = await runIn(states[2]);
    expect(await guardPasses(passing.map(steps.plain))).toBe(true);
    expect(await guardPasses([...passing, refused].map(steps.plain))).toBe(false);
  });

  it("agree that a run whose row is gone refuses the step", async () => {
    const gone = fresh("gone");
    expect(await ruleRefusal(gone, steps.plain(gone))).toBe("the run row is gone");
    expect(await guardPasses([steps.plain(gone)])).toBe(false);
  });
});
