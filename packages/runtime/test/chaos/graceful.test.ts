import { describe, expect, it } from "vitest";
import { audit, completedCount, leasedBy } from "../processes/checks.js";
import { WorkerProcess } from "../processes/children.js";
import { loadExecutions } from "../processes/executions.js";
import { useProcessDatabase } from "../processes/setup.js";
import { waitFor } from "../support/helpers.js";

const RUNS = 40;
/** Process exit and pool shutdown on a loaded 2-core machine, on top of stopTimeoutMs. */
const EXIT_MARGIN_MS = 3000;

const env = useProcessDatabase();

async function startRuns(namespace: string): Promise<void> {
  await Promise.all(Array.from({ length: RUNS }, (_, i) => env.client.runWorkflow(namespace, "three", `g-${i}`, i)));
}

/** SIGTERMs the worker once it holds leases and has run activities; resolves with its exit and how long it took. */
async function terminateUnderLoad(worker: WorkerProcess, namespace: string) {
  await waitFor(async () => (await leasedBy(env.db.pool, namespace, worker.identity)) > 0, 60_000, "leases");
  await waitFor(async () => (await loadExecutions(env.db.pool)).length > 0, 60_000, "a first execution");
  const sentAt = Date.now();
  const exit = await worker.terminate();
  return { exit, tookMs: Date.now() - sentAt };
}

describe("a worker stopped with SIGTERM under load", { timeout: 180_000 }, () => {
  it("finishes its activities in flight within stopTimeoutMs, exits 0, and nothing is executed twice", async () => {
    const ns = "graceful-finish";
    const stopTimeoutMs = 5000;
    const first = await WorkerProcess.start({
      url: env.db.url,
      namespace: ns,
      identity: "finisher",
      leaseMs: 60_000,
      stopTimeoutMs,
      activityDelayMs: 300,
    });
    await startRuns(ns);
    const { exit, tookMs } = await terminateUnderLoad(first, ns);
    expect(exit.code).toBe(0);
    expect(tookMs).toBeLessThan(stopTimeoutMs + EXIT_MARGIN_MS);
    expect(await leasedBy(env.db.pool, ns, "finisher")).toBe(0);

    const second = await WorkerProcess.start({
      url: env.db.url,
      namespace: ns,
      identity: "successor",
      leaseMs: 60_000,
    });
    await waitFor(async () => (await completedCount(env.db.pool, ns)) === RUNS, 60_000, "every run to complete");
    const facts = await audit(env.db.pool, ns);
    const executions = (await loadExecutions(env.db.pool)).filter(
      (e) => e.worker === "finisher" || e.worker === "successor",
    );
    expect(executions.length).toBe(facts.responses);
    expect((await second.terminate()).code).toBe(0);
    expect([...first.unhandled, ...second.unhandled]).toEqual([]);
  });

  it("releases the runs of activities that outlast stopTimeoutMs at once, exits 0, and another worker completes them", async () => {
    const ns = "graceful-release";
    const stopTimeoutMs = 1000;
    const first = await WorkerProcess.start({
      url: env.db.url,
      namespace: ns,
      identity: "releaser",
      // A lease far longer than the test: only an explicit release lets the successor in.
      leaseMs: 600_000,
      stopTimeoutMs,
      activityDelayMs: 20_000,
    });
    await startRuns(ns);
    const { exit, tookMs } = await terminateUnderLoad(first, ns);
    expect(exit.code).toBe(0);
    expect(tookMs).toBeLessThan(stopTimeoutMs + EXIT_MARGIN_MS);
    expect(await leasedBy(env.db.pool, ns, "releaser")).toBe(0);

    const second = await WorkerProcess.start({ url: env.db.url, namespace: ns, identity: "taker", leaseMs: 60_000 });
    await waitFor(async () => (await completedCount(env.db.pool, ns)) === RUNS, 60_000, "every run to complete");
    const facts = await audit(env.db.pool, ns);
    expect(facts).toMatchObject({ duplicateResponses: [], responses: RUNS * 3, leased: 0, tasks: 0 });
    expect((await second.terminate()).code).toBe(0);
    expect([...first.unhandled, ...second.unhandled]).toEqual([]);
  });
});
