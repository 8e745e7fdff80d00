import type { Pool } from "mysql2/promise";
import { ReplayError } from "../../errors.js";
import type { RunKey } from "../../history/index.js";
import type { DueSchedule, TickPlan } from "../../schedule/plan.js";
import type { Transaction } from "../../types.js";
import type { QueueLimits } from "../queue-rules.js";
import type { ListRunsFilter } from "../records.js";
import type {
  ClaimOptions,
  CountFilter,
  EventFilter,
  ForkRequest,
  HistoryOptions,
  NewRun,
  NewSignal,
  PurgeRequest,
  ScheduleSpec,
  StepWrite,
  Store,
} from "../types.js";
import { claimRuns, configureQueue, nextWake, readRun } from "./claim.js";
import { countRuns } from "./counts.js";
import { loadCursor, saveCursor } from "./cursors.js";
import { type Endpoint, mapUnreachable } from "./db-errors.js";
import { lastEventId, readBatch } from "./event-reader.js";
import { loadHistory, loadSignals, loadTasks, recordHeartbeat, selectHistory } from "./history.js";
import { inspectRun } from "./inspect.js";
import { heldRuns, park, release, releaseAll, renewLeases } from "./leases.js";
import { migrate } from "./migrate.js";
import { forkRun, resumeRun } from "./operations.js";
import { purgeRuns } from "./purge.js";
import { selectNamespaces, selectRun, selectRunPage } from "./reads.js";
import {
  deleteSchedule,
  fireSchedules,
  getSchedule,
  listSchedules,
  saveSchedule,
  setSchedulePaused,
} from "./schedules.js";
import { writeSteps } from "./step-writer.js";
import { inTransaction } from "./transaction.js";
import { insertRun, insertSignal, requestCancel } from "./writes.js";

/**
 * The Store on MySQL 8 / MariaDB 10.6+: the only place with SQL. Every call turns a lost or
 * refused connection into DatabaseUnreachableError naming the endpoint.
 */
export class MySqlStore implements Store {
  readonly description: string;
  readonly pool: Pool;
  readonly prefix: string;
  readonly #endpoint: Endpoint;
  readonly #ownsPool: boolean;

  constructor(pool: Pool, prefix: string, endpoint: Endpoint, ownsPool: boolean) {
    this.pool = pool;
    this.prefix = prefix;
    this.#endpoint = endpoint;
    this.#ownsPool = ownsPool;
    this.description = `MySQL at ${endpoint.host}:${endpoint.port}`;
  }

  #guard<T>(work: (pool: Pool, prefix: string) => Promise<T>): Promise<T> {
    return mapUnreachable(this.#endpoint, () => work(this.pool, this.prefix));
  }

