import type { Pool, ResultSetHeader } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import { type RunKey, RunStatus } from "../../history/index.js";
import type { SlotAnswer, SlotRequest } from "../engine-store.js";
import { decodeStarts, encodeStarts, type QueueLimits, startsInWindow } from "../rules/queue-picking.js";
import { type SlotCandidate, type SlotState, slotDecision, slotHeld, unlimited } from "../rules/queue-slots.js";
import { dueUnheldSql } from "./claim-filter.js";
import { nullableText, type Row, text } from "./rows.js";
import { inTransaction } from "./transaction.js";
import { WAKE_ON_ARRIVAL } from "./writes.js";

/*
 * Activity queue slots (rules/queue-slots.ts). Every decision of a queue locks its row in
 * `queues` first, as a claim of a run queue does, so decisions of one queue are serialised
 * across workers and the slots they count cannot change under them. READ COMMITTED: no gap
 * locks on queue_slots, so the waits and slots of other queues are never blocked.
 */

/** The most waiting attempts a decision reads, in the order they began to wait. */
const LINE_READ = 256;

const SLOT_PK = "namespace = ? AND workflow = ? AND run_id = ? AND iteration = ? AND target = ? AND seq = ?";

/** See EngineStore.acquireSlot. */
export async function acquireSlot(pool: Pool, p: string, request: SlotRequest): Promise<SlotAnswer> {
  return inTransaction(
    pool,
    undefined,
    async (conn) => {
      const { key, iteration, target, seq, queue, now } = request;
      const queueRow = await lockQueue(conn, p, key.namespace, queue);
      if (queueRow === undefined || unlimited(queueRow.limits)) return { granted: true, woken: [] };
      const slotKey = [key.namespace, key.workflow, key.runId, iteration, target, seq];
      const [own] = await conn.query<Row[]>(
        `SELECT owner, lease_until, since FROM ${p}queue_slots WHERE ${SLOT_PK}`,
        slotKey,
      );
      const mine = own[0];
      const row = mine && {
        owner: nullableText(mine.owner),
        leaseUntil: mine.lease_until === null ? null : Number(mine.lease_until),
      };
      const held = slotHeld(row, request.owner, now);
      if (held !== undefined) return { granted: held, woken: [] };
      const since = mine === undefined ? now : Number(mine.since);
      const asking: SlotCandidate = { ...key, iteration, target, seq, concurrencyKey: request.concurrencyKey, since };
      const state = await stateOf(conn, p, key.namespace, queue, queueRow, now);
      const decision = slotDecision(asking, await lineOf(conn, p, key.namespace, queue), state);
      await conn.query(
        `INSERT INTO ${p}queue_slots (namespace, workflow, run_id, iteration, target, seq, queue, concurrency_key, owner, lease_until, since)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE owner = VALUES(owner), lease_until = VALUES(lease_until)`,
        [
          ...slotKey,
          queue,
          request.concurrencyKey,
          decision.granted ? request.owner : null,
          decision.granted ? request.leaseUntil : null,
          since,
        ],
      );
      if (decision.granted) await recordStart(conn, p, key.namespace, queue, queueRow, now);
      return { granted: decision.granted, woken: await wake(conn, p, key.namespace, decision.wake, now) };
    },
    "READ COMMITTED",
  );
}

/** See EngineStore.releaseSlot. */
export async function releaseSlot(
  pool: Pool,
  p: string,
  key: RunKey,
  iteration: number,
  task: { readonly target: string; readonly seq: number },
  now: number,
): Promise<RunKey[]> {
  const slotKey = [key.namespace, key.workflow, key.runId, iteration, task.target, task.seq];
  const [rows] = await pool.query<Row[]>(`SELECT queue FROM ${p}queue_slots WHERE ${SLOT_PK}`, slotKey);
  const row = rows[0];
  if (row === undefined) return [];
  const queue = text(row.queue);
  return inTransaction(
    pool,
    undefined,
    async (conn) => {
      const queueRow = await lockQueue(conn, p, key.namespace, queue);
      await conn.query(`DELETE FROM ${p}queue_slots WHERE ${SLOT_PK}`, slotKey);
      return queueRow === undefined ? [] : wakeLine(conn, p, key.namespace, queue, queueRow, now);
    },
    "READ COMMITTED",
  );
}

/** See EngineStore.wakeSlotWaiters: a read without locks first, as most queues have nobody waiting. */
export async function wakeSlotWaiters(pool: Pool, p: string, namespace: string, queue: string, now: number) {
  const [waiting] = await pool.query<Row[]>(
    `SELECT 1 FROM ${p}queue_slots WHERE namespace = ? AND queue = ? AND lease_until IS NULL LIMIT 1`,
    [namespace, queue],
  );
  if (waiting.length === 0) return [];
  return inTransaction(
    pool,
    undefined,
    async (conn) => {
      const queueRow = await lockQueue(conn, p, namespace, queue);
      return queueRow === undefined ? [] : wakeLine(conn, p, namespace, queue, queueRow, now);
    },
    "READ COMMITTED",
  );
}

/** See EngineStore.renewSlots. */
export async function renewSlots(pool: Pool, p: string, runs: readonly RunKey[], owner: string, until: number) {
  if (runs.length === 0) return;
  const namespace = runs[0]?.namespace ?? "";
  const terms = runs.map(() => "(workflow = ? AND run_id = ?)").join(" OR ");
  await pool.query(`UPDATE ${p}queue_slots SET lease_until = ? WHERE namespace = ? AND (${terms}) AND owner = ?`, [
    until,
    namespace,
    ...runs.flatMap((run) => [run.workflow, run.runId]),
    owner,
  ]);
}

