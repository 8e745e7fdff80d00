import type { Pool, ResultSetHeader } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { type RunKey, RunStatus } from "../../history/index.js";
import type { WorkerFilter } from "../rules/claim-filter.js";
import { type RunSnapshot, takenByRead } from "../rules/lease.js";
import {
  claimOrder,
  decodeStarts,
  encodeStarts,
  limitsBind,
  pickQueued,
  planCandidates,
  type QueueLimits,
  startsInWindow,
} from "../rules/queue-picking.js";
import { INBOX_READ_ALONG, inboxReadAlong } from "../rules/signals.js";
import { stallsAfterClaim } from "../rules/stalls.js";
import { type ClaimedRun, type ClaimOptions, FRESH_VERSION, type InboxSignal } from "../types.js";
import { dueUnheldSql, workerTakesSql } from "./claim-filter.js";
import { isLockConflict } from "./db-errors.js";
import { inboxSignalOf } from "./history.js";
import { presentOwners } from "./presence.js";
import { dueLeft, queueLeaseTable, queueNextTable, readCandidates, runsInProgress } from "./queue-picking.js";
import { nullableText, type Row, text } from "./rows.js";
import { whereRunKeys } from "./run-keys.js";
import { qualified, type Statement } from "./statements.js";
import { inTransaction } from "./transaction.js";

const CLAIM_COLUMNS =
  "workflow, run_id, iteration, version, next_pos, wake_gen, request_gen, cancel_requested, code_version, seed, seed_iteration, deadline, queue, scheduled_at, stalls, stall_mark, wanted_activity, lease_owner, trace_context, wake_at";

/**
 * Leases up to `limit` due runs that nobody holds a live lease on: of the default queue, or of
 * `options.queue` within its limits. READ COMMITTED and SKIP LOCKED: claimers on other
 * workers skip each other's rows instead of queueing on them.
 *
 * On Galera, row locks are local to a node: claimers on two nodes can pick the same run, and
 * the second to commit fails certification (errno 1213). It then claimed nothing, which is
 * what a lost race means, so the caller simply claims again.
 */
export async function claimRuns(pool: Pool, p: string, options: ClaimOptions): Promise<ClaimedRun[]> {
  try {
    return options.queue === undefined
      ? await claimDefault(pool, p, options)
      : await claimQueued(pool, p, options, options.queue);
  } catch (error) {
    if (isLockConflict(error)) return [];
    throw error;
  }
}

/** Claims from the default queue (runs without a queue). */
async function claimDefault(pool: Pool, p: string, options: ClaimOptions): Promise<ClaimedRun[]> {
  const { namespace, now, limit } = options;
  const filter = workerTakesSql(options);
  // A read without locks first: most claims find nothing, and then cost one round trip, not four.
  // d_wake is wake_at of runs without a queue (migration 17): a queue's backlog is not on
  // runs_default_wake, so neither read walks it.
  const [probe] = await pool.query<Row[]>(
    `SELECT 1 FROM ${defaultWakeTable(p)}
      WHERE namespace = ? AND ${dueUnheldSql("d_wake")}${filter.sql}
      LIMIT 1`,
    [namespace, now, now, ...filter.args],
  );
  if (probe.length === 0) return [];
  return inTransaction(
    pool,
    undefined,
    async (conn) => {
      const [rows] = await conn.query<Row[]>(
        `SELECT ${CLAIM_COLUMNS} FROM ${defaultWakeTable(p)}
          WHERE namespace = ? AND ${dueUnheldSql("d_wake")}${filter.sql}
          ORDER BY d_wake LIMIT ? FOR UPDATE SKIP LOCKED`,
        [namespace, now, now, ...filter.args, limit],
      );
      return lease(conn, p, options, rows);
    },
    "READ COMMITTED",
  );
}

/**
 * The runs table read through runs_default_wake, in wake time order: left to itself the
 * optimizer may prefer a primary-key range over the worker's workflows (every run of them,
 * ended ones included: O(runs) a poll).
 */