  claim(options: ClaimOptions) {
    return this.#guard((pool, p) => claimRuns(pool, p, options));
  }
  readRun(key: RunKey, owner: string, now: number) {
    return this.#guard((pool, p) => readRun(pool, p, key, owner, now));
  }
  nextWake(namespace: string, now: number, queues: readonly string[]) {
    return this.#guard((pool, p) => nextWake(pool, p, namespace, now, queues));
  }
  fireSchedules(namespace: string, now: number, plan: (due: DueSchedule) => TickPlan) {
    return this.#guard((pool, p) => fireSchedules(pool, p, namespace, now, plan));
  }
  saveSchedule(spec: ScheduleSpec, nextTick: number | undefined, now: number) {
    return this.#guard((pool, p) => saveSchedule(pool, p, spec, nextTick, now));
  }
  getSchedule(namespace: string, id: string) {
    return this.#guard((pool, p) => getSchedule(pool, p, namespace, id));
  }
  listSchedules(namespace: string) {
    return this.#guard((pool, p) => listSchedules(pool, p, namespace));
  }
  setSchedulePaused(namespace: string, id: string, paused: boolean, nextTick: number | undefined, now: number) {
    return this.#guard((pool, p) => setSchedulePaused(pool, p, namespace, id, paused, nextTick, now));
  }
  deleteSchedule(namespace: string, id: string) {
    return this.#guard((pool, p) => deleteSchedule(pool, p, namespace, id));
  }
  configureQueue(namespace: string, queue: string, limits: QueueLimits, now: number) {
    return this.#guard((pool, p) => configureQueue(pool, p, namespace, queue, limits, now));
  }
  loadHistory(key: RunKey, iteration: number) {
    return this.#guard((pool, p) => loadHistory(pool, p, key, iteration));
  }
  loadTasks(key: RunKey, iteration: number) {
    return this.#guard((pool, p) => loadTasks(pool, p, key, iteration));
  }
  loadSignals(key: RunKey, names: readonly string[]) {
    return this.#guard((pool, p) => loadSignals(pool, p, key, names));
  }
  renewLeases(runs: readonly RunKey[], owner: string, until: number) {
    return this.#guard((pool, p) => renewLeases(pool, p, runs, owner, until));
  }
  heldRuns(runs: readonly RunKey[], owner: string) {
    return this.#guard((pool, p) => heldRuns(pool, p, runs, owner));
  }
  releaseAll(namespace: string, owner: string, now: number) {
    return this.#guard((pool, p) => releaseAll(pool, p, namespace, owner, now));
  }
  release(key: RunKey, owner: string, wakeAt: number) {
    return this.#guard((pool, p) => release(pool, p, key, owner, wakeAt));
  }
  recordHeartbeat(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number; readonly attempt: number },
    detailsText: string,
    now: number,
  ) {
    return this.#guard((pool, p) => recordHeartbeat(pool, p, key, iteration, task, detailsText, now));
  }
  park(key: RunKey, owner: string, errorText: string, now: number) {
    return this.#guard((pool, p) => park(pool, p, key, owner, errorText, now));
  }
  commit(steps: readonly StepWrite[]) {
    return this.#guard((pool, p) => writeSteps(pool, p, steps));
  }

  migrate() {
    return migrate(this.pool, { prefix: this.prefix });
  }
  ready(tx?: unknown) {
    return this.#guard(async (pool) => {
      await (asTransaction(tx) ?? pool).query("SELECT 1");
    });
  }
  createRun(run: NewRun, tx?: unknown) {
    return this.#guard((pool, p) => inTransaction(pool, asTransaction(tx), (conn) => insertRun(conn, p, run)));
  }
  addSignal(key: RunKey, signal: NewSignal, now: number, tx?: unknown) {
    return this.#guard((pool, p) =>
      inTransaction(pool, asTransaction(tx), (conn) => insertSignal(conn, p, key, signal, now)),
    );
  }
  requestCancel(key: RunKey, now: number) {
    return this.#guard((pool, p) => inTransaction(pool, undefined, (conn) => requestCancel(conn, p, key, now)));
  }
  getRun(key: RunKey) {
    return this.#guard((pool, p) => selectRun(pool, p, key));
  }
  resumeRun(key: RunKey, codeVersion: string | undefined, now: number) {
    return this.#guard((pool, p) =>
      inTransaction(pool, undefined, (conn) => resumeRun(conn, p, key, codeVersion, now)),
    );
  }
  forkRun(request: ForkRequest) {
    return this.#guard((pool, p) => inTransaction(pool, undefined, (conn) => forkRun(conn, p, request)));
  }
  listRuns(filter: ListRunsFilter) {
    return this.#guard((pool, p) => selectRunPage(pool, p, filter));
  }
  listNamespaces() {
    return this.#guard((pool, p) => selectNamespaces(pool, p));
  }
  inspectRun(key: RunKey) {
    return this.#guard((pool, p) => inspectRun(pool, p, key));
  }
  purgeRuns(request: PurgeRequest) {
    return this.#guard((pool, p) => purgeRuns(pool, p, request));
  }
  countRuns(filter: CountFilter, now: number) {
    return this.#guard((pool, p) => countRuns(pool, p, filter, now));
  }
  getHistory(key: RunKey, options?: HistoryOptions) {
    return this.#guard((pool, p) => selectHistory(pool, p, key, options));
  }
  lastEventId() {
    return this.#guard((pool, p) => lastEventId(pool, p));
  }
  readEvents(cursor: number, filter: EventFilter) {
    return this.#guard((pool, p) => readBatch(pool, p, cursor, filter));
  }
  loadCursor(namespace: string, consumer: string) {
    return this.#guard((pool, p) => loadCursor(pool, p, namespace, consumer));
  }
  saveCursor(namespace: string, consumer: string, lastId: number, now: number) {
    return this.#guard((pool, p) => saveCursor(pool, p, namespace, consumer, lastId, now));
  }
  async close() {
    if (this.#ownsPool) await this.pool.end();
  }
}

/** The caller's `{ tx }`: a mysql2/promise connection, or a clear error. */
export function asTransaction(tx: unknown): Transaction | undefined {
  if (tx === undefined) return undefined;
  if (typeof tx === "object" && tx !== null && typeof (tx as { query?: unknown }).query === "function") {
    return tx as Transaction;
  }
  throw new ReplayError(
    "INVALID_TX",
    `invalid { tx }: expected a mysql2/promise connection on which you began a transaction, got ${tx === null ? "null" : typeof tx}`,
  );
}
