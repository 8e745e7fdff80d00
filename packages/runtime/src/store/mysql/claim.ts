import type { Pool, PoolConnection } from "mysql2/promise";
import { type RunKey, RunStatus } from "../../history/index.js";
import type { Transaction } from "../../types.js";
import { stallsAfterClaim } from "../commit-rules.js";
import { decodeStarts, encodeStarts, pickQueued, type QueueLimits, startsInWindow } from "../queue-rules.js";
import { type ClaimedRun, type ClaimOptions, FRESH_VERSION, type WorkerAbilities } from "../types.js";
import { isLockConflict } from "./db-errors.js";
import { takesMultipleStatements } from "./lane.js";
import { nullableText, type Row, text } from "./rows.js";
import { whereRunKeys } from "./run-keys.js";
import { inTransaction } from "./transaction.js";

const CLAIM_COLUMNS =
  "workflow, run_id, iteration, version, next_pos, wake_gen, cancel_requested, code_version, seed, deadline, queue, scheduled_at, stalls, stall_mark, wanted_activity, lease_owner, trace_context, wake_at";

/** The worker's own filters: its shards and code version, and what it can run. */
function workerFilter(options: Pick<ClaimOptions, "shards" | "version" | "can">): { sql: string; args: unknown[] } {
  const { shards, version } = options;
  const can = abilitiesFilter(options.can);
  const sql = [
    shards ? " AND MOD(shard, ?) = ?" : "",
    version === undefined ? "" : " AND (code_version IS NULL OR code_version = ?)",
    can.sql,
  ].join("");
  return {
    sql,
    args: [...(shards ? [shards.count, shards.index] : []), ...(version === undefined ? [] : [version]), ...can.args],
  };
}

/** Runs of the worker's workflows that do not wait for an activity it lacks. */
function abilitiesFilter(can: WorkerAbilities): { sql: string; args: unknown[] } {
  const wanted =
    can.activities.length === 0 ? "wanted_activity IS NULL" : "(wanted_activity IS NULL OR wanted_activity IN (?))";
  return {
    sql: ` AND workflow IN (?) AND ${wanted}`,
    args: [can.workflows, ...(can.activities.length === 0 ? [] : [can.activities])],
  };
}

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
  const filter = workerFilter(options);
  // A read without locks first: most claims find nothing, and then cost one round trip, not four.
  // d_wake is wake_at for runs without a queue, NULL for queued ones: a queue's backlog is not
  // on runs_default_wake, so it is not walked here.
  const [probe] = await pool.query<Row[]>(
    `SELECT 1 FROM ${p}runs FORCE INDEX (${p}runs_default_wake)
      WHERE namespace = ? AND d_wake <= ? AND (lease_until IS NULL OR lease_until < ?)${filter.sql}
      LIMIT 1`,
    [namespace, now, now, ...filter.args],
  );
  if (probe.length === 0) return [];
  return inTransaction(
    pool,
    undefined,
    async (conn) => {
      const [rows] = await conn.query<Row[]>(
        `SELECT ${CLAIM_COLUMNS} FROM ${p}runs FORCE INDEX (${p}runs_default_wake)
          WHERE namespace = ? AND d_wake <= ? AND (lease_until IS NULL OR lease_until < ?)${filter.sql}
          ORDER BY d_wake LIMIT ? FOR UPDATE SKIP LOCKED`,
        [namespace, now, now, ...filter.args, limit],
      );
      return lease(conn, p, options, rows);
    },
    "READ COMMITTED",
  );
}

/** Writes the lease of the locked rows and returns them as claimed runs. */
async function lease(conn: Transaction, p: string, options: ClaimOptions, rows: readonly Row[]): Promise<ClaimedRun[]> {
  if (rows.length === 0) return [];
  const claimed = claimedOf(options, rows);
  const update = leaseStatement(p, options, claimed);
  await conn.query(update.sql, update.args);
  return claimed;
}