function defaultWakeTable(p: string): string {
  return `${p}runs FORCE INDEX (${p}runs_default_wake)`;
}

/** Writes the lease of the locked rows and returns them as claimed runs. */
async function lease(conn: Transaction, p: string, options: ClaimOptions, rows: readonly Row[]): Promise<ClaimedRun[]> {
  if (rows.length === 0) return [];
  const { namespace, owner, now, leaseMs } = options;
  const holderOf = (row: Row) => (row.lease_owner === null ? null : text(row.lease_owner));
  // Holders that let a marked run's lease run out: is each still there (frozen) or gone? Rare.
  const marked = rows.filter((row) => Number(row.stall_mark) === 1).map(holderOf);
  const asked = [...new Set(marked)].filter((holder): holder is string => holder !== null && holder !== owner);
  const present = await presentOwners(conn, p, asked);
  const claimed = rows.map((row) => ({
    ...toClaimed(namespace, row),
    ...stallsAfterClaim(holderOf(row), owner, Number(row.stalls), Number(row.stall_mark) === 1, (holder) =>
      present.has(holder),
    ),
  }));
  const where = whereRunKeys(claimed);
  // stallsAfterClaim's and keepsStallMark's rules (rules/stalls.ts), but for the counted stalls,
  // written below. Assignments run left to right: `stalls` and `stall_mark` read lease_owner
  // before it is overwritten.
  await conn.query(
    `UPDATE ${p}runs SET stalls = IF(lease_owner IS NULL, 0, stalls),
            stall_mark = IF(lease_owner = ?, stall_mark, 0), lease_owner = ?, lease_until = ? WHERE ${where.sql}`,
    [owner, owner, now + leaseMs, ...where.args],
  );
  const counted = claimed.filter((run, i) => run.stalls > Number(rows[i]?.stalls));
  for (const run of counted)
    await conn.query(`UPDATE ${p}runs SET stalls = ? WHERE namespace = ? AND workflow = ? AND run_id = ?`, [
      run.stalls,
      run.namespace,
      run.workflow,
      run.runId,
    ]);
  return claimed;
}

/**
 * Claims from a queue within its limits (queue-picking.ts). The queue's row is locked first, so
 * claims of one queue are serialised across workers: the runs in progress that the limits are
 * checked against cannot change under a claim (a run leaves progress only by giving up its
 * lease, which never adds one).
 */
async function claimQueued(pool: Pool, p: string, options: ClaimOptions, queue: string): Promise<ClaimedRun[]> {
  const may = await mayClaim(pool, p, options.namespace, queue, options.now);
  if (may === "limited") options.heldBack?.();
  if (may !== "yes") return [];
  return inTransaction(pool, undefined, (conn) => claimQueuedIn(conn, p, options, queue), "READ COMMITTED");
}

async function claimQueuedIn(
  conn: Transaction,
  p: string,
  options: ClaimOptions,
  queue: string,
): Promise<ClaimedRun[]> {
  const { namespace, now, limit } = options;
  const { limits, window } = await lockQueue(conn, p, namespace, queue, now);
  const state = {
    free: limit,
    inProgress: await runsInProgress(conn, p, namespace, queue, limits, now),
    recentStarts: window.length,
  };
  const keyed = limits.keyConcurrency !== undefined;
  // Without per-key limits the candidates are locked as they are read (one round trip less).
  const read = {
    namespace,
    queue,
    now,
    filter: workerTakesSql(options),
    lock: !keyed,
    oneWorkflow: options.can.workflows.length === 1,
  };
  const plan = planCandidates(limits, state);
  const candidates = await readCandidates(conn, p, CLAIM_COLUMNS, read, plan);
  const picked = pickQueued(claimOrder(candidates.map(queueCandidate), keyed), limits, state);
  const rows =
    keyed && picked.length > 0 ? await lockPicked(conn, p, namespace, picked, now) : picked.map((run) => run.row);
  const claimed = await lease(conn, p, options, rows);
  if (claimed.length < limit && limitsBind(plan, limit) && (await dueLeft(conn, p, read))) options.heldBack?.();
  const started = claimed.filter((run) => run.version === FRESH_VERSION).map(() => now);
  if (limits.rateLimit !== undefined && started.length > 0) {
    await conn.query(`UPDATE ${p}queues SET recent_starts = ? WHERE namespace = ? AND name = ?`, [
      encodeStarts([...window, ...started]),
      namespace,
      queue,
    ]);
  }
  return claimed;
}

