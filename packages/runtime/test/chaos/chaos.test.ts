import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type MySqlClient } from "../../src/index.js";
import {
  audit,
  completedCount,
  duplicateCount,
  leasedBy,
  responsesWithoutExecution,
  unexplainedDuplicates,
} from "../processes/checks.js";
import { stopAllChildren } from "../processes/children.js";
import { createExecutionsTable, groupExecutions, loadExecutions } from "../processes/executions.js";
import { waitFor } from "../support/helpers.js";
import { type ChaosDatabase, chaosDatabase } from "./database.js";
import { WorkerSlots } from "./killer.js";
import { produce } from "./producer.js";
import { describeUnexplained, formatLogCounts } from "./report.js";
import { auditSignals } from "./signals.js";
import { chaosSize } from "./size.js";
import { auditStreams } from "./streams.js";
import { auditUpdates, sendBumps } from "./updates.js";
import { auditWaits, produceWaits } from "./waits.js";

const NS = "chaos";
const WORKERS = 3;
const LEASE_MS = 1500;
const size = chaosSize();

let db: ChaosDatabase;
let client: MySqlClient;

beforeAll(async () => {
  db = await chaosDatabase();
  client = createClient({ uri: db.scratch.url });
  await client.migrate();
  await createExecutionsTable(db.scratch.pool);
}, 120_000);