/** The locked rows as claimed runs, with their stall counts after this claim. */
function claimedOf(options: ClaimOptions, rows: readonly Row[]): ClaimedRun[] {
  const { namespace, owner } = options;
  return rows.map((row) => ({
    ...toClaimed(namespace, row),
    ...stallsAfterClaim(
      row.lease_owner === null ? null : text(row.lease_owner),
      owner,
      Number(row.stalls),
      Number(row.stall_mark) === 1,
    ),
  }));
}

/** The lease of the claimed runs. */
function leaseStatement(p: string, options: ClaimOptions, claimed: readonly ClaimedRun[]): Statement {
  const { owner, now, leaseMs } = options;
  const where = whereRunKeys(claimed);
  // The same rule as stallsAfterClaim. Assignments run left to right: `stalls` reads the mark
  // and lease_owner before they are overwritten.
  return {
    sql: `UPDATE ${p}runs SET stalls = IF(lease_owner IS NULL, 0, IF(lease_owner = ?, stalls, stalls + stall_mark)),
            stall_mark = IF(lease_owner = ?, stall_mark, 0), lease_owner = ?, lease_until = ? WHERE ${where.sql}`,
    args: [owner, owner, owner, now + leaseMs, ...where.args],
  };
}

/**
 * Claims from a queue within its limits (queue-rules.ts). The queue's row is locked first, so
 * claims of one queue are serialised across workers: the runs in progress that the limits are
 * checked against cannot change under a claim (a run leaves progress only by giving up its
 * lease, which never adds one).
 *
 * On a pool that takes several statements a query, the transaction is two round trips: begin,
 * lock, count and candidates; the leases and commit (one more locks the picked runs of a queue
 * with per-key limits). How many candidates to read is planned by mayClaim's unlocked read
 * (the free slots it saw, plus one): if runs ended in between, this claim takes fewer than the
 * slots now free and the next takes the rest; if others claimed meanwhile, the locked count
 * says so and fewer are picked. When the locked queue row shows other kinds of limits, the
 * count and the candidates are read again. Elsewhere the same statements go one by one.
 */
