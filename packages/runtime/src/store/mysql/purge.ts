import type { Pool } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import type { PurgeRequest } from "../types.js";
import { type Row, text } from "./rows.js";
import { inTransaction } from "./transaction.js";

/**
 * What one purge transaction deletes at most: runs, and their events (a single run with more
 * events is still deleted in one transaction, so that no run is ever left half deleted). Small
 * transactions keep every lock short, and READ COMMITTED takes no gap locks: writers of other
 * runs never wait for a purge.
 */
const MAX_RUNS_PER_TRANSACTION = 100;
const MAX_EVENTS_PER_TRANSACTION = 5000;

interface Candidate {
  readonly workflow: string;
  readonly runId: string;
  readonly events: number;
}

/**
 * See ClientStore.purgeRuns. Candidates are found without locks, then deleted in small
 * transactions that lock each run row first and check again that it still qualifies: a stuck
 * run resumed in between is kept.
 */
export async function purgeRuns(pool: Pool, p: string, request: PurgeRequest): Promise<number> {
  const candidates = await findCandidates(pool, p, request);
  let purged = 0;
  for (const batch of batchesOf(candidates)) {
    purged += await inTransaction(pool, undefined, (conn) => deleteRuns(conn, p, request, batch), "READ COMMITTED");
  }
  return purged;
}

/**
 * The oldest ended runs of each status, through runs_status_created in index order: a run that
 * ended before `endedBefore` was created before it too, and the runs a previous round deleted
 * are gone from the front of the range, so each round reads about `limit` index entries.
 */
async function findCandidates(pool: Pool, p: string, request: PurgeRequest): Promise<Candidate[]> {
  const keys: { workflow: string; runId: string }[] = [];
  for (const status of request.statuses) {
    const left = request.limit - keys.length;
    if (left <= 0) break;
    const [runs] = await pool.query<Row[]>(
      `SELECT workflow, run_id FROM ${p}runs
        WHERE namespace = ? AND status = ? AND created_at < ? AND updated_at < ? ORDER BY created_at LIMIT ?`,
      [request.namespace, status, request.endedBefore, request.endedBefore, left],
    );
    keys.push(...runs.map((row) => ({ workflow: text(row.workflow), runId: text(row.run_id) })));
  }
  if (keys.length === 0) return [];
  const match = keyMatch(keys);
  const [counts] = await pool.query<Row[]>(
    `SELECT workflow, run_id, COUNT(*) AS n FROM ${p}events WHERE namespace = ? AND (${match.sql})
      GROUP BY workflow, run_id`,
    [request.namespace, ...match.values],
  );
  const sizes = new Map(counts.map((row) => [`${text(row.workflow)}/${text(row.run_id)}`, Number(row.n)]));
  return keys.map((key) => ({ ...key, events: sizes.get(`${key.workflow}/${key.runId}`) ?? 0 }));
}

/** Consecutive groups of candidates within the bounds of one transaction (or one run). */
function* batchesOf(candidates: readonly Candidate[]): Generator<Candidate[]> {
  let batch: Candidate[] = [];
  let events = 0;
  for (const candidate of candidates) {
    const full = batch.length >= MAX_RUNS_PER_TRANSACTION || events + candidate.events > MAX_EVENTS_PER_TRANSACTION;
    if (batch.length > 0 && full) {
      yield batch;
      batch = [];
      events = 0;
    }
    batch.push(candidate);
    events += candidate.events;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Locks the runs that still qualify, then deletes them with their events, signals, retry rows,
 * requests, tags, queue slots, tokens, event waits, streams and offloaded payloads (those of
 * another payload store through `purging`, before the commit).
 */
async function deleteRuns(
  conn: Transaction,
  p: string,
  request: PurgeRequest,
  batch: readonly Candidate[],
): Promise<number> {
  const candidates = keyMatch(batch);
  const [locked] = await conn.query<Row[]>(
    `SELECT workflow, run_id FROM ${p}runs
      WHERE namespace = ? AND (${candidates.sql}) AND status IN (?) AND updated_at < ? FOR UPDATE`,
    [request.namespace, ...candidates.values, request.statuses, request.endedBefore],
  );
  if (locked.length === 0) return 0;
  const keys = locked.map((row) => ({ workflow: text(row.workflow), runId: text(row.run_id) }));
  await request.purging?.(keys.map((key) => ({ namespace: request.namespace, ...key })));
  await deleteRunRows(conn, p, request.namespace, keys);
  return locked.length;
}

/** The tables that hold rows of a run, the run row last. */
const RUN_TABLES = [
  "events",
  "signals",
  "tasks",
  "requests",
  "payloads",
  "run_tags",
  "queue_slots",
  "tokens",
  "event_waits",
  "stream_chunks",
  "streams",
  "stream_writers",
  "runs",
];

/** Deletes runs (locked by the caller) with their rows in every table. */
export async function deleteRunRows(
  conn: Transaction,
  p: string,
  namespace: string,
  runs: readonly { readonly workflow: string; readonly runId: string }[],
): Promise<void> {
  const match = keyMatch(runs);
  for (const table of RUN_TABLES) {
    await conn.query(`DELETE FROM ${p}${table} WHERE namespace = ? AND (${match.sql})`, [namespace, ...match.values]);
  }
}

/**
 * `(workflow = ? AND run_id = ?) OR ...`: each term is a range on every per-run index
 * (they all lead with namespace, workflow, run_id), so a delete touches only those runs' rows.
 */
function keyMatch(keys: readonly { readonly workflow: string; readonly runId: string }[]): {
  sql: string;
  values: string[];
} {
  return {
    sql: keys.map(() => "(workflow = ? AND run_id = ?)").join(" OR "),
    values: keys.flatMap((key) => [key.workflow, key.runId]),
  };
}
