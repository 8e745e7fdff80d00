import type { RowDataPacket } from "mysql2/promise";
import { beforeAll, describe, expect, it } from "vitest";
import type { QueueOptions } from "../../src/api.js";
import { waitFor } from "../support/helpers.js";
import { leasedBy, leasesOf } from "./checks.js";
import { WorkerProcess } from "./children.js";
import { useProcessDatabase } from "./setup.js";
import { createSpansTable, maxOverlap, spansOf as spansIn } from "./spans.js";

const env = useProcessDatabase();
const LEASE_MS = 1500;

beforeAll(async () => {
  await createSpansTable(env.db.pool);
  // Every version of each queue's recent_starts (the start times its rate limit counts), as the
  // claims write them: see startsRecorded.
  await env.db.pool.query(
    `CREATE TABLE IF NOT EXISTS queue_starts_written (
       id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
       namespace VARCHAR(255) NOT NULL, name VARCHAR(255) NOT NULL, recent_starts MEDIUMTEXT NULL
     ) ENGINE=InnoDB`,
  );
  await env.db.pool.query(
    `CREATE TRIGGER IF NOT EXISTS queue_starts_written AFTER UPDATE ON ${env.client.prefix}queues FOR EACH ROW
       INSERT INTO queue_starts_written (namespace, name, recent_starts)
       VALUES (NEW.namespace, NEW.name, NEW.recent_starts)`,
  );
});

const spansOf = (prefix: string) => spansIn(env.db.pool, prefix);

/**
 * The claim time of every run the queue started, as its rate limit recorded it: a claim that
 * starts runs appends its time once per run to the queue's recent_starts, and drops the times
 * that left the window. A time stays until a later claim drops them all at once, so the most
 * copies of it in any version written is how many runs started then.
 */
async function startsRecorded(namespace: string, queue: string): Promise<number[]> {
  const [rows] = await env.db.pool.query<RowDataPacket[]>(
    "SELECT recent_starts FROM queue_starts_written WHERE namespace = ? AND name = ?",
    [namespace, queue],
  );
  const most = new Map<number, number>();
  for (const row of rows) {
    const copies = new Map<number, number>();
    const times = String(row.recent_starts ?? "")
      .split(",")
      .filter(Boolean)
      .map(Number);
    for (const at of times) copies.set(at, (copies.get(at) ?? 0) + 1);
    for (const [at, count] of copies) most.set(at, Math.max(most.get(at) ?? 0, count));
  }
  return [...most].flatMap(([at, count]) => Array<number>(count).fill(at)).sort((a, b) => a - b);
}

/** Two workers of at most 2 runs each: a queue limit of 3 is then held only if it is held across them. */
async function workers(namespace: string, queues: Record<string, QueueOptions>, count = 2) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      WorkerProcess.start({
        url: env.db.url,
        namespace,
        identity: `${namespace}-w${i}`,
        leaseMs: LEASE_MS,
        concurrency: 2,
        queues,
      }),
    ),
  );
}

