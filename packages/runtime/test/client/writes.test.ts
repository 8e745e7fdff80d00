import { createPool, type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunNotFoundError } from "../../src/errors.js";
import { createClient } from "../../src/index.js";
import { shardOf } from "../../src/shard.js";
import { countRows, type Fixture, setUpFixture } from "./helpers.js";

describe("runWorkflow, signalRun and cancelRun", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture();
    await f.pool.query("CREATE TABLE app_orders (id VARCHAR(64) PRIMARY KEY)");
  });
  afterAll(() => f.close());

  it("starts a run exactly once when 20 callers start it at the same time", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => f.client.runWorkflow("ns", "wf", "run-1", { caller: i })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const [runs] = await f.pool.query<RowDataPacket[]>(
      "SELECT status, shard, version, next_pos, wake_at, wake_gen, iteration FROM replay_runs WHERE run_id = 'run-1'",
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "running", shard: shardOf("run-1"), next_pos: 1, iteration: 0 });
    const [events] = await f.pool.query<RowDataPacket[]>(
      "SELECT pos, type, target, seq, payload FROM replay_events WHERE run_id = 'run-1'",
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ pos: 0, type: "created", seq: 0 });
    expect(await f.client.runWorkflow("ns", "wf", "run-1", {})).toBe(false);
  });

  it("stores a signal exactly once when 20 callers send it at the same time, and wakes the run", async () => {
    await f.client.runWorkflow("ns", "wf", "sig-run", null);
    // As a run that ran a step and waits for a signal without a timeout.
    await f.pool.query("UPDATE replay_runs SET wake_at = NULL, version = 1 WHERE run_id = 'sig-run'");
    const results = await Promise.all(
      Array.from({ length: 20 }, () => f.client.signalRun("ns", "wf", "sig-run", "go", { n: 1 }, "ext-1")),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const [runs] = await f.pool.query<RowDataPacket[]>(
      "SELECT wake_at, wake_gen FROM replay_runs WHERE run_id = 'sig-run'",
    );
    expect(Number(runs[0]?.wake_gen)).toBe(1);
    expect(runs[0]?.wake_at).not.toBeNull();
    expect(await f.client.signalRun("ns", "wf", "sig-run", "go", { n: 2 }, "ext-2")).toBe(true);
  });

  it("keeps a signal for a run that does not exist yet", async () => {
    expect(await f.client.signalRun("ns", "later", "not-yet", "go", "hello", "e1")).toBe(true);
    const [rows] = await f.pool.query<RowDataPacket[]>(
      "SELECT payload FROM replay_signals WHERE run_id = 'not-yet' AND workflow = 'later'",
    );
    expect(rows.map((row) => String(row.payload))).toEqual(['"hello"']);
  });

  it("commits a start and a signal together with the caller's own insert", async () => {
    const conn = await f.pool.getConnection();
    try {
      await conn.query("BEGIN");
      await conn.query("INSERT INTO app_orders (id) VALUES ('o-commit')");
      expect(await f.client.runWorkflow("ns", "wf", "tx-commit", { order: 1 }, { tx: conn })).toBe(true);
      expect(await f.client.signalRun("ns", "wf", "tx-commit", "go", 1, "x", { tx: conn })).toBe(true);
      // Not visible to others before the caller commits.
      expect(await f.client.getRun("ns", "wf", "tx-commit")).toBeUndefined();
      await conn.query("COMMIT");
    } finally {
      conn.release();
    }
    expect((await f.client.getRun("ns", "wf", "tx-commit"))?.input).toEqual({ order: 1 });
    expect(await countRows(f.pool, "app_orders WHERE id = 'o-commit'")).toBe(1);
    expect(await countRows(f.pool, "replay_signals WHERE run_id = 'tx-commit'")).toBe(1);
    expect(await countRows(f.pool, "replay_events WHERE run_id = 'tx-commit'")).toBe(1);
  });

  it("rolls back a start and a signal together with the caller's own insert", async () => {
    const conn = await f.pool.getConnection();
    try {
      await conn.query("BEGIN");
      await conn.query("INSERT INTO app_orders (id) VALUES ('o-rollback')");
      expect(await f.client.runWorkflow("ns", "wf", "tx-rollback", { order: 2 }, { tx: conn })).toBe(true);
      expect(await f.client.signalRun("ns", "wf", "tx-rollback", "go", 1, "x", { tx: conn })).toBe(true);
      await conn.query("ROLLBACK");
    } finally {
      conn.release();
    }
    expect(await f.client.getRun("ns", "wf", "tx-rollback")).toBeUndefined();
    expect(await countRows(f.pool, "app_orders WHERE id = 'o-rollback'")).toBe(0);
    expect(await countRows(f.pool, "replay_signals WHERE run_id = 'tx-rollback'")).toBe(0);
    expect(await countRows(f.pool, "replay_events WHERE run_id = 'tx-rollback'")).toBe(0);
  });

  it("joins the caller's transaction on a pool of one connection without waiting for another", async () => {
    const single = createPool({ uri: f.db.url, connectionLimit: 1 });
    const fresh = createClient({ pool: single });
    const conn = await single.getConnection();
    try {
      await conn.query("BEGIN");
      expect(await fresh.runWorkflow("ns", "wf", "single-pool", null, { tx: conn })).toBe(true);
      expect(await fresh.signalRun("ns", "wf", "single-pool", "go", 1, "e", { tx: conn })).toBe(true);
      await conn.query("COMMIT");
    } finally {
      conn.release();
      await fresh.close();
      await single.end();
    }
    expect((await f.client.getRun("ns", "wf", "single-pool"))?.status).toBe("running");
  });

  it("keeps the caller's transaction usable after a duplicate start inside it", async () => {
    await f.client.runWorkflow("ns", "wf", "dup-in-tx", null);
    const conn = await f.pool.getConnection();
    try {
      await conn.query("BEGIN");
      await conn.query("INSERT INTO app_orders (id) VALUES ('o-dup')");
      expect(await f.client.runWorkflow("ns", "wf", "dup-in-tx", null, { tx: conn })).toBe(false);
      expect(await f.client.signalRun("ns", "wf", "dup-in-tx", "go", 1, "d", { tx: conn })).toBe(true);
      expect(await f.client.signalRun("ns", "wf", "dup-in-tx", "go", 1, "d", { tx: conn })).toBe(false);
      await conn.query("COMMIT");
    } finally {
      conn.release();
    }
    expect(await countRows(f.pool, "app_orders WHERE id = 'o-dup'")).toBe(1);
    expect(await countRows(f.pool, "replay_signals WHERE run_id = 'dup-in-tx'")).toBe(1);
  });

  it("records a cancel request once, as an event of the current iteration", async () => {
    await f.client.runWorkflow("ns", "wf", "to-cancel", null);
    expect(await f.client.cancelRun("ns", "wf", "to-cancel")).toBe(true);
    expect(await f.client.cancelRun("ns", "wf", "to-cancel")).toBe(false);
    const [events] = await f.pool.query<RowDataPacket[]>(
      "SELECT iteration, pos, type, payload FROM replay_events WHERE run_id = 'to-cancel' AND type = 'cancel_requested'",
    );
    expect(events).toEqual([{ iteration: 0, pos: null, type: "cancel_requested", payload: null }]);
    const run = await f.client.getRun("ns", "wf", "to-cancel");
    expect(run?.cancelRequested).toBe(true);
  });

  it("does not cancel a run that already ended, and names a run that does not exist", async () => {
    await f.client.runWorkflow("ns", "wf", "ended", null);
    await f.pool.query("UPDATE replay_runs SET status = 'completed' WHERE run_id = 'ended'");
    expect(await f.client.cancelRun("ns", "wf", "ended")).toBe(false);
    await expect(f.client.cancelRun("ns", "wf", "nobody")).rejects.toBeInstanceOf(RunNotFoundError);
  });

  it("wakes local listeners of the namespace after a start, a signal and a cancel", async () => {
    const woken: string[] = [];
    const off = f.client.local.onWake("wake-ns", () => woken.push("wake"));
    await f.client.runWorkflow("wake-ns", "wf", "r", null);
    await f.client.signalRun("wake-ns", "wf", "r", "s", null, "e");
    await f.client.cancelRun("wake-ns", "wf", "r");
    off();
    await f.client.runWorkflow("wake-ns", "wf", "r2", null);
    expect(woken).toEqual(["wake", "wake", "wake"]);
  });

  it("stores run ids with quotes, backslashes, SQL and 4-byte UTF-8 verbatim", async () => {
    const ids = ["it's", 'say "hi"', "back\\slash\\", "'; DROP TABLE replay_runs; --", "emoji 😀𝄞", "%_*?"];
    for (const id of ids) {
      expect(await f.client.runWorkflow("ns", "verbatim", id, { id })).toBe(true);
      expect(await f.client.signalRun("ns", "verbatim", id, "s😀", id, id)).toBe(true);
    }
    for (const id of ids) {
      const run = await f.client.getRun("ns", "verbatim", id);
      expect(run?.runId).toBe(id);
      expect(run?.input).toEqual({ id });
    }
    const page = await f.client.listRuns({ namespace: "ns", workflow: "verbatim" });
    expect(page.runs.map((run) => run.runId).sort()).toEqual([...ids].sort());
    const [signals] = await f.pool.query<RowDataPacket[]>(
      "SELECT run_id, signal_name, external_id FROM replay_signals WHERE workflow = 'verbatim'",
    );
    for (const row of signals) {
      expect(Buffer.from(row.run_id).toString("utf8")).toBe(Buffer.from(row.external_id).toString("utf8"));
      expect(Buffer.from(row.signal_name).toString("utf8")).toBe("s😀");
    }
  });
});
