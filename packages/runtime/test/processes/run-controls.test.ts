import type { RowDataPacket } from "mysql2/promise";
import { beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/helpers.js";
import { WorkerProcess } from "./children.js";
import { useProcessDatabase } from "./setup.js";
import { createSpansTable } from "./spans.js";

const env = useProcessDatabase();
const LEASE_MS = 1500;

beforeAll(async () => {
  await createSpansTable(env.db.pool);
});

const start = (namespace: string, identity: string, leaseMs = LEASE_MS) =>
  WorkerProcess.start({ url: env.db.url, namespace, identity, leaseMs });

async function executions(runId: string): Promise<string[]> {
  const [rows] = await env.db.pool.query<RowDataPacket[]>(
    "SELECT activity FROM executions WHERE run_id = ? ORDER BY id",
    [runId],
  );
  return rows.map((row) => String(row.activity));
}

describe("run controls across worker processes", { timeout: 120_000 }, () => {
  it("keep a paused run paused when its worker is killed and another takes over, until it is unpaused", async () => {
    const ns = "ctl-pause";
    const first = await start(ns, "pause-w1");
    await env.client.runWorkflow(ns, "waiter", "p-1", null);
    await waitFor(async () => (await env.client.describeRun(ns, "waiter", "p-1"))?.waitingFor.signals.length === 1);
    await env.client.pauseRun(ns, "waiter", "p-1");
    await first.kill();
    const second = await start(ns, "pause-w2");
    await env.client.signalRun(ns, "waiter", "p-1", "go", "after the restart", "g-1");
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
    expect(await env.client.describeRun(ns, "waiter", "p-1")).toMatchObject({ state: "paused", status: "running" });
    await env.client.unpauseRun(ns, "waiter", "p-1");
    expect(await env.client.awaitResult(ns, "waiter", "p-1", { timeout: "20s" })).toBe("after the restart");
    expect((await second.terminate()).code).toBe(0);
  });

  it("terminate a run whose activity runs in a worker process: the worker aborts the attempt and lets go", async () => {
    const ns = "ctl-term";
    const worker = await start(ns, "term-w1");
    await env.client.runWorkflow(ns, "blocker", "b-1", null);
    await waitFor(async () => (await executions("b-1")).includes("block"));
    expect(await env.client.terminateRun(ns, "blocker", "b-1", "stuck on a partner outage")).toBe(true);
    // The worker notices at its next lease renewal, a third of its lease.
    await waitFor(async () => (await executions("b-1")).includes("aborted"), 20_000, "the attempt to be aborted");
    const run = await env.client.describeRun(ns, "blocker", "b-1");
    expect(run).toMatchObject({ status: "terminated", state: "ended" });
    expect(run?.lease).toBeUndefined();
    expect((await worker.terminate()).code).toBe(0);
    expect(worker.unhandled).toEqual([]);
  });

  it("reset a run under the worker process that runs it: the fence refuses that worker's commit", async () => {
    const ns = "ctl-reset";
    // Lease renewals a minute apart: the worker learns of the reset from its commit, not its heartbeat.
    const worker = await start(ns, "reset-w1", 180_000);
    await env.client.runWorkflow(ns, "queued", "r-1", { ms: 1500, key: "k" });
    await waitFor(async () => {
      const [rows] = await env.db.pool.query<RowDataPacket[]>("SELECT 1 FROM spans WHERE run_id = 'r-1'");
      return rows.length === 1;
    });
    expect(await env.client.resetRun(ns, "queued", "r-1", { toStep: 0 })).toBe(1);
    expect(await env.client.awaitResult(ns, "queued", "r-1", { timeout: "30s" })).toBeNull();
    const old = await env.client.getHistory(ns, "queued", "r-1", { iteration: 0 });
    expect(old.map((event) => event.type)).toEqual(["created", "activity_request"]);
    expect((await env.client.getRun(ns, "queued", "r-1"))?.iteration).toBe(1);
    await waitFor(() => [...worker.logCounts.keys()].some((kind) => kind.includes("another worker committed first")));
    expect((await worker.terminate()).code).toBe(0);
  });
});
