import { describe, expect, it } from "vitest";
import { waitFor } from "../support/helpers.js";
import {
  audit,
  completedCount,
  leasedBy,
  leasesOf,
  responsesWithoutExecution,
  unexplainedDuplicates,
} from "./checks.js";
import { WorkerProcess } from "./children.js";
import type { ChildConfig } from "./config.js";
import { groupExecutions, loadExecutions } from "./executions.js";
import { useProcessDatabase } from "./setup.js";

const LEASE_MS = 1500;
/** Activities stamp Date.now(); leases use the database clock, which the worker follows to within a few ms. */
const CLOCK_TOLERANCE_MS = 100;

const env = useProcessDatabase();

function config(namespace: string, identity: string, extra: Partial<ChildConfig> = {}): ChildConfig {
  return { url: env.db.url, namespace, identity, leaseMs: LEASE_MS, activityDelayMs: 20, ...extra };
}

async function startRuns(namespace: string, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map((id, j) => env.client.runWorkflow(namespace, "three", id, i + j)));
  }
  return ids;
}

describe("three worker processes on one database", { timeout: 180_000 }, () => {
  it("complete 200 runs with one response per activity, and a SIGKILLed worker's leased runs are taken over", async () => {
    const ns = "three-procs";
    const workers = await Promise.all(["w0", "w1", "w2"].map((id) => WorkerProcess.start(config(ns, id))));
    await startRuns(ns, "run", 200);
    const victim = workers[0]!;
    await waitFor(async () => (await leasedBy(env.db.pool, ns, victim.identity)) > 0, 60_000, "w0 to hold a lease");
    const killedAt = Date.now();
    const exit = await victim.kill();
    expect(exit.signal).toBe("SIGKILL");
    const orphaned = await leasesOf(env.db.pool, ns, victim.identity);
    expect(orphaned.size).toBeGreaterThan(0);

    await waitFor(async () => (await completedCount(env.db.pool, ns)) === 200, 120_000, "200 completed runs");
    const facts = await audit(env.db.pool, ns);
    expect(facts.statuses).toEqual({ completed: 200 });
    expect(facts.duplicateResponses).toEqual([]);
    expect(facts.responses).toBe(600);
    expect(facts.leased).toBe(0);
    expect(facts.tasks).toBe(0);
    const groups = groupExecutions((await loadExecutions(env.db.pool)).filter((e) => e.runId.startsWith("run-")));
    expect(responsesWithoutExecution(facts.responseKeys, groups)).toEqual([]);
    expect(unexplainedDuplicates(groups, [{ at: killedAt, worker: victim.identity }])).toEqual([]);
    // Each orphaned run was taken over by another worker, and not before its lease ended.
    for (const [runId, leaseUntil] of orphaned) {
      const after = [...groups.values()].flat().filter((e) => e.runId === runId && e.at > killedAt);
      const takeover = after.filter((e) => e.worker !== victim.identity).sort((a, b) => a.at - b.at)[0];
      expect(takeover, `run ${runId}`).toBeDefined();
      expect(takeover?.at ?? 0, `run ${runId}`).toBeGreaterThanOrEqual(leaseUntil - CLOCK_TOLERANCE_MS);
    }

    for (const worker of workers.slice(1)) expect((await worker.terminate()).code).toBe(0);
    for (const worker of workers) expect(worker.unhandled).toEqual([]);
  });
});
