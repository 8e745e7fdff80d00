import type { RowDataPacket } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/helpers.js";
import { audit, leasedBy, responsesWithoutExecution, unexplainedDuplicates } from "./checks.js";
import { WorkerProcess } from "./children.js";
import type { ChildConfig } from "./config.js";
import { groupExecutions, loadExecutions } from "./executions.js";
import { useProcessDatabase } from "./setup.js";

const env = useProcessDatabase();

function config(namespace: string, identity: string): ChildConfig {
  return { url: env.db.url, namespace, identity, leaseMs: 1500, activityDelayMs: 60 };
}

/** Runs of `workflow` in the namespace that are running and leased right now. */
async function leasedRunsOf(namespace: string, workflow: string): Promise<number> {
  const [rows] = await env.db.pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = ? AND workflow = ? AND lease_owner IS NOT NULL",
    [namespace, workflow],
  );
  return Number(rows[0]?.n);
}

async function startRuns(namespace: string, workflow: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${workflow}-${i}`);
  await Promise.all(ids.map((id, i) => env.client.runWorkflow(namespace, workflow, id, i * 10)));
  return ids;
}

describe("composition across worker processes", { timeout: 180_000 }, () => {
  it("runs each child once and completes every parent when a worker is SIGKILLed while children run", async () => {
    const ns = "family";
    const workers = await Promise.all(["f0", "f1"].map((id) => WorkerProcess.start(config(ns, id))));
    const parents = await startRuns(ns, "family", 20);
    const victim = workers[0]!;
    await waitFor(
      async () => (await leasedRunsOf(ns, "three")) > 0 && (await leasedBy(env.db.pool, ns, victim.identity)) > 0,
      60_000,
      "f0 to work on children",
    );
    const killedAt = Date.now();
    await victim.kill();
    const replacement = await WorkerProcess.start(config(ns, "f2"));

    for (const [i, id] of parents.entries()) {
      // each child of parent i runs `three` on i*10 + k: ((i*10 + k) + 3) summed over k = 0..2
      const expected = 3 * (i * 10) + (0 + 1 + 2) + 9;
      expect(await env.client.awaitResult(ns, "family", id, { timeout: "60s" })).toBe(expected);
    }
    const facts = await audit(env.db.pool, ns);
    expect(facts.statuses).toEqual({ completed: 20 + 60 });
    expect(facts.duplicateResponses).toEqual([]);
    const [children] = await env.db.pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM replay_events WHERE namespace = ? AND type = 'child_request'",
      [ns],
    );
    expect(Number(children[0]?.n)).toBe(60);
    const groups = groupExecutions((await loadExecutions(env.db.pool)).filter((e) => e.runId.startsWith("family-")));
    expect(responsesWithoutExecution(facts.responseKeys, groups)).toEqual([]);
    expect(unexplainedDuplicates(groups, [{ at: killedAt, worker: victim.identity }])).toEqual([]);
    for (const worker of [workers[1]!, replacement]) expect((await worker.terminate()).code).toBe(0);
  });

  it("compensates each step exactly once, in reverse, when a worker is SIGKILLed during compensation", async () => {
    const ns = "sagas";
    const workers = await Promise.all(["s0", "s1"].map((id) => WorkerProcess.start(config(ns, id))));
    const ids = await startRuns(ns, "saga", 20);
    const victim = workers[0]!;
    await waitFor(
      async () => {
        const [rows] = await env.db.pool.query<RowDataPacket[]>(
          "SELECT COUNT(*) AS n FROM executions WHERE activity = 'undo' AND worker = ?",
          [victim.identity],
        );
        return Number(rows[0]?.n) > 0 && (await leasedBy(env.db.pool, ns, victim.identity)) > 0;
      },
      60_000,
      "s0 to be compensating",
    );
    const killedAt = Date.now();
    await victim.kill();
    const replacement = await WorkerProcess.start(config(ns, "s2"));
    for (const id of ids) {
      expect(await env.client.awaitResult(ns, "saga", id, { timeout: "60s" })).toBe(
        "compensated after ActivityFailure",
      );
    }
    const facts = await audit(env.db.pool, ns);
    expect(facts.duplicateResponses).toEqual([]);
    const [undone] = await env.db.pool.query<RowDataPacket[]>(
      "SELECT run_id, COUNT(*) AS n FROM replay_events WHERE namespace = ? AND type = 'activity_response' AND target = 'undo' GROUP BY run_id",
      [ns],
    );
    expect(undone.map((row) => Number(row.n))).toEqual(ids.map(() => 3));
    // Reverse order: undo#0 compensates step c (index 2), undo#1 step b, undo#2 step a.
    const [requests] = await env.db.pool.query<RowDataPacket[]>(
      "SELECT run_id, seq, payload FROM replay_events WHERE namespace = ? AND type = 'activity_request' AND target = 'undo' ORDER BY run_id, seq",
      [ns],
    );
    for (const [i, id] of ids.entries()) {
      const own = requests.filter((row) => String(row.run_id) === id).map((row) => Number(String(row.payload)));
      expect(own, id).toEqual([i * 10 * 100 + 2, i * 10 * 100 + 1, i * 10 * 100]);
    }
    const groups = groupExecutions((await loadExecutions(env.db.pool)).filter((e) => e.runId.startsWith("saga-")));
    expect(unexplainedDuplicates(groups, [{ at: killedAt, worker: victim.identity }])).toEqual([]);
    for (const worker of [workers[1]!, replacement]) expect((await worker.terminate()).code).toBe(0);
  });
});
