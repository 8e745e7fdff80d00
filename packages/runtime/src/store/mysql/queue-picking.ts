import type { Transaction } from "../../api.js";
import type { CandidateReads, QueueLimits } from "../rules/queue-picking.js";
import { dueUnheldSql, type SqlTerms } from "./claim-filter.js";
import { nullableText, type Row } from "./rows.js";

/*
 * The SQL twin of selectCandidates (rules/queue-picking.ts): the reads of a queue claim's plan.
 * Each kind of run (started, fresh) is read on its own, so fresh starts that the rate limit
 * holds back never fill the read of a started run's wake; with per-key limits no run of a full
 * key is read, and at most `perKey` runs of another. The conformance cases of
 * test/store/queues.test.ts hold this and the rule together. Also the queue's runs in progress
 * that the plan and the pick count against (PickState.inProgress). Each read names the index it
 * walks (migration 17).
 */

/** Where a queue's due runs are read: namespace, queue, `now`, the worker's filter. */
export interface QueueRead {
  readonly namespace: string;
  readonly queue: string;
  readonly now: number;
  readonly filter: SqlTerms;
  /** Lock the rows as they are read (no per-key limits: every run read may be picked). */
  readonly lock: boolean;
  /** The worker runs one workflow: its filter makes `workflow` a constant (see orderSql). */
  readonly oneWorkflow: boolean;
}

/** The runs the plan reads: started ones, then fresh ones, each in claim order (the caller merges them). */
export async function readCandidates(
  conn: Transaction,
  p: string,
  columns: string,
  read: QueueRead,
  plan: CandidateReads,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [fresh, count] of [
    [false, plan.resumptions],
    [true, plan.starts],
  ] as const) {
    if (count <= 0) continue;
    const query = candidatesQuery(p, columns, read, plan.keys, fresh, count);
    const [found] = await conn.query<Row[]>(query.sql, query.args);
    rows.push(...found);
  }
  return rows;
}

/**
 * Claim order within a kind of run (byPriority): runs_queue_next's order after
 * (namespace, queue, q_fresh), so a read walks the index and stops at its LIMIT, with no sort.
 * When the filter makes `workflow` a constant (`workflow IN ('one')`), MariaDB sorts every due
 * run if the ORDER BY names it, so it is left out then (ordering by a constant changes nothing).
 */
function orderSql(oneWorkflow: boolean): string {
  return oneWorkflow ? "priority, q_wake, created_at, run_id" : "priority, q_wake, created_at, workflow, run_id";
}

/**
 * The runs table read through runs_queue_next (migration 17): left to itself the optimizer may
 * take runs_queue_lease or a primary-key range over the worker's workflows and sort every due
 * run. A read that is not of one kind names `q_fresh IS NOT NULL` (implied by a due q_wake),
 * so it starts after the queue's runs without a wake time, ended ones included.
 */
export function queueNextTable(p: string): string {
  return `${p}runs FORCE INDEX (${p}runs_queue_next)`;
}

function candidatesQuery(
  p: string,
  columns: string,
  read: QueueRead,
  keys: CandidateReads["keys"],
  fresh: boolean,
  count: number,
): SqlTerms {
  const { namespace, queue, now, filter } = read;
  // q_fresh is `version = FRESH_VERSION` of a run with a wake time: the kind, read off the index.
  const due = `namespace = ? AND queue = ? AND q_fresh = ? AND ${dueUnheldSql("q_wake")}${filter.sql}`;
  const dueArgs = [namespace, queue, fresh ? 1 : 0, now, now, ...filter.args];
  const select = `${columns}, concurrency_key, priority, created_at`;
  const order = orderSql(read.oneWorkflow);
  if (keys === undefined) {
    return {
      sql: `SELECT ${select} FROM ${queueNextTable(p)} WHERE ${due} ORDER BY ${order} LIMIT ?${read.lock ? " FOR UPDATE SKIP LOCKED" : ""}`,
      args: [...dueArgs, count],
    };
  }
  const open = keys.fullKeys.length === 0 ? "" : " AND (concurrency_key IS NULL OR concurrency_key NOT IN (?))";
  return {
    sql: `SELECT workflow, run_id, concurrency_key, version, priority, q_wake AS wake_at, created_at FROM (
            SELECT workflow, run_id, concurrency_key, version, priority, q_wake, created_at,
                   ROW_NUMBER() OVER (PARTITION BY concurrency_key ORDER BY ${order}) AS key_rank
              FROM ${queueNextTable(p)} WHERE ${due}${open}
          ) ranked WHERE concurrency_key IS NULL OR key_rank <= ?
          ORDER BY key_rank, ${order} LIMIT ?`,
    args: [...dueArgs, ...(keys.fullKeys.length === 0 ? [] : [keys.fullKeys]), keys.perKey, count],
  };
}

/** Whether a due run of the queue that this worker could take is left unleased (after a claim's leases). */
export async function dueLeft(conn: Transaction, p: string, read: QueueRead): Promise<boolean> {
  const [rows] = await conn.query<Row[]>(
    `SELECT 1 FROM ${queueNextTable(p)}
      WHERE namespace = ? AND queue = ? AND q_fresh IS NOT NULL AND ${dueUnheldSql("q_wake")}${read.filter.sql} LIMIT 1`,
    [read.namespace, read.queue, read.now, read.now, ...read.filter.args],
  );
  return rows.length > 0;
}

/**
 * Runs of the queue a worker holds now, read only when a limit needs them: by concurrency key
 * with per-key limits, else only their number (off runs_queue_lease alone, no row read).
 */
export async function runsInProgress(
  conn: Transaction,
  p: string,
  namespace: string,
  queue: string,
  limits: QueueLimits,
  now: number,
): Promise<Map<string | null, number>> {
  if (limits.concurrency === undefined && limits.keyConcurrency === undefined) return new Map();
  const held = "namespace = ? AND queue = ? AND q_lease >= ?";
  const [rows] = await conn.query<Row[]>(
    limits.keyConcurrency === undefined
      ? `SELECT NULL AS concurrency_key, COUNT(*) AS n FROM ${queueLeaseTable(p)} WHERE ${held}`
      : `SELECT concurrency_key, COUNT(*) AS n FROM ${queueLeaseTable(p)} WHERE ${held} GROUP BY concurrency_key`,
    [namespace, queue, now],
  );
  return new Map(rows.map((row) => [nullableText(row.concurrency_key), Number(row.n)]));
}

/** The runs table read through runs_queue_lease: a queue's held runs, one range. */
export function queueLeaseTable(p: string): string {
  return `${p}runs FORCE INDEX (${p}runs_queue_lease)`;
}