async function claimQueued(pool: Pool, p: string, options: ClaimOptions, queue: string): Promise<ClaimedRun[]> {
  const { namespace, now, limit } = options;
  const filter = workerFilter(options);
  const may = await mayClaim(pool, p, namespace, queue, now);
  if (may.answer === "limited") options.heldBack?.();
  if (may.answer !== "yes") return [];
  const reads = (limits: QueueLimits, inProgress: ReadonlyMap<string | null, number>): Statement[] => [
    inProgressStatement(p, namespace, queue, limits.keyConcurrency !== undefined, now),
    {
      // Without per-key limits the candidates are locked as they are read (one round trip less).
      sql: candidatesSql(p, limits.keyConcurrency !== undefined, filter.sql, options.can.workflows.length === 1),
      args: [namespace, queue, now, now, ...filter.args, candidateLimit(limits, inProgress, limit)],
    },
  ];
  const conn = await pool.getConnection();
  const multi = takesMultipleStatements(pool);
  try {
    // In READ COMMITTED the reads after the lock see every claim committed before it was granted.
    const [, , queues, counted, read] = await send(conn, multi, [
      { sql: "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", args: [] },
      { sql: "BEGIN", args: [] },
      {
        sql: `SELECT concurrency, key_concurrency, rate_limit, rate_period_ms, recent_starts FROM ${p}queues
               WHERE namespace = ? AND name = ? FOR UPDATE`,
        args: [namespace, queue],
      },
      ...reads(may.limits, new Map([[null, may.busy]])),
    ]);
    const queueRow = (queues as Row[])[0];
    const limits = limitsOf(queueRow);
    let inProgress = inProgressOf(counted as Row[]);
    let candidates = read as Row[];
    if (!sameShape(limits, may.limits)) {
      const [recounted, reread] = await send(conn, false, reads(limits, new Map()));
      inProgress = inProgressOf(recounted as Row[]);
      candidates = reread as Row[];
    }
    const keyed = limits.keyConcurrency !== undefined;
    const window = startsInWindow(decodeStarts(nullableText(queueRow?.recent_starts)), limits, now);
    const picked = pickQueued(
      candidates.map((row) => ({
        workflow: text(row.workflow),
        runId: text(row.run_id),
        concurrencyKey: nullableText(row.concurrency_key),
        fresh: Number(row.version) === FRESH_VERSION,
        row,
      })),
      limits,
      { free: limit, inProgress, recentStarts: window.length },
    );
    if (picked.length < Math.min(candidates.length, limit)) options.heldBack?.();
    if (picked.length === 0) {
      await conn.query("COMMIT");
      return [];
    }
    const keys = whereRunKeys(picked.map((run) => ({ namespace, workflow: run.workflow, runId: run.runId })));
    const rows = keyed
      ? ((
          await send(conn, false, [
            {
              sql: `SELECT ${CLAIM_COLUMNS} FROM ${p}runs
                     WHERE ${keys.sql} AND q_wake <= ? AND (lease_until IS NULL OR lease_until < ?) FOR UPDATE SKIP LOCKED`,
              args: [...keys.args, now, now],
            },
          ])
        )[0] as Row[])
      : picked.map((run) => run.row);
    const claimed = claimedOf(options, rows);
    const started = claimed.filter((run) => run.version === FRESH_VERSION).map(() => now);
    await send(conn, multi, [
      ...(claimed.length === 0 ? [] : [leaseStatement(p, options, claimed)]),
      ...(limits.rateLimit !== undefined && started.length > 0
        ? [
            {
              sql: `UPDATE ${p}queues SET recent_starts = ? WHERE namespace = ? AND name = ?`,
              args: [encodeStarts([...window, ...started]), namespace, queue],
            },
          ]
        : []),
      { sql: "COMMIT", args: [] },
    ]);
    return claimed;
  } catch (error) {
    // The statements after a failed one were not run: the transaction may still be open.
    await conn.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

/** Limits that the same count and candidate reads serve: which limits are set (their values may differ). */
function sameShape(a: QueueLimits, b: QueueLimits): boolean {
  return (
    (a.concurrency === undefined) === (b.concurrency === undefined) &&
    (a.keyConcurrency === undefined) === (b.keyConcurrency === undefined) &&
    (a.rateLimit === undefined) === (b.rateLimit === undefined)
  );
}

interface Statement {
  readonly sql: string;
  readonly args: unknown[];
}

/**
 * Sends the statements in one round trip when the connection takes several a query (`multi`),
 * else one by one; the answer of each, in order. A failed statement stops the ones after it.
 */
async function send(conn: PoolConnection, multi: boolean, statements: readonly Statement[]): Promise<unknown[]> {
  if (multi && statements.length > 1) {
    const [answers] = await conn.query(
      statements.map((s) => s.sql).join(";\n"),
      statements.flatMap((s) => s.args),
    );
    return answers as unknown[];
  }
  const answers: unknown[] = [];
  for (const statement of statements) answers.push((await conn.query(statement.sql, statement.args))[0]);
  return answers;
}

/**
 * How many candidates to read. With a queue concurrency and neither per-key limits nor a rate
 * limit, every candidate is picked up to the free slots: one more than those is read, so that a
 * claim held back by the limit still says so (heldBack), and no more (each is read and locked).
 */
function candidateLimit(limits: QueueLimits, inProgress: ReadonlyMap<string | null, number>, limit: number): number {
  if (limits.keyConcurrency !== undefined || limits.rateLimit !== undefined) return Math.max(limit * 8, 64);
  if (limits.concurrency === undefined) return limit;
  let total = 0;
  for (const count of inProgress.values()) total += count;
  return Math.min(limit, Math.max(0, limits.concurrency - total) + 1);
}

/**
 * Due runs of a queue in the order claims take them. With a per-key limit, round robin across
 * concurrency keys by rank within the key (see fairOrder in queue-rules.ts), which reads every
 * due run of the queue; without one, priority order read straight off runs_queue_next, which
 * starts after the queue's runs without a wake time (q_priority NULL). For a queued run,
 * q_priority is its priority and q_lease its lease_until.
 */
function candidatesSql(p: string, keyed: boolean, filterSql: string, oneWorkflow: boolean): string {
  const due = `namespace = ? AND queue = ? AND q_priority IS NOT NULL AND q_wake <= ? AND (q_lease IS NULL OR q_lease < ?)${filterSql}`;
  const order = "q_priority, q_wake, created_at, workflow, run_id";
  if (!keyed) {
    // A worker of one workflow filters on `workflow = ?`; MariaDB then sorts every due run when
    // the ORDER BY names that constant key part, so it is left out (ordering by it changes nothing).
    const indexOrder = oneWorkflow ? "q_priority, q_wake, created_at, run_id" : order;
    return `SELECT ${CLAIM_COLUMNS}, concurrency_key FROM ${p}runs FORCE INDEX (${p}runs_queue_next) WHERE ${due}
             ORDER BY ${indexOrder} LIMIT ? FOR UPDATE SKIP LOCKED`;
  }
  return `SELECT workflow, run_id, concurrency_key, version FROM (
            SELECT workflow, run_id, concurrency_key, version, q_priority, q_wake, created_at,
                   ROW_NUMBER() OVER (PARTITION BY concurrency_key ORDER BY ${order}) AS key_rank
              FROM ${p}runs FORCE INDEX (${p}runs_queue_next) WHERE ${due}
          ) ranked ORDER BY key_rank, ${order} LIMIT ?`;
}

/**
 * A read without locks before the claim transaction: is a run of the queue due, and is a slot
 * free? A queue at its limit then costs its claimers one round trip, not a locked transaction.
 * "limited": runs are due but every slot is taken. Both subqueries read runs_queue_* alone.
 * The limits and the runs in progress it saw plan the claim's reads (claimQueued).
 */
async function mayClaim(
  pool: Pool,
  p: string,
  namespace: string,
  queue: string,
  now: number,
): Promise<{ answer: "yes" | "nothing due" | "limited"; limits: QueueLimits; busy: number }> {
  const [rows] = await pool.query<Row[]>(
    `SELECT q.concurrency, q.key_concurrency, q.rate_limit, q.rate_period_ms,
            (SELECT COUNT(*) FROM ${p}runs FORCE INDEX (${p}runs_queue_lease) WHERE namespace = ? AND queue = ? AND q_lease >= ?) AS busy,
            EXISTS (SELECT 1 FROM ${p}runs FORCE INDEX (${p}runs_queue_next)
                     WHERE namespace = ? AND queue = ? AND q_priority IS NOT NULL AND q_wake <= ?
                       AND (q_lease IS NULL OR q_lease < ?)) AS due
       FROM (SELECT 1 AS one) o LEFT JOIN ${p}queues q ON q.namespace = ? AND q.name = ?`,
    [namespace, queue, now, namespace, queue, now, now, namespace, queue],
  );
  const row = rows[0];
  // No queue row: LEFT JOIN gives NULL limits, as limitsOf reads a missing row.
  const limits = limitsOf(row);
  const busy = Number(row?.busy ?? 0);
  if (row === undefined || Number(row.due) !== 1) return { answer: "nothing due", limits, busy };
  const free = limits.concurrency === undefined || busy < limits.concurrency;
  return { answer: free ? "yes" : "limited", limits, busy };
}

/**
 * Runs of the queue a worker holds now: by concurrency key with per-key limits, else only their
 * number, read off runs_queue_lease alone.
 */
function inProgressStatement(p: string, namespace: string, queue: string, keyed: boolean, now: number): Statement {
  return {
    sql: keyed
      ? `SELECT concurrency_key, COUNT(*) AS n FROM ${p}runs FORCE INDEX (${p}runs_queue_lease)
          WHERE namespace = ? AND queue = ? AND q_lease >= ? GROUP BY concurrency_key`
      : `SELECT NULL AS concurrency_key, COUNT(*) AS n FROM ${p}runs FORCE INDEX (${p}runs_queue_lease) WHERE namespace = ? AND queue = ? AND q_lease >= ?`,
    args: [namespace, queue, now],
  };
}

function inProgressOf(rows: readonly Row[]): Map<string | null, number> {
  return new Map(rows.map((row) => [nullableText(row.concurrency_key), Number(row.n)]));
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

/** See EngineStore.readRun. The input comes along when the run is fresh, so its history needs no read. */
export async function readRun(
  pool: Pool,
  p: string,
  key: RunKey,
  owner: string,
  now: number,
): Promise<ClaimedRun | undefined> {
  const [rows] = await pool.query<Row[]>(
    `SELECT ${CLAIM_COLUMNS}, status, lease_owner, lease_until, created_at,
            IF(version = ?, input, NULL) AS fresh_input
       FROM ${p}runs WHERE namespace = ? AND workflow = ? AND run_id = ?`,
    [FRESH_VERSION, key.namespace, key.workflow, key.runId],
  );
  const row = rows[0];
  if (row === undefined || text(row.status) !== RunStatus.Running) return undefined;
  const leasedByOther = row.lease_owner !== null && text(row.lease_owner) !== owner && Number(row.lease_until) >= now;
  if (leasedByOther) return undefined;
  const claimed = toClaimed(key.namespace, row);
  if (row.fresh_input === null) return claimed;
  const fresh = {
    inputText: text(row.fresh_input),
    createdAt: Number(row.created_at),
    codeVersion: claimed.codeVersion,
    traceContext: claimed.traceContext,
  };
  return { ...claimed, fresh };
}

/**
 * See EngineStore.nextWake. A due default-queue run means "claim again now": it became due,
 * or was locked, while the last claim ran.
 */
export async function nextWake(
  pool: Pool,
  p: string,
  namespace: string,
  now: number,
  queues: readonly string[],
  can: WorkerAbilities,
): Promise<number | undefined> {
  const filter = abilitiesFilter(can);
  // One MIN a queue, each a single seek on runs_queue_wake (an IN list would be a range over
  // every delayed or sleeping run of the queues).
  const queued = queues
    .map(
      () =>
        `UNION ALL SELECT MIN(q_wake) FROM ${p}runs FORCE INDEX (${p}runs_queue_wake) WHERE namespace = ? AND queue = ? AND q_wake > ?`,
    )
    .join("\n       ");
  const [rows] = await pool.query<Row[]>(
    // The first wake walks runs_default_wake in wake time order and stops at the first run it
    // may claim. Left to itself the optimizer may prefer a primary-key range over the workflows
    // (every run of them, ended ones included: O(runs) a poll), hence FORCE INDEX.
    `SELECT MIN(next) AS next FROM (
       (SELECT d_wake AS next FROM ${p}runs FORCE INDEX (${p}runs_default_wake)
         WHERE namespace = ? AND d_wake IS NOT NULL AND (lease_until IS NULL OR lease_until < ?)${filter.sql}
         ORDER BY d_wake LIMIT 1)
       ${queued}
       UNION ALL SELECT MIN(next_tick) FROM ${p}schedules WHERE namespace = ? AND paused = 0) wakes`,
    [namespace, now, ...filter.args, ...queues.flatMap((queue) => [namespace, queue, now]), namespace],
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
    cancelRequested: Number(row.cancel_requested) === 1,
    codeVersion: row.code_version === null ? undefined : text(row.code_version),
    seed: row.seed === null ? undefined : text(row.seed),
    deadline: row.deadline === null ? undefined : Number(row.deadline),
    queue: row.queue === null ? undefined : text(row.queue),
    scheduledAt: row.scheduled_at === null ? undefined : Number(row.scheduled_at),
    wantedActivity:
      row.wanted_activity === null || row.wanted_activity === undefined ? undefined : text(row.wanted_activity),
    traceContext: row.trace_context === null || row.trace_context === undefined ? undefined : text(row.trace_context),
    dueAt: row.wake_at === null || row.wake_at === undefined ? undefined : Number(row.wake_at),
  };
}
