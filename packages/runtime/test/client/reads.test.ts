import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunInfo } from "../../src/api.js";
import { manualClock } from "../../src/client/clock.js";
import { ReplayError, ResultTimeoutError, RunFailedError } from "../../src/errors.js";
import { type Fixture, setUpFixture } from "./helpers.js";

describe("getRun and listRuns", () => {
  const clock = manualClock(Date.parse("2030-01-01T00:00:00Z"));
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture({ clock });
    // 7 runs over 4 timestamps in two workflows, so ties on created_at must be broken.
    for (const [i, wf] of ["a", "b", "a", "b", "a", "b", "a"].entries()) {
      if (i % 2 === 0) clock.advance(1000);
      await f.client.runWorkflow("list", wf, `run-${i}`, { i });
    }
    await f.client.runWorkflow("other", "a", "run-x", null);
  });
  afterAll(() => f.close());

  it("reads a run with its decoded input, status and times from the clock", async () => {
    const run = await f.client.getRun("list", "a", "run-0");
    expect(run).toMatchObject({
      namespace: "list",
      workflow: "a",
      runId: "run-0",
      status: "running",
      iteration: 0,
      input: { i: 0 },
      cancelRequested: false,
    });
    expect(run?.createdAt).toEqual(new Date("2030-01-01T00:00:01Z"));
    expect(run?.result).toBeUndefined();
    expect(await f.client.getRun("list", "a", "missing")).toBeUndefined();
  });

  it("pages through runs in (created_at, workflow, run_id) order without repeats or gaps", async () => {
    const seen: RunInfo[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await f.client.listRuns({ namespace: "list", limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.runs);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen.map((run) => `${run.createdAt.getTime() % 10_000}/${run.workflow}/${run.runId}`)).toEqual([
      "1000/a/run-0",
      "1000/b/run-1",
      "2000/a/run-2",
      "2000/b/run-3",
      "3000/a/run-4",
      "3000/b/run-5",
      "4000/a/run-6",
    ]);
  });

  it("filters by workflow and status", async () => {
    const page = await f.client.listRuns({ namespace: "list", workflow: "b" });
    expect(page.runs.map((run) => run.runId)).toEqual(["run-1", "run-3", "run-5"]);
    expect(page.nextCursor).toBeUndefined();
    await f.pool.query("UPDATE replay_runs SET status = 'failed' WHERE run_id = 'run-3'");
    const failed = await f.client.listRuns({ namespace: "list", status: "failed" });
    expect(failed.runs.map((run) => run.runId)).toEqual(["run-3"]);
  });

  it("refuses a limit outside 1..1000 and a cursor it did not make", async () => {
    await expect(f.client.listRuns({ namespace: "list", limit: 0 })).rejects.toThrow(ReplayError);
    await expect(f.client.listRuns({ namespace: "list", limit: 1001 })).rejects.toThrow(/1 to 1000/);
    await expect(f.client.listRuns({ namespace: "list", cursor: "nonsense" })).rejects.toThrow(/invalid cursor/);
  });
});

describe("awaitResult", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture();
  });
  afterAll(() => f.close());

  it("times out with ResultTimeoutError while the run is still running", async () => {
    await f.client.runWorkflow("ns", "wf", "slow", null);
    const started = Date.now();
    await expect(f.client.awaitResult("ns", "wf", "slow", { timeout: "300ms" })).rejects.toBeInstanceOf(
      ResultTimeoutError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("returns the result written into the runs row by another process", async () => {
    await f.client.runWorkflow("ns", "wf", "done-later", null);
    const waiting = f.client.awaitResult("ns", "wf", "done-later", { timeout: "10s" });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await f.pool.query(
      `UPDATE replay_runs SET status = 'completed', result = '{"total":42}' WHERE run_id = 'done-later'`,
    );
    await expect(waiting).resolves.toEqual({ total: 42 });
  });

  it("waits for a run that does not exist yet", async () => {
    const waiting = f.client.awaitResult("ns", "wf", "future", { timeout: "10s" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await f.client.runWorkflow("ns", "wf", "future", null);
    await f.pool.query(`UPDATE replay_runs SET status = 'completed', result = '"ok"' WHERE run_id = 'future'`);
    await expect(waiting).resolves.toBe("ok");
  });

  it("wakes at once when a local worker reports the run ended", async () => {
    await f.client.runWorkflow("ns", "wf", "local", null);
    const waiting = f.client.awaitResult("ns", "wf", "local", { timeout: "10s" });
    // Let the poll interval grow past 400 ms, then end the run and notify.
    await new Promise((resolve) => setTimeout(resolve, 900));
    await f.pool.query(`UPDATE replay_runs SET status = 'completed', result = '1' WHERE run_id = 'local'`);
    const ended = Date.now();
    f.client.local.runEnded("ns", "wf", "local");
    await expect(waiting).resolves.toBe(1);
    expect(Date.now() - ended).toBeLessThan(300);
  });

  it("throws RunFailedError with the stored error for a failed run, and a CancelledError for a cancelled one", async () => {
    await f.client.runWorkflow("ns", "wf", "failed", null);
    await f.pool.query(
      `UPDATE replay_runs SET status = 'failed', error = '{"name":"Boom","message":"it broke"}' WHERE run_id = 'failed'`,
    );
    const failure = await f.client.awaitResult("ns", "wf", "failed").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RunFailedError);
    expect(failure).toMatchObject({ runId: "failed", failure: { name: "Boom", message: "it broke" } });

    await f.client.runWorkflow("ns", "wf", "cancelled", null);
    await f.pool.query(`UPDATE replay_runs SET status = 'cancelled' WHERE run_id = 'cancelled'`);
    const cancelled = await f.client.awaitResult("ns", "wf", "cancelled").catch((e: unknown) => e);
    expect(cancelled).toMatchObject({ failure: { name: "CancelledError" } });
    expect((cancelled as Error).message).toContain("cancelled");
  });
});

describe("describeRun of runs that wait for each other", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture();
  });
  afterAll(() => f.close());

  it("names a cycle that no child start could refuse (written before, or by two starts at once)", async () => {
    for (const [workflow, runId] of [
      ["a", "a-1"],
      ["b", "b-1"],
      ["c", "c-1"],
    ])
      await f.client.runWorkflow("cycle", workflow as string, runId as string, null);
    // a-1 waits for b-1, b-1 for c-1, c-1 for a-1: each is the waiting parent of the one before.
    const link = (runId: string, parent: [string, string]) =>
      f.pool.query(
        "UPDATE replay_runs SET parent_workflow = ?, parent_run_id = ?, parent_waits = 1, version = 1 WHERE namespace = 'cycle' AND run_id = ?",
        [...parent, runId],
      );
    await link("b-1", ["a", "a-1"]);
    await link("c-1", ["b", "b-1"]);
    await link("a-1", ["c", "c-1"]);
    const run = await f.client.describeRun("cycle", "a", "a-1");
    expect(run?.waitCycle).toEqual([
      { workflow: "a", runId: "a-1" },
      { workflow: "b", runId: "b-1" },
      { workflow: "c", runId: "c-1" },
    ]);
    const timeout = await f.client.awaitResult("cycle", "a", "a-1", { timeout: "50ms" }).catch((error: Error) => error);
    expect(String((timeout as Error).message)).toContain("a/a-1 → b/b-1 → c/c-1 → a/a-1");
    await f.pool.query("UPDATE replay_runs SET parent_waits = 0 WHERE namespace = 'cycle' AND run_id = 'c-1'");
    expect((await f.client.describeRun("cycle", "a", "a-1"))?.waitCycle).toBeUndefined();
  });
});