afterAll(async () => {
  await stopAllChildren();
  await client?.close();
  await db?.close();
}, 120_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The completed count, or undefined while the database is down. */
const completed = () => completedCount(db.scratch.pool, NS).catch(() => undefined);

describe(`chaos (${size.name}: ${size.runs} runs, ${size.waitRuns} with tokens and events)`, {
  timeout: size.completeWithinMs + 120_000,
}, () => {
  it("completes every run exactly once per step, its streams whole, and applies every update, token completion and event delivery once, while workers and the database are SIGKILLed", async () => {
    const startedAt = Date.now();
    const deadline = startedAt + size.completeWithinMs;
    const workers = new WorkerSlots(WORKERS, (identity) => ({
      url: db.scratch.url,
      namespace: NS,
      identity,
      leaseMs: LEASE_MS,
      concurrency: 32,
      activityDelayMs: 30,
    }));
    await workers.start();
    const kills = workers.kills;
    let databaseKills = 0;
    if (!db.killable) console.log("chaos: REPLAY_MYSQL_URL is set, so the database-kill step is skipped");

    const runIds = Array.from({ length: size.runs }, (_, i) => `c-${String(i).padStart(5, "0")}`);
    const waitIds = Array.from({ length: size.waitRuns }, (_, i) => `w-${String(i).padStart(5, "0")}`);
    const total = size.runs + size.waitRuns;
    const bumps: Promise<Map<string, unknown[]>>[] = [];
    let done = false;
    const producing = Promise.all([
      produce(client, NS, "chaosUpdate", runIds, { ...size, deadline }, (ids) => {
        const sent = sendBumps(client, NS, "chaosUpdate", ids, deadline);
        // Awaited once every run completed; handled meanwhile, so a failure is reported there.
        sent.catch(() => {});
        bumps.push(sent);
      }),
      produceWaits(client, db.scratch.pool, NS, waitIds, { ...size, deadline }, () => done),
    ]);
    const killing = (async () => {
      while (!done && Date.now() < deadline) {
        await pause(1000 + Math.random() * 1000);
        if (!done)
          await workers.killRandom((identity) => leasedBy(db.scratch.pool, NS, identity).catch(() => undefined));
      }
    })();
    const killingDatabase = (async () => {
      if (!db.killable) return;
      await waitFor(async () => ((await completed()) ?? 0) >= total / 3, size.completeWithinMs, "a third of the runs");
      kills.push({ at: Date.now() });
      databaseKills++;
      const downAt = Date.now();
      await db.killAndRestart();
      console.log(`chaos: database SIGKILLed and back after ${Date.now() - downAt} ms`);
    })();

    await killingDatabase;
    try {
      await waitFor(
        async () => (await completed()) === total,
        Math.max(1000, deadline - Date.now()),
        "every run to complete",
      );
    } catch (error) {
      // Say where the runs are before failing: statuses, the errors of runs that did not complete, the workers' logs.
      const [rows] = await db.scratch.pool.query<RowDataPacket[]>(
        "SELECT status, COUNT(*) AS n, MIN(run_id) AS example, MAX(error) AS error, MAX(lease_owner) AS owner FROM replay_runs WHERE namespace = ? GROUP BY status",
        [NS],
      );
      console.log(`chaos: not every run completed: ${JSON.stringify(rows)}`);
      console.log(`chaos worker log lines:\n${formatLogCounts(workers.all)}`);
      throw error;
    }
    done = true;
    await producing;
    await killing;
    const answers = new Map((await Promise.all(bumps)).flatMap((batch) => [...batch]));
    for (const exit of await workers.terminateAll()) expect(exit).toMatchObject({ code: 0 });
    const elapsedMs = Date.now() - startedAt;

    const pool = db.scratch.pool;
    const facts = await audit(pool, NS);
    const signals = await auditSignals(pool, NS);
    const streams = await auditStreams(client, NS, runIds);
    const updates = await auditUpdates(pool, NS, runIds);
    const waits = await auditWaits(pool, NS);
    const executions = await loadExecutions(pool);
    const groups = groupExecutions(executions);
    const unexplained = unexplainedDuplicates(groups, kills);
    console.log(
      `chaos figures (${size.name}): runs=${size.runs} activities=${facts.responses} executions=${executions.length} ` +
        `duplicates=${duplicateCount(groups)} unexplained=${unexplained.length} ` +
        `workerKills=${kills.length - databaseKills} (holding leases: ${kills.filter((kill) => (kill.leasesHeld ?? 0) > 0).length}) ` +
        `databaseKills=${databaseKills} tokenCompletions=${waits.completions} eventDeliveries=${waits.deliveries} ` +
        `streamResets=${streams.resets} ` +
        `workers=${workers.all.length} time=${(elapsedMs / 1000).toFixed(1)}s`,
    );
    console.log(`chaos worker log lines:\n${formatLogCounts(workers.all)}`);
    for (const line of describeUnexplained(unexplained.slice(0, 3), kills)) console.log(line);

    expect(facts.statuses).toEqual({ completed: total });
    expect(facts.duplicateResponses).toEqual([]);
    // Five activities of the workflow and one of its bump's handler; two of each waits run.
    expect(facts.responses).toBe(size.runs * 6 + size.waitRuns * 2);
    expect(updates).toEqual({ notAcceptedOnce: [], notCompletedOnce: [], requests: { completed: size.runs } });
    for (const id of runIds) {
      const [first, second] = answers.get(id) ?? [];
      expect(first, `the bump of ${id}`).toEqual(expect.any(Number));
      expect(second, `the bump of ${id}, sent again`).toBe(first);
    }
    expect(facts.leased).toBe(0);
    expect(facts.tasks).toBe(0);
    expect(signals).toEqual({ stored: size.runs, unconsumed: 0, delivered: size.runs, consumedTwice: [] });
    expect(waits).toEqual({
      completions: size.waitRuns,
      deliveries: size.waitRuns,
      timeouts: 0,
      twice: [],
      tokensNotCompleted: 0,
      unconsumed: 0,
      wrongResults: [],
    });
    expect(streams.badLogs.slice(0, 3)).toEqual([]);
    expect(streams.badProgress.slice(0, 3)).toEqual([]);
    expect(responsesWithoutExecution(facts.responseKeys, groups)).toEqual([]);
    expect(unexplained.slice(0, 5)).toEqual([]);
    expect(workers.bootFailures).toEqual([]);
    // The kills hit work in flight, not only idle workers.
    expect(kills.some((kill) => (kill.leasesHeld ?? 0) > 0)).toBe(true);
    for (const worker of workers.all) expect(worker.unhandled, `${worker.identity}:\n${worker.stderr}`).toEqual([]);
  });
});