/** Locks the queue's row: its limits, and the start times still inside its rate window. */
async function lockQueue(
  conn: Transaction,
  p: string,
  namespace: string,
  queue: string,
  now: number,
): Promise<{ limits: QueueLimits; window: number[] }> {
  const [queues] = await conn.query<Row[]>(
    `SELECT concurrency, key_concurrency, rate_limit, rate_period_ms, recent_starts FROM ${p}queues
      WHERE namespace = ? AND name = ? FOR UPDATE`,
    [namespace, queue],
  );
  const limits = limitsOf(queues[0]);
  return { limits, window: startsInWindow(decodeStarts(nullableText(queues[0]?.recent_starts)), limits, now) };
}

function queueCandidate(row: Row) {
  return {
    workflow: text(row.workflow),
    runId: text(row.run_id),
    concurrencyKey: nullableText(row.concurrency_key),
    priority: Number(row.priority),
    fresh: Number(row.version) === FRESH_VERSION,
    wakeAt: Number(row.wake_at),
    createdAt: Number(row.created_at),
    row,
  };
}

/** Locks the picked runs (read without locks, in key order), skipping any taken meanwhile. */
async function lockPicked(
  conn: Transaction,
  p: string,
  namespace: string,
  picked: readonly { workflow: string; runId: string }[],
  now: number,
): Promise<Row[]> {
  const keys = whereRunKeys(picked.map((run) => ({ namespace, workflow: run.workflow, runId: run.runId })));
  const [rows] = await conn.query<Row[]>(
    `SELECT ${CLAIM_COLUMNS} FROM ${p}runs WHERE ${keys.sql} AND ${dueUnheldSql("q_wake")} FOR UPDATE SKIP LOCKED`,
    [...keys.args, now, now],
  );
  return rows;
}

/**
 * A read without locks before the claim transaction: is a run of the queue due, and is a slot
 * free? A queue at its limit then costs its claimers one round trip, not a locked transaction.
 * "limited": runs are due but every slot is taken. Both subqueries read an index alone
 * (runs_queue_lease; runs_queue_next up to the first due run nobody holds).
 */
async function mayClaim(
  pool: Pool,
  p: string,
  namespace: string,
  queue: string,
  now: number,
): Promise<"yes" | "nothing due" | "limited"> {
  const [rows] = await pool.query<Row[]>(
    `SELECT q.concurrency,
            (SELECT COUNT(*) FROM ${queueLeaseTable(p)} WHERE namespace = ? AND queue = ? AND q_lease >= ?) AS busy,
            EXISTS (SELECT 1 FROM ${queueNextTable(p)}
                     WHERE namespace = ? AND queue = ? AND q_fresh IS NOT NULL AND ${dueUnheldSql("q_wake")}) AS due
       FROM (SELECT 1 AS one) o LEFT JOIN ${p}queues q ON q.namespace = ? AND q.name = ?`,
    [namespace, queue, now, namespace, queue, now, now, namespace, queue],
  );
  const row = rows[0];
  if (row === undefined || Number(row.due) !== 1) return "nothing due";
  return row.concurrency === null || Number(row.busy) < Number(row.concurrency) ? "yes" : "limited";
}

function limitsOf(row: Row | undefined): QueueLimits {
  if (row === undefined) return {};
  const rate =
    row.rate_limit === null || row.rate_period_ms === null
      ? undefined
      : { limit: Number(row.rate_limit), periodMs: Number(row.rate_period_ms) };
  return {
    ...(row.concurrency === null ? {} : { concurrency: Number(row.concurrency) }),
    ...(row.key_concurrency === null ? {} : { keyConcurrency: Number(row.key_concurrency) }),
    ...(rate === undefined ? {} : { rateLimit: rate }),
  };
}

