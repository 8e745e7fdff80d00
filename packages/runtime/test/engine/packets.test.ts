import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { createClient, createWorker, type MySqlClient } from "../../src/index.js";
import {
  type CollectedLogs,
  collectLogs,
  createScratchDatabase,
  type ScratchDatabase,
  startMariaDb,
  type TestDatabase,
} from "../../src/testing/index.js";
import { waitFor } from "../support/helpers.js";

/*
 * Group commits against a server that takes at most 4 MiB a packet: results of nearly a
 * megabyte each, several of which pass a packet together. A server of its own, since
 * max_allowed_packet is global to a server. The clients keep results in the event rows
 * (offloadAbove: Infinity), as before offloading: what they test is how rows fit packets.
 */

const NEARLY_A_MEGABYTE = "x".repeat(900_000);

describe("steps and the server's max_allowed_packet", () => {
  let server: TestDatabase;
  let db: ScratchDatabase;
  const workers: ReturnType<typeof createWorker>[] = [];
  beforeAll(async () => {
    server = await startMariaDb({
      forceLocal: true,
      args: ["--max-allowed-packet=4M", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=64M"],
    });
    db = await createScratchDatabase(server.url);
    await createClient({ pool: db.pool }).migrate();
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await db?.drop();
    await server?.stop();
  });

  async function start(namespace: string, logs: CollectedLogs, maxPayloadBytes?: number, offloadAbove = Infinity) {
    const client: MySqlClient = createClient(
      { pool: db.pool },
      { logger: logs, offloadAbove, ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }) },
    );
    const executions = new Map<string, number>();
    const worker = createWorker({
      client,
      namespace,
      concurrency: 32,
      leaseMs: 5000,
      maxPollIntervalMs: 100,
      logger: logs,
      workflows: {
        one: async (ctx: RunContext, size: number) => ((await ctx.execActivity("big", size)) as string).length,
        many: async (ctx: RunContext, count: number) => {
          const results = await Promise.all(
            Array.from({ length: count }, (_, i) => ctx.execActivity("big", 900_000 + i) as Promise<string>),
          );
          return results.reduce((sum, result) => sum + result.length, 0);
        },
      },
      activities: {
        big: async (ctx, _backends, size: number) => {
          const key = `${ctx.runId}#${ctx.seq}`;
          executions.set(key, (executions.get(key) ?? 0) + 1);
          return size === 900_000 ? NEARLY_A_MEGABYTE : "y".repeat(size);
        },
      },
    });
    workers.push(worker);
    await worker.start();
    return { client, executions };
  }

  it("writes the results of many runs in group commits that fit a packet, each activity once", async () => {
    const logs = collectLogs();
    const { client, executions } = await start("wide", logs);
    const ids = Array.from({ length: 24 }, (_, i) => `r-${i}`);
    await Promise.all(ids.map((id) => client.runWorkflow("wide", "one", id, 900_000)));
    for (const id of ids) expect(await client.awaitResult("wide", "one", id, { timeout: "60s" })).toBe(900_000);
    expect([...executions.values()]).toEqual(ids.map(() => 1));
    expect(logs.lines.filter((line) => !line.startsWith("info"))).toEqual([]);
  });

  it("writes a step whose results together pass a packet in several statements, each activity once", async () => {
    const logs = collectLogs();
    const { client, executions } = await start("deep", logs);
    await client.runWorkflow("deep", "many", "m-1", 8);
    expect(await client.awaitResult("deep", "many", "m-1", { timeout: "60s" })).toBe(8 * 900_000 + 28);
    expect([...executions.values()]).toEqual(Array.from({ length: 8 }, () => 1));
    expect(logs.lines.filter((line) => !line.startsWith("info"))).toEqual([]);
  });

  it("parks a run whose result no packet can carry, as PacketTooLargeError, without running its activity again", async () => {
    const logs = collectLogs();
    const { client, executions } = await start("huge", logs, 4_000_000);
    await client.runWorkflow("huge", "one", "h-1", 3_000_000);
    await waitFor(async () => (await client.getRun("huge", "one", "h-1"))?.status === "stuck", 60_000, "h-1 parked");
    const run = await client.getRun("huge", "one", "h-1");
    expect(run?.error).toMatchObject({ name: "PacketTooLargeError", code: "PACKET_TOO_LARGE" });
    expect(run?.error?.message).toMatch(/max_allowed_packet of 4194304 bytes: raise it/);
    expect([...executions.values()]).toEqual([1]);
  });

  it("completes that run with offload on (the default): its result goes to the payloads table in chunks a packet carries", async () => {
    const logs = collectLogs();
    const { client, executions } = await start("offloaded", logs, 8_000_000, 256 * 1024);
    await client.runWorkflow("offloaded", "one", "o-1", 6_000_000);
    expect(await client.awaitResult("offloaded", "one", "o-1", { timeout: "60s" })).toBe(6_000_000);
    expect([...executions.values()]).toEqual([1]);
    expect(logs.lines.filter((line) => !line.startsWith("info"))).toEqual([]);
  });
});
