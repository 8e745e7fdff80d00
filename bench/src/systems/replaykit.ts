import {
  type ActivityRegistration,
  type Client,
  type ClientOptions,
  createClient,
  createWorker,
  type WorkerOptions,
  type WorkflowFn,
} from "@replaykit/runtime";
import { createScratchDatabase } from "@replaykit/runtime/testing";
import type { Pool } from "mysql2/promise";
import { RESULT_TIMEOUT_MS } from "../deadline.js";
import { replaykitPool } from "./pool-size.js";

export interface ReplaykitSetup {
  readonly workflows: Readonly<Record<string, WorkflowFn>>;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  readonly concurrency?: number;
  readonly cacheSize?: number;
  readonly queues?: WorkerOptions["queues"];
  /** Options of the client (and so of its worker), e.g. payload codecs. */
  readonly clientOptions?: ClientOptions;
}

export interface ReplaykitEnv {
  readonly client: Client;
  readonly namespace: string;
  readonly pool: Pool;
  /** The scratch database's URL, for processes of the workload's own (a client or a reader in another process). */
  readonly url: string;
}

/**
 * Runs `body` against a replaykit worker on a fresh scratch database of the MariaDB at `serverUrl`
 * (migrated, one namespace), then stops the worker and drops the database.
 */
export async function withReplaykit<R>(
  serverUrl: string,
  label: string,
  setup: ReplaykitSetup,
  body: (env: ReplaykitEnv) => Promise<R>,
): Promise<R> {
  const db = await createScratchDatabase(serverUrl, `bench_${label.toLowerCase().replace(/[^a-z0-9]/g, "_")}`);
  // A pool as an app gives createClient({ pool }): no stack trace captured per query, POOL_SIZE
  // connections, as DBOS gets. The hot writes take as many of their own beside it (docs/configuration.md).
  const pool = replaykitPool(db.url);
  const client = createClient({ pool }, setup.clientOptions);
  const namespace = "bench";
  try {
    await client.migrate();
    const options: WorkerOptions = {
      client,
      namespace,
      workflows: setup.workflows,
      activities: setup.activities,
      ...(setup.concurrency === undefined ? {} : { concurrency: setup.concurrency }),
      ...(setup.cacheSize === undefined ? {} : { cacheSize: setup.cacheSize }),
      ...(setup.queues === undefined ? {} : { queues: setup.queues }),
    };
    const worker = createWorker(options);
    await worker.start();
    try {
      return await body({ client, namespace, pool, url: db.url });
    } finally {
      await worker.stop();
    }
  } finally {
    await client.close();
    await pool.end();
    await db.drop();
  }
}

/** Starts run `runId` of `workflow` and waits for its result. */
export async function runReplaykit(
  env: ReplaykitEnv,
  workflow: string,
  runId: string,
  input: unknown,
): Promise<unknown> {
  await env.client.runWorkflow(env.namespace, workflow, runId, input);
  return env.client.awaitResult(env.namespace, workflow, runId, { timeout: RESULT_TIMEOUT_MS });
}