/** See EngineStore.configureQueue. */
export async function configureQueue(
  pool: Pool,
  p: string,
  namespace: string,
  queue: string,
  limits: QueueLimits,
  now: number,
): Promise<void> {
  const values = [
    limits.concurrency ?? null,
    limits.keyConcurrency ?? null,
    limits.rateLimit?.limit ?? null,
    limits.rateLimit?.periodMs ?? null,
  ];
  await pool.query(
    `INSERT INTO ${p}queues (namespace, name, concurrency, key_concurrency, rate_limit, rate_period_ms, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE concurrency = ?, key_concurrency = ?, rate_limit = ?, rate_period_ms = ?, updated_at = ?`,
    [namespace, queue, ...values, now, ...values, now],
  );
}

/**
 * See EngineStore.readRun. The input comes along when the run is fresh, so its history needs no
 * read; the unconsumed signals come along (one statement, so they are the inbox as of the
 * wake_gen read) unless there are more than INBOX_READ_ALONG (rules/signals.ts), of which one
 * more is read to tell.
 */
export async function readRun(
  pool: Pool,
  p: string,
  key: RunKey,
  owner: string,
  now: number,
): Promise<ClaimedRun | undefined> {
  const read = readRunStatement(p, key);
  const [rows] = await pool.query<Row[]>(read.sql, read.args);
  return takenByRead(runSnapshotOf(key, rows), owner, now);
}

/** The run by key with its unconsumed signals (at most INBOX_READ_ALONG, and one more to tell): readRun's one statement. */
export function readRunStatement(p: string, key: RunKey): Statement {
  return {
    sql: `SELECT ${qualified("r", CLAIM_COLUMNS.split(", "))}, r.status, r.paused, r.lease_owner, r.lease_until, r.created_at,
            IF(r.version = ?, r.input, NULL) AS fresh_input,
            s.id AS s_id, s.signal_name AS s_signal_name, s.external_id AS s_external_id, s.payload AS s_payload,
            s.created_at AS s_created_at
       FROM ${p}runs AS r LEFT JOIN ${p}signals AS s
         ON s.namespace = r.namespace AND s.workflow = r.workflow AND s.run_id = r.run_id AND s.consumed_iteration IS NULL
      WHERE r.namespace = ? AND r.workflow = ? AND r.run_id = ?
      ORDER BY s.id LIMIT ?`,
    args: [FRESH_VERSION, key.namespace, key.workflow, key.runId, INBOX_READ_ALONG + 1],
  };
}

/** The rows of readRunStatement as the run they found (undefined: no run), before the reader's checks (takenByRead). */
export function runSnapshotOf(key: RunKey, rows: readonly Row[]): RunSnapshot<ClaimedRun> | undefined {
  const row = rows[0];
  if (row === undefined) return undefined;
  const claimed = { ...toClaimed(key.namespace, row), signals: inboxAlong(rows) };
  const read = {
    status: text(row.status),
    paused: Number(row.paused) === 1,
    leaseOwner: nullableText(row.lease_owner),
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
  };
  if (row.fresh_input === null) return { ...read, claimed };
  const fresh = {
    inputText: text(row.fresh_input),
    createdAt: Number(row.created_at),
    codeVersion: claimed.codeVersion,
    traceContext: claimed.traceContext,
  };
  return { ...read, claimed: { ...claimed, fresh } };
}

/** The signals read along with a run (see readRun), or undefined when there were too many to read whole. */
function inboxAlong(rows: readonly Row[]): InboxSignal[] | undefined {
  return inboxReadAlong(rows.filter((row) => row.s_id !== null))?.map((row) => inboxSignalOf(row, "s_"));
}

/**
 * See EngineStore.claimRun. One autocommitted update of a primary-key row: claimers elsewhere
 * skip the row while it is locked and find it leased after, so one of them and this take it.
 * The lease condition is leasableByKey (rules/lease.ts). A run nobody holds has no stalls to
 * carry over (as in lease()); one this owner's claim leased keeps what that claim counted.
 * Assignments run left to right: `stalls` and `stall_mark` read lease_owner before it is set.
 */
