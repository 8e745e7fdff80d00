import { createPool, type Pool } from "mysql2/promise";
import { toMillis } from "../duration.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, encodePayload, validateName } from "../json.js";
import { loadCursor, saveCursor } from "../store/mysql/cursors.js";
import { type Endpoint, endpointOf, mapUnreachable } from "../store/mysql/db-errors.js";
import { migrate } from "../store/mysql/migrate.js";
import { DEFAULT_PREFIX, validatePrefix } from "../store/mysql/prefix.js";
import { selectRun, selectRunPage } from "../store/mysql/reads.js";
import { inTransaction } from "../store/mysql/transaction.js";
import { insertRun, insertSignal, type RunKey, requestCancel } from "../store/mysql/writes.js";
import type { Client, Clock, ListRunsFilter, StreamEvent, StreamOptions, Transaction } from "../types.js";
import { awaitRunResult } from "./await-result.js";
import { createDbClock, type DbClock } from "./clock.js";
import { endpointOfUri, guardIterable } from "./guard.js";
import { createLocalBus } from "./local-bus.js";
import type { ClientConnection, ClientOptions } from "./options.js";
import { streamEvents } from "./stream.js";

/** The runtime client, plus `ready()`. */
export interface ReplayClient extends Client {
  /**
   * Resolves once the database answered and the default clock measured its offset to the
   * database clock. Optional: every write awaits it on first use. Rejects with
   * DatabaseUnreachableError when the server cannot be reached.
   */
  ready(): Promise<void>;
}

/**
 * Creates the untyped client.
 *
 * @example
 * const client = createClient({ uri: "mysql://root@127.0.0.1:3306/app" });
 * await client.migrate();
 * await client.runWorkflow("shop", "order", "order-42", { sku: "A1" });
 * const result = await client.awaitResult("shop", "order", "order-42", { timeout: "30s" });
 * await client.close();
 */
export function createClient(connection: ClientConnection, options: ClientOptions = {}): ReplayClient {
  const prefix = validatePrefix(options.prefix ?? DEFAULT_PREFIX);
  const ownsPool = "uri" in connection;
  const pool: Pool = ownsPool ? createPool({ uri: connection.uri, timezone: "Z" }) : connection.pool;
  const endpoint: Endpoint = ownsPool ? endpointOfUri(connection.uri) : endpointOf(pool);
  const dbClock = options.clock === undefined ? createDbClock(pool) : undefined;
  const clock: Clock = options.clock ?? (dbClock as DbClock);
  const local = options.local ?? createLocalBus();
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const guard = <T>(work: () => Promise<T>): Promise<T> => mapUnreachable(endpoint, work);

  let readiness: Promise<void> | undefined;
  /** Resolves once the database answered and the clock is synced; `via` = the caller's tx, if any. */
  const ready = (via?: Transaction): Promise<void> => {
    const check = (): Promise<void> =>
      dbClock ? dbClock.sync(via) : (via ?? pool).query("SELECT 1").then(() => undefined);
    readiness ??= guard(check).catch((error: unknown) => {
      readiness = undefined; // let the next call try again
      throw error;
    });
    return readiness;
  };
  const runKey = (namespace: unknown, workflow: unknown, runId: unknown): RunKey => ({
    namespace: validateName("namespace", namespace),
    workflow: validateName("workflow", workflow),
    runId: validateName("runId", runId),
  });

  const client: ReplayClient = {
    pool,
    prefix,
    clock,
    maxPayloadBytes,
    local,
    ready: () => ready(),
    migrate: () => migrate(pool, { prefix }),

    async runWorkflow(namespace, workflow, runId, input, opts = {}) {
      const run = runKey(namespace, workflow, runId);
      const inputJson = encodePayload("input", input, maxPayloadBytes);
      await ready(opts.tx);
      const now = clock.now();
      const created = await guard(() =>
        inTransaction(pool, opts.tx, (conn) => insertRun(conn, prefix, run, inputJson, now)),
      );
      // With `tx` the write is not committed yet: wake without naming the run, so workers poll
      // soon instead of looking at a row they cannot see. A spurious wake-up is harmless.
      const fresh = { workflow: run.workflow, runId: run.runId, fresh: { inputText: inputJson, createdAt: now } };
      if (created) local.wake(run.namespace, opts.tx ? undefined : fresh);
      return created;
    },

    async signalRun(namespace, workflow, runId, signal, message, externalId, opts = {}) {
      const run = runKey(namespace, workflow, runId);
      const row = {
        signal: validateName("signal", signal),
        externalId: validateName("externalId", externalId),
        messageJson: encodePayload("message", message, maxPayloadBytes),
      };
      await ready(opts.tx);
      const sent = await guard(() =>
        inTransaction(pool, opts.tx, (conn) => insertSignal(conn, prefix, run, row, clock.now())),
      );
      if (sent) local.wake(run.namespace, opts.tx ? undefined : run);
      return sent;
    },

    async cancelRun(namespace, workflow, runId) {
      const run = runKey(namespace, workflow, runId);
      await ready();
      const requested = await guard(() =>
        inTransaction(pool, undefined, (conn) => requestCancel(conn, prefix, run, clock.now())),
      );
      if (requested) local.wake(run.namespace, run);
      return requested;
    },

    async getRun(namespace, workflow, runId) {
      const run = runKey(namespace, workflow, runId);
      return guard(() => selectRun(pool, prefix, run));
    },

    async listRuns(filter: ListRunsFilter) {
      validateName("namespace", filter.namespace);
      if (filter.workflow !== undefined) validateName("workflow", filter.workflow);
      return guard(() => selectRunPage(pool, prefix, filter));
    },

    async awaitResult(namespace, workflow, runId, opts = {}) {
      const run = runKey(namespace, workflow, runId);
      const timeoutMs = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
      return awaitRunResult(client, run.namespace, run.workflow, run.runId, timeoutMs);
    },

    stream(opts: StreamOptions): AsyncIterable<StreamEvent> {
      validateStreamOptions(opts);
      return guardIterable(endpoint, streamEvents({ pool, prefix, local }, opts));
    },

    async consume(consumer, opts, handler) {
      const name = validateName("consumer", consumer);
      validateStreamOptions(opts);
      const stored = await guard(() => loadCursor(pool, prefix, opts.namespace, name));
      // A stored cursor wins over opts.after: `after` only places a new consumer.
      const after = stored ?? opts.after ?? 0;
      for await (const event of client.stream({ ...opts, after })) {
        await handler(event);
        await guard(() => saveCursor(pool, prefix, opts.namespace, name, event.id, clock.now()));
      }
    },

    async close() {
      if (ownsPool) await pool.end();
    },
  };
  return client;
}

function validateStreamOptions(opts: StreamOptions): void {
  validateName("namespace", opts.namespace);
  if (opts.workflow !== undefined) validateName("workflow", opts.workflow);
  if (opts.runId !== undefined) validateName("runId", opts.runId);
}
