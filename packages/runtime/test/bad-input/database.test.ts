import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPool, type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Logger, RunContext } from "../../src/api.js";
import { createClient, createWorker, DatabaseUnreachableError, MIGRATIONS } from "../../src/index.js";
import { createScratchDatabase, freePort, type ScratchDatabase } from "../../src/testing/index.js";
import { audit } from "../processes/checks.js";
import { waitFor } from "../support/helpers.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..", "..", "..", "..");

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase(inject("mysqlUrl"));
});
afterAll(() => db.drop());

/** A logger that keeps its lines with the time each was written. */
function recordingLogger(): Logger & { lines: { at: number; level: string; message: string }[] } {
  const lines: { at: number; level: string; message: string }[] = [];
  const record = (level: string) => (message: string) => lines.push({ at: Date.now(), level, message });
  return { lines, info: record("info"), warn: record("warn"), error: record("error") };
}

describe("a database that is unreachable at start", () => {
  it("gives createClient's first call a DatabaseUnreachableError naming host and port", async () => {
    const port = await freePort();
    const client = createClient({ uri: `mysql://root@127.0.0.1:${port}/app` });
    const error = await client.ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect(error).toMatchObject({ host: "127.0.0.1", port });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    await client.close();
  });

  it("makes a worker retry with a growing back-off, logging once per step, until it is stopped", async () => {
    const port = await freePort();
    const client = createClient({ uri: `mysql://root@127.0.0.1:${port}/app` });
    const logger = recordingLogger();
    const worker = createWorker({
      client,
      namespace: "nowhere",
      workflows: { flow: async () => null },
      activities: {},
      logger,
      maxPollIntervalMs: 50,
    });
    const startedAt = Date.now();
    await worker.start();
    await waitFor(() => logger.lines.length >= 4, 20_000, "four back-off lines");
    const elapsed = Date.now() - startedAt;
    const stopping = Date.now();
    await worker.stop();
    const stopMs = Date.now() - stopping;
    await client.close();

    const delays = logger.lines.map((line) => Number(/retrying in (\d+) ms/.exec(line.message)?.[1]));
    expect(logger.lines.every((line) => line.level === "warn")).toBe(true);
    expect(logger.lines[0]?.message).toContain(`127.0.0.1:${port}`);
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 800]);
    // Four lines cannot come sooner than the first three back-off pauses allow.
    expect(elapsed).toBeGreaterThanOrEqual(100 + 200 + 400);
    expect(logger.lines.length).toBeLessThanOrEqual(6);
    console.log(`unreachable: ${logger.lines.length} lines in ${elapsed} ms; stop() took ${stopMs} ms`);
  });
});

describe("connections lost mid-run", () => {
  it("are survived: every run completes with one response per activity while the worker's connections are KILLed", async () => {
    const pool = createPool({ uri: db.url, connectionLimit: 10, timezone: "Z" });
    const threadIds = new Set<number>();
    pool.pool.on("connection", (connection: { threadId: number }) => threadIds.add(connection.threadId));
    const client = createClient({ pool });
    await client.migrate();
    const slow = async (_ctx: unknown, _backends: unknown, n: number) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return n + 1;
    };
    const flow = async (ctx: RunContext, n: number) => {
      let value = n;
      for (let i = 0; i < 4; i++) value = (await ctx.execActivity("slow", value)) as number;
      return value;
    };
    const logger = recordingLogger();
    const worker = createWorker({
      client,
      namespace: "killed-conns",
      workflows: { flow },
      activities: { slow: { fn: slow, retry: { initialInterval: 50, maxInterval: 500 } } },
      leaseMs: 2000,
      maxPollIntervalMs: 100,
      logger,
    });
    await worker.start();
    const runs = 100;
    for (let i = 0; i < runs; i++) await client.runWorkflow("killed-conns", "flow", `k${i}`, i);

    let killed = 0;
    for (let round = 0; round < 5; round++) {
      if (threadIds.size === 0) break;
      killed += await killConnections(db.pool, [...threadIds]);
      threadIds.clear();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await waitFor(
      async () => (await audit(db.pool, "killed-conns")).statuses.completed === runs,
      30_000,
      "every run to complete",
    ).catch(async (error: unknown) => {
      const [rows] = await db.pool.query<RowDataPacket[]>(
        "SELECT run_id, status, wake_at, lease_owner, lease_until FROM replay_runs WHERE namespace = 'killed-conns' AND status <> 'completed'",
      );
      throw new Error(
        `${String(error)}; unfinished: ${JSON.stringify(rows)}; worker log:\n${logger.lines.map((l) => l.message).join("\n")}`,
      );
    });
    await worker.stop();
    await pool.end();
    const facts = await audit(db.pool, "killed-conns");
    expect(killed).toBeGreaterThan(0);
    expect(facts).toMatchObject({ statuses: { completed: runs }, duplicateResponses: [], responses: runs * 4 });
    expect(facts.leased).toBe(0);
    expect(facts.tasks).toBe(0);
    console.log(`connections lost mid-run: ${killed} connection(s) KILLed, ${runs} runs completed`);
  });
});

/** KILLs the connections with these ids that are still open; returns how many. */
async function killConnections(pool: ScratchDatabase["pool"], ids: readonly number[]): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT ID FROM information_schema.PROCESSLIST");
  const open = new Set(rows.map((row) => Number(row.ID)));
  let killed = 0;
  for (const id of ids) {
    if (!open.has(id)) continue;
    await pool.query(`KILL ${Number(id)}`).then(
      () => killed++,
      () => {}, // it may have closed meanwhile
    );
  }
  return killed;
}

describe("migrations from two processes at once", () => {
  it("both succeed and record each migration once", async () => {
    const fresh = await createScratchDatabase(inject("mysqlUrl"));
    try {
      const exits = await Promise.all([migrateInChild(fresh.url), migrateInChild(fresh.url)]);
      expect(exits).toEqual([
        { code: 0, out: "migrated\n" },
        { code: 0, out: "migrated\n" },
      ]);
      const [rows] = await fresh.pool.query<RowDataPacket[]>("SELECT version FROM replay_migrations ORDER BY version");
      expect(rows.map((row) => Number(row.version))).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await fresh.drop();
    }
  });
});

function migrateInChild(url: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "migrate-main.ts"), url], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out: code === 0 ? out : err })));
}
