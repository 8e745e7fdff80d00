import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, inject } from "vitest";
import type { ClientOptions } from "../../src/client/options.js";
import { createClient, createWorker, type ReplayClient } from "../../src/index.js";
import { text } from "../../src/json.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";
import type { WorkerOptions } from "../../src/types.js";

/** A scratch database and a migrated client for one test file; closed after the file. */
export function useEngineDatabase(options: ClientOptions = {}) {
  const env = {} as { db: ScratchDatabase; client: ReplayClient };
  const workers: { stop(): Promise<void> }[] = [];
  beforeAll(async () => {
    env.db = await createScratchDatabase(inject("mysqlUrl"));
    env.client = createClient({ pool: env.db.pool }, options);
    await env.client.migrate();
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await env.db.drop();
  });
  return {
    get client() {
      return env.client;
    },
    get db() {
      return env.db;
    },
    /** Starts a worker that is stopped after the file (or earlier by the test). */
    async worker(options: Omit<WorkerOptions, "client"> & { client?: WorkerOptions["client"] }) {
      const worker = createWorker({ client: env.client, leaseMs: 5000, maxPollIntervalMs: 100, ...options });
      workers.push(worker);
      await worker.start();
      return worker;
    },
  };
}

export interface EventRow {
  readonly iteration: number;
  readonly pos: number | null;
  readonly type: string;
  readonly target: string;
  readonly seq: number;
  readonly payload: unknown;
}

/** The run's events in id order. */
export async function historyOf(
  client: ReplayClient,
  namespace: string,
  workflow: string,
  runId: string,
): Promise<EventRow[]> {
  const [rows] = await client.pool.query<RowDataPacket[]>(
    `SELECT iteration, pos, type, target, seq, payload FROM ${client.prefix}events
      WHERE namespace = ? AND workflow = ? AND run_id = ? ORDER BY id`,
    [namespace, workflow, runId],
  );
  return rows.map((row) => ({
    iteration: Number(row.iteration),
    pos: row.pos === null ? null : Number(row.pos),
    type: String(row.type),
    target: text(row.target),
    seq: Number(row.seq),
    payload: row.payload === null ? null : JSON.parse(text(row.payload)),
  }));
}

/** "type target#seq" per event, for compact assertions. */
export function shape(events: readonly EventRow[]): string[] {
  return events.map((event) => (event.target || event.seq ? `${event.type} ${event.target}#${event.seq}` : event.type));
}

export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