export async function claimRun(
  pool: Pool,
  p: string,
  key: RunKey,
  version: number,
  options: { owner: string; now: number; leaseMs: number },
): Promise<ClaimedRun | undefined> {
  const { owner, now, leaseMs } = options;
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE ${p}runs SET stalls = IF(lease_owner IS NULL, 0, stalls), stall_mark = IF(lease_owner IS NULL, 0, stall_mark),
            lease_owner = ?, lease_until = ?
      WHERE namespace = ? AND workflow = ? AND run_id = ? AND status = ? AND version = ?
        AND (lease_owner IS NULL OR lease_owner = ?) AND queue IS NULL AND paused = 0`,
    [owner, now + leaseMs, key.namespace, key.workflow, key.runId, RunStatus.Running, version, owner],
  );
  if (result.affectedRows !== 1) return undefined;
  return readRun(pool, p, key, owner, now);
}

/**
 * See EngineStore.nextWake. A due default-queue run means "claim again now": it became due,
 * or was locked, while the last claim ran. The worker's claim filter (workerTakesSql) applies
 * to every part, as in the claims.
 */
export async function nextWake(
  pool: Pool,
  p: string,
  namespace: string,
  now: number,
  queues: readonly string[],
  worker: WorkerFilter,
): Promise<number | undefined> {
  const filter = workerTakesSql(worker);
  // One read a queue, each a walk of runs_queue_wake from `now` that stops at the first run
  // the worker takes (an IN list of queues would be a range over all their waiting runs).
  const queued = queues.map(
    () => `UNION ALL (SELECT q_wake FROM ${p}runs FORCE INDEX (${p}runs_queue_wake)
             WHERE namespace = ? AND queue = ? AND q_wake > ?${filter.sql} ORDER BY q_wake LIMIT 1)`,
  );
  const [rows] = await pool.query<Row[]>(
    // The first wake walks runs_default_wake in wake time order and stops at the first run it
    // may claim (see defaultWakeTable).
    `SELECT MIN(next) AS next FROM (
       (SELECT d_wake AS next FROM ${defaultWakeTable(p)}
         WHERE namespace = ? AND d_wake IS NOT NULL AND (lease_until IS NULL OR lease_until < ?)${filter.sql}
         ORDER BY d_wake LIMIT 1)
       ${queued.join("\n       ")}
       UNION ALL SELECT MIN(next_tick) FROM ${p}schedules WHERE namespace = ? AND paused = 0) wakes`,
    [namespace, now, ...filter.args, ...queues.flatMap((queue) => [namespace, queue, now, ...filter.args]), namespace],
  );
  const next = rows[0]?.next;
  return next === null || next === undefined ? undefined : Number(next);
}

function toClaimed(namespace: string, row: Row): ClaimedRun {
  return {
    namespace,
    workflow: text(row.workflow),
    runId: text(row.run_id),
    iteration: Number(row.iteration),
    version: Number(row.version),
    nextPos: Number(row.next_pos),
    wakeGen: Number(row.wake_gen),
    requestGen: Number(row.request_gen),
    cancelRequested: Number(row.cancel_requested) === 1,
    codeVersion: row.code_version === null ? undefined : text(row.code_version),
    seed: row.seed === null ? undefined : text(row.seed),
    seedIteration:
      row.seed_iteration === null || row.seed_iteration === undefined ? undefined : Number(row.seed_iteration),
    deadline: row.deadline === null ? undefined : Number(row.deadline),
    queue: row.queue === null ? undefined : text(row.queue),
    scheduledAt: row.scheduled_at === null ? undefined : Number(row.scheduled_at),
    wantedActivity:
      row.wanted_activity === null || row.wanted_activity === undefined ? undefined : text(row.wanted_activity),
    traceContext: row.trace_context === null || row.trace_context === undefined ? undefined : text(row.trace_context),
    dueAt: row.wake_at === null || row.wake_at === undefined ? undefined : Number(row.wake_at),
  };
}