interface QueueRow {
  readonly limits: QueueLimits;
  readonly starts: number[];
}

async function lockQueue(
  conn: Transaction,
  p: string,
  namespace: string,
  queue: string,
): Promise<QueueRow | undefined> {
  const [rows] = await conn.query<Row[]>(
    `SELECT concurrency, key_concurrency, rate_limit, rate_period_ms, recent_starts FROM ${p}queues
      WHERE namespace = ? AND name = ? FOR UPDATE`,
    [namespace, queue],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const rate =
    row.rate_limit === null || row.rate_period_ms === null
      ? undefined
      : { limit: Number(row.rate_limit), periodMs: Number(row.rate_period_ms) };
  const limits: QueueLimits = {
    ...(row.concurrency === null ? {} : { concurrency: Number(row.concurrency) }),
    ...(row.key_concurrency === null ? {} : { keyConcurrency: Number(row.key_concurrency) }),
    ...(rate === undefined ? {} : { rateLimit: rate }),
  };
  return { limits, starts: decodeStarts(nullableText(row.recent_starts)) };
}

/** The slots held now by key (those whose holder stopped renewing are deleted first), and the rate window. */
async function stateOf(
  conn: Transaction,
  p: string,
  namespace: string,
  queue: string,
  queueRow: QueueRow,
  now: number,
): Promise<SlotState> {
  await conn.query(`DELETE FROM ${p}queue_slots WHERE namespace = ? AND queue = ? AND lease_until < ?`, [
    namespace,
    queue,
    now,
  ]);
  const [held] = await conn.query<Row[]>(
    `SELECT concurrency_key, COUNT(*) AS n FROM ${p}queue_slots
      WHERE namespace = ? AND queue = ? AND lease_until >= ? GROUP BY concurrency_key`,
    [namespace, queue, now],
  );
  const inProgress = new Map(held.map((row) => [nullableText(row.concurrency_key), Number(row.n)]));
  const recentStarts = startsInWindow(queueRow.starts, queueRow.limits, now).length;
  return { limits: queueRow.limits, inProgress, recentStarts };
}

/** The queue's line: waiting attempts of runs that run and are not paused, longest waiting first. */
async function lineOf(conn: Transaction, p: string, namespace: string, queue: string): Promise<SlotCandidate[]> {
  const [rows] = await conn.query<Row[]>(
    `SELECT s.workflow, s.run_id, s.iteration, s.target, s.seq, s.concurrency_key, s.since
       FROM ${p}queue_slots s
       JOIN ${p}runs r ON r.namespace = s.namespace AND r.workflow = s.workflow AND r.run_id = s.run_id
      WHERE s.namespace = ? AND s.queue = ? AND s.lease_until IS NULL AND r.status = ? AND r.paused = 0
      ORDER BY s.since LIMIT ?`,
    [namespace, queue, RunStatus.Running, LINE_READ],
  );
  return rows.map((row) => ({
    workflow: text(row.workflow),
    runId: text(row.run_id),
    iteration: Number(row.iteration),
    target: text(row.target),
    seq: Number(row.seq),
    concurrencyKey: nullableText(row.concurrency_key),
    since: Number(row.since),
  }));
}

/** Wakes the waiting attempts whose turn came, nobody asking. */
async function wakeLine(
  conn: Transaction,
  p: string,
  namespace: string,
  queue: string,
  queueRow: QueueRow,
  now: number,
): Promise<RunKey[]> {
  const state = await stateOf(conn, p, namespace, queue, queueRow, now);
  const decision = slotDecision(undefined, await lineOf(conn, p, namespace, queue), state);
  return wake(conn, p, namespace, decision.wake, now);
}

async function recordStart(
  conn: Transaction,
  p: string,
  namespace: string,
  queue: string,
  queueRow: QueueRow,
  now: number,
): Promise<void> {
  if (queueRow.limits.rateLimit === undefined) return;
  const window = startsInWindow(queueRow.starts, queueRow.limits, now);
  await conn.query(`UPDATE ${p}queues SET recent_starts = ? WHERE namespace = ? AND name = ?`, [
    encodeStarts([...window, now]),
    namespace,
    queue,
  ]);
}

/**
 * Wakes the runs of the attempts whose turn came, as a signal would (wake_gen, and due now unless
 * paused), but for a run due already that nobody holds (slotWakeNeeded: NOT dueUnheld).
 */
async function wake(
  conn: Transaction,
  p: string,
  namespace: string,
  attempts: readonly SlotCandidate[],
  now: number,
): Promise<RunKey[]> {
  const runs = new Map(attempts.map((attempt) => [`${attempt.workflow}/${attempt.runId}`, attempt]));
  const woken: RunKey[] = [];
  for (const attempt of runs.values()) {
    const [result] = await conn.query<ResultSetHeader>(
      `UPDATE ${p}runs SET wake_gen = wake_gen + 1, ${WAKE_ON_ARRIVAL}, updated_at = ?
        WHERE namespace = ? AND workflow = ? AND run_id = ? AND status = ?
          AND NOT (wake_at IS NOT NULL AND ${dueUnheldSql("wake_at")})`,
      [now, now, now, namespace, attempt.workflow, attempt.runId, RunStatus.Running, now, now],
    );
    if (result.affectedRows === 1) woken.push({ namespace, workflow: attempt.workflow, runId: attempt.runId });
  }
  return woken;
}
