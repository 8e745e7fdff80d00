import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type MySqlClient } from "../../src/index.js";
import { produce } from "../chaos/producer.js";
import { formatLogCounts } from "../chaos/report.js";
import { auditSignals } from "../chaos/signals.js";
import {
  audit,
  completedCount,
  duplicateCount,
  type Kill,
  responsesWithoutExecution,
  unexplainedDuplicates,
} from "../processes/checks.js";
import { stopAllChildren, WorkerProcess } from "../processes/children.js";
import { createExecutionsTable, groupExecutions, loadExecutions } from "../processes/executions.js";
import { waitFor } from "../support/helpers.js";
import { type GaleraDatabase, galeraDatabase } from "./setup.js";
import { galeraChaosSize } from "./size.js";

const NS = "gchaos";
/**
 * Longer than the cluster's failure detection (a dead node is suspected after 3 s and
 * dropped after 6 s, and until then no node commits): with a shorter lease, every lease in
 * the cluster would run out during each node death. The README recommends the same.
 */
const LEASE_MS = 10_000;
const size = galeraChaosSize();

let g: GaleraDatabase;
let client: MySqlClient;

beforeAll(async () => {
  g = await galeraDatabase("gchaos");
  // The producer and the audit fail over too: node 0 first.
  client = createClient({ uris: g.ringFrom(0) });
  await client.migrate();
  await createExecutionsTable(client.pool);
}, 180_000);

afterAll(async () => {
  await stopAllChildren();
  await client?.close();
  await g?.close();
}, 120_000);

/** The completed count, or undefined while no node answers. */
const completed = () => completedCount(client.pool, NS).catch(() => undefined);