async function startQueued(namespace: string, prefix: string, runs: { key: string; ms: number }[]) {
  const ids = runs.map((_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
  for (const [i, run] of runs.entries()) {
    await env.client.runWorkflow(namespace, "queued", ids[i] as string, run, {
      queue: "limited",
      concurrencyKey: run.key,
    });
  }
  return ids;
}

async function awaitAll(namespace: string, ids: readonly string[]) {
  for (const id of ids) await env.client.awaitResult(namespace, "queued", id, { timeout: "60s" });
}

describe("queue limits across worker processes", { timeout: 180_000 }, () => {
  it("never run more than `concurrency` at once, across two workers", async () => {
    const procs = await workers("conc", { limited: { concurrency: 3 } });
    const ids = await startQueued(
      "conc",
      "conc",
      Array.from({ length: 30 }, () => ({ key: "k", ms: 200 })),
    );
    await awaitAll("conc", ids);
    const spans = await spansOf("conc-");
    expect(spans).toHaveLength(30);
    expect(maxOverlap(spans.map((span) => ({ ...span, endedAt: span.endedAt ?? Number.POSITIVE_INFINITY })))).toBe(3);
    expect(new Set(spans.map((span) => span.worker)).size).toBe(2);
    for (const proc of procs) expect((await proc.terminate()).code).toBe(0);
  });

  it("run one per key at once with keyConcurrency 1, round robin across keys", async () => {
    const procs = await workers("keys", { limited: { concurrency: 2, keyConcurrency: 1 } });
    // A busy tenant queues 12 runs before a quiet one queues 3: round robin still starts the
    // quiet tenant's runs early, instead of after the busy tenant's backlog.
    const busy = await startQueued(
      "keys",
      "keys-busy",
      Array.from({ length: 12 }, () => ({ key: "busy", ms: 100 })),
    );
    const quiet = await startQueued(
      "keys",
      "keys-quiet",
      Array.from({ length: 3 }, () => ({ key: "quiet", ms: 100 })),
    );
    await awaitAll("keys", [...busy, ...quiet]);
    const spans = (await spansOf("keys-")).map((span) => ({ ...span, endedAt: span.endedAt ?? Infinity }));
    for (const key of ["busy", "quiet"]) expect(maxOverlap(spans.filter((span) => span.key === key)), key).toBe(1);
    const order = spans.map((span) => span.key);
    const lastQuiet = order.lastIndexOf("quiet");
    expect(lastQuiet, order.join(",")).toBeLessThan(7);
    for (const proc of procs) expect((await proc.terminate()).code).toBe(0);
  });

  it("start at most rateLimit runs per sliding window", async () => {
    const procs = await workers("rate", { limited: { rateLimit: { limit: 5, period: "1s" } } });
    const started = Date.now();
    const ids = await startQueued(
      "rate",
      "rate",
      Array.from({ length: 20 }, () => ({ key: "k", ms: 0 })),
    );
    await awaitAll("rate", ids);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2900);
    // What the limit governs: the claims that started runs, at the times the queue recorded
    // (each run's activity starts later, by however long the loaded machine takes to get there).
    const starts = await startsRecorded("rate", "limited");
    expect(starts.length).toBeGreaterThanOrEqual(ids.length);
    for (const at of starts)
      expect(starts.filter((other) => other >= at && other < at + 1000).length, `from ${at}`).toBeLessThanOrEqual(5);
    for (const proc of procs) expect((await proc.terminate()).code).toBe(0);
  });

  it("free the slots of a SIGKILLed worker when its leases end, not before", async () => {
    const queues = { limited: { concurrency: 2 } };
    const start = (identity: string) =>
      WorkerProcess.start({ url: env.db.url, namespace: "kill", identity, leaseMs: LEASE_MS, queues });
    const victim = await start("kill-victim");
    const ids = await startQueued(
      "kill",
      "kill",
      Array.from({ length: 8 }, () => ({ key: "k", ms: 700 })),
    );
    await waitFor(async () => (await leasedBy(env.db.pool, "kill", victim.identity)) === 2, 30_000, "both slots held");
    const survivor = await start("kill-survivor");
    const killedAt = Date.now();
    await victim.kill();
    const leases = await leasesOf(env.db.pool, "kill", victim.identity);
    await awaitAll("kill", ids);
    const spans = await spansOf("kill-");
    // Spans of the killed worker never ended: their slots were held until their lease ended.
    const held = spans.map((span) => ({ ...span, endedAt: span.endedAt ?? leases.get(span.runId) ?? Infinity }));
    expect(maxOverlap(held)).toBe(2);
    const after = spans.filter((span) => span.startedAt > killedAt).map((span) => span.worker);
    expect(new Set(after)).toEqual(new Set([survivor.identity]));
    expect((await survivor.terminate()).code).toBe(0);
  });
});
