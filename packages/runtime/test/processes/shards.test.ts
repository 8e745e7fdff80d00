import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/index.js";
import { waitFor } from "../support/helpers.js";
import { audit, completedCount } from "./checks.js";
import { WorkerProcess } from "./children.js";
import { loadExecutions } from "./executions.js";
import { useProcessDatabase } from "./setup.js";

const NS = "shards";
const RUNS = 150;

const env = useProcessDatabase();

function startShardWorkers(count: number): Promise<WorkerProcess[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      WorkerProcess.start({
        url: env.db.url,
        namespace: NS,
        identity: `count${count}-index${index}`,
        leaseMs: 5000,
        activityDelayMs: 100,
        concurrency: 8,
        shards: { count, index },
      }),
    ),
  );
}

describe("sharded workers", { timeout: 180_000 }, () => {
  it("claim only their shards, and a change of shard count re-executes no completed activity", async () => {
    const two = await startShardWorkers(2);
    for (let i = 0; i < RUNS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, RUNS - i) }, (_, j) =>
          env.client.runWorkflow(NS, "three", `s-${i + j}`, i + j),
        ),
      );
    }
    await waitFor(async () => (await completedCount(env.db.pool, NS)) >= 20, 60_000, "20 completed runs");
    for (const worker of two) expect((await worker.terminate()).code).toBe(0);
    const completedAtSwitch = await completedCount(env.db.pool, NS);
    expect(completedAtSwitch).toBeLessThan(RUNS);

    const three = await startShardWorkers(3);
    await waitFor(async () => (await completedCount(env.db.pool, NS)) === RUNS, 120_000, `${RUNS} completed runs`);
    const facts = await audit(env.db.pool, NS);
    const executions = await loadExecutions(env.db.pool);
    expect(facts.statuses).toEqual({ completed: RUNS });
    expect(facts.duplicateResponses).toEqual([]);
    expect(executions.length).toBe(facts.responses);
    expect(facts.responses).toBe(RUNS * 3);

    const misplaced = executions.filter((execution) => {
      const [, count, index] = /^count(\d+)-index(\d+)$/.exec(execution.worker) ?? [];
      return shardOf(execution.runId) % Number(count) !== Number(index);
    });
    expect(misplaced).toEqual([]);
    const byCount3 = executions.filter((execution) => execution.worker.startsWith("count3-"));
    expect(byCount3.length).toBeGreaterThan(0);

    for (const worker of three) expect((await worker.terminate()).code).toBe(0);
    for (const worker of [...two, ...three]) expect(worker.unhandled).toEqual([]);
  });
});