describe(`chaos on a Galera cluster (${size.name}: ${size.runs} runs)`, {
  timeout: size.completeWithinMs + 180_000,
}, () => {
  it("completes every run with one response per step and each signal consumed once while nodes are SIGKILLed", async () => {
    const startedAt = Date.now();
    const deadline = startedAt + size.completeWithinMs;
    // One worker per node, each preferring its own node and failing over along the ring.
    const workers = await Promise.all(
      [0, 1, 2].map((node) =>
        WorkerProcess.start({
          url: g.urls[node] ?? "",
          urls: g.ringFrom(node),
          namespace: NS,
          identity: `node${node}-worker`,
          leaseMs: LEASE_MS,
          concurrency: 48,
          activityDelayMs: 30,
        }),
      ),
    );
    const runIds = Array.from({ length: size.runs }, (_, i) => `g-${String(i).padStart(5, "0")}`);
    const producing = produce(client, NS, "chaos", runIds, { ...size, deadline });
    const kills: Kill[] = [];
    const outages: string[] = [];
    const inFlightAtKills: number[] = [];
    const killing = (async () => {
      for (const { node, afterCompleted } of size.kills) {
        const target = Math.ceil(size.runs * afterCompleted);
        await waitFor(async () => ((await completed()) ?? 0) >= target, size.completeWithinMs, `${target} runs`);
        const completedBefore = (await completed()) ?? 0;
        const downAt = Date.now();
        // Said as it happens, so that a run that hangs shows which phase it hangs in.
        console.log(`galera chaos: killing node ${node} at +${downAt - startedAt} ms (${completedBefore} completed)`);
        await g.cluster.kill(node);
        await g.cluster.restart(node);
        console.log(`galera chaos: node ${node} back and synced at +${Date.now() - startedAt} ms`);
        kills.push({ at: downAt, until: Date.now() + LEASE_MS });
        inFlightAtKills.push(size.runs - completedBefore);
        outages.push(
          `node ${node} killed at +${downAt - startedAt} ms with ${size.runs - completedBefore} runs not completed, back and synced at +${Date.now() - startedAt} ms`,
        );
      }
    })();

    await producing;
    console.log(`galera chaos: every run started at +${Date.now() - startedAt} ms`);
    await killing;
    try {
      await waitFor(
        async () => (await completed()) === size.runs,
        Math.max(1000, deadline - Date.now()),
        "every run to complete",
      );
    } catch (error) {
      // Where the runs are before failing: statuses, an example and an error of each, the workers' logs.
      const [rows] = await client.pool.query<RowDataPacket[]>(
        "SELECT status, COUNT(*) AS n, MIN(run_id) AS example, MAX(error) AS error, MAX(lease_owner) AS owner, MIN(wake_at) AS wake FROM replay_runs WHERE namespace = ? GROUP BY status",
        [NS],
      );
      console.log(`galera chaos: not every run completed: ${JSON.stringify(rows)}`);
      // A parked run: its row and positions as each node has them (a node that lost writes shows here).
      const [parked] = await client.pool.query<RowDataPacket[]>(
        "SELECT run_id FROM replay_runs WHERE namespace = ? AND status = 'stuck' LIMIT 1",
        [NS],
      );
      const runId = parked[0]?.run_id;
      for (const node of [0, 1, 2]) {
        if (runId === undefined) break;
        const pool = g.poolOn(node);
        const described = await pool
          .query<RowDataPacket[]>(
            "SELECT (SELECT CONCAT(version, '/', next_pos) FROM replay_runs WHERE namespace = ? AND run_id = ?) AS run, (SELECT GROUP_CONCAT(CONCAT(pos, ':', type, ':', id) ORDER BY pos) FROM replay_events WHERE namespace = ? AND run_id = ?) AS events",
            [NS, runId, NS, runId],
          )
          .then(([found]) => JSON.stringify(found[0]))
          .catch((error: unknown) => String(error));
        console.log(`galera chaos: stuck run ${String(runId)} on node ${node}: ${described}`);
      }
      if (runId !== undefined) {
        // Where its first command went, if it was written at all: rows with the same input.
        const [same] = await client.pool.query<RowDataPacket[]>(
          `SELECT e.run_id, e.iteration, e.pos, e.type, e.target, e.seq, e.id FROM replay_events e
             JOIN replay_events c ON c.namespace = e.namespace AND c.payload = e.payload
            WHERE c.namespace = ? AND c.run_id = ? AND c.type = 'created' AND e.type <> 'created'`,
          [NS, runId],
        );
        console.log(`galera chaos: events with its input: ${JSON.stringify(same)}`);
      }
      console.log(`galera chaos worker log lines:\n${formatLogCounts(workers)}`);
      throw error;
    }
    const exits = await Promise.all(workers.map((worker) => worker.terminate()));
    const elapsedMs = Date.now() - startedAt;

    const pool = client.pool;
    const facts = await audit(pool, NS);
    const signals = await auditSignals(pool, NS);
    const groups = groupExecutions(await loadExecutions(pool));
    const executions = [...groups.values()].flat().length;
    const unexplained = unexplainedDuplicates(groups, kills);
    console.log(
      `galera chaos figures (${size.name}): runs=${size.runs} activities=${facts.responses} executions=${executions} ` +
        `duplicates=${duplicateCount(groups)} unexplained=${unexplained.length} nodeKills=${kills.length} ` +
        `time=${(elapsedMs / 1000).toFixed(1)}s\n  ${outages.join("\n  ")}`,
    );
    console.log(`galera chaos worker log lines:\n${formatLogCounts(workers)}`);
    for (const { key, executions: list } of unexplained.slice(0, 3)) {
      console.log(`unexplained ${key}: ${list.map((e) => `${e.worker} at +${e.at - startedAt} ms`).join(", ")}`);
    }

    expect(exits.map((exit) => exit.code)).toEqual([0, 0, 0]);
    expect(kills.length).toBe(size.kills.length);
    // Every kill hit a cluster with work in flight.
    for (const left of inFlightAtKills) expect(left).toBeGreaterThan(0);
    expect(facts.statuses).toEqual({ completed: size.runs });
    expect(facts.duplicateResponses).toEqual([]);
    expect(facts.responses).toBe(size.runs * 5);
    expect(facts.leased).toBe(0);
    expect(facts.tasks).toBe(0);
    expect(signals).toEqual({ stored: size.runs, unconsumed: 0, delivered: size.runs, consumedTwice: [] });
    expect(responsesWithoutExecution(facts.responseKeys, groups)).toEqual([]);
    expect(unexplained.slice(0, 5)).toEqual([]);
    for (const worker of workers) expect(worker.unhandled, `${worker.identity}:\n${worker.stderr}`).toEqual([]);
  });
});
