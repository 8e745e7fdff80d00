import { afterAll, beforeAll, describe, inject } from "vitest";
import type { Client, WorkerOptions } from "../../src/api.js";
import type { ClientOptions, Store } from "../../src/index.js";
import {
  createClient,
  createMemoryStore,
  createStoreClient,
  createWorker,
  type MySqlClient,
  type StoreClient,
  type StoreClientOptions,
} from "../../src/index.js";
import {
  type CollectedLogs,
  collectLogs,
  createScratchDatabase,
  type ScratchDatabase,
} from "../../src/testing/index.js";

/** The stores every engine behaviour test runs on. */
export const STORE_KINDS = ["mariadb", "memory"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

type TestWorker = ReturnType<typeof createWorker>;
type WorkerArgs = Omit<WorkerOptions, "client"> & { client?: WorkerOptions["client"] };

/** A client on one store for a test file, and workers stopped after the file. */
export interface EngineEnv {
  readonly kind: StoreKind;
  readonly client: StoreClient;
  /** Another client on the same store, e.g. with a clock of its own. */
  clientWith(options: StoreClientOptions): StoreClient;
  /** Starts a worker that is stopped after the file (or earlier by the test); it logs to `logs` unless given a logger. */
  worker(options: WorkerArgs): Promise<TestWorker>;
  /** What the file's clients and workers logged: the warnings and errors its tests provoke, kept instead of printed. */
  readonly logs: CollectedLogs;
}

/**
 * Runs `suite` once per store kind, in a describe block named after the store: the shared
 * conformance suite of the engine.
 */
export function forEachStore(suite: (env: EngineEnv) => void): void {
  for (const kind of STORE_KINDS) describe(`on ${kind}`, () => suite(useEngine(kind)));
}

export function useEngine(kind: StoreKind): EngineEnv {
  const state = {} as { client: StoreClient; store: Store; db?: ScratchDatabase };
  const workers: TestWorker[] = [];
  const logs = collectLogs();
  beforeAll(async () => {
    if (kind === "mariadb") {
      state.db = await createScratchDatabase(inject("mysqlUrl"));
      const client = createClient({ pool: state.db.pool }, { logger: logs });
      state.client = client;
      state.store = client.store;
    } else {
      state.store = createMemoryStore();
      state.client = createStoreClient(state.store, { logger: logs });
    }
    await state.client.migrate();
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await state.db?.drop();
  });
  return {
    kind,
    logs,
    get client() {
      return state.client;
    },
    clientWith(options) {
      const withLogs = { logger: logs, ...options };
      if (kind === "mariadb" && state.db) return createClient({ pool: state.db.pool }, withLogs as ClientOptions);
      return createStoreClient(state.store, withLogs);
    },
    async worker(options) {
      const worker = createWorker({
        client: state.client,
        leaseMs: 5000,
        maxPollIntervalMs: 100,
        logger: logs,
        ...options,
      });
      workers.push(worker);
      await worker.start();
      return worker;
    },
  };
}

/** A scratch MariaDB database and a migrated client for a test file that needs SQL; closed after the file. */
export function useEngineDatabase(options: ClientOptions = {}) {
  const env = {} as { db: ScratchDatabase; client: MySqlClient };
  const workers: TestWorker[] = [];
  const logs = collectLogs();
  beforeAll(async () => {
    env.db = await createScratchDatabase(inject("mysqlUrl"));
    env.client = createClient({ pool: env.db.pool }, { logger: logs, ...options });
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
    /** What the file's client and workers logged, kept instead of printed. */
    logs,
    async worker(options: WorkerArgs) {
      const worker = createWorker({
        client: env.client,
        leaseMs: 5000,
        maxPollIntervalMs: 100,
        logger: logs,
        ...options,
      });
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
  readonly at: number;
}

/** The run's events of every iteration, in log order. */
export async function historyOf(client: Client, namespace: string, workflow: string, runId: string) {
  const events = await client.getHistory(namespace, workflow, runId, { iteration: "all" });
  return events.map(
    ({ iteration, pos, type, target, seq, payload, at }): EventRow => ({
      iteration,
      pos,
      type,
      target,
      seq,
      payload,
      at,
    }),
  );
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

/** What `promise` rejects with; a promise that resolves fails the test. */
export function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error as Error,
  );
}
