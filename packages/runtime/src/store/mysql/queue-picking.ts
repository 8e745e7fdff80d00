import type { Transaction } from "../../api.js";
import { FRESH_VERSION } from "../claimed-run.js";
import type { CandidateReads } from "../rules/queue-picking.js";
import { dueUnheldSql, type SqlTerms } from "./claim-filter.js";
import type { Row } from "./rows.js";

/*
 * The SQL twin of selectCandidates (rules/queue-picking.ts): the reads of a queue claim's plan.
 * Each kind of run (started, fresh) is read on its own, so fresh starts that the rate limit
 * holds back never fill the read of a started run's wake; with per-key limits no run of a full
 * key is read, and at most `perKey` runs of another. The conformance cases of
 * test/store/queues.test.ts hold this and the rule together.
 */

/** Where a queue's due runs are read: namespace, queue, `now`, the worker's filter. */
export interface QueueRead {
  readonly namespace: string;
  readonly queue: string;
  readonly now: number;
  readonly filter: SqlTerms;
  /** Lock the rows as they are read (no per-key limits: every run read may be picked). */
  readonly lock: boolean;
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

const ORDER = "priority, q_wake, created_at, workflow, run_id";

function candidatesQuery(
  p: string,
  columns: string,
  read: QueueRead,
  keys: CandidateReads["keys"],
  fresh: boolean,
  count: number,
): SqlTerms {
  const { namespace, queue, now, filter } = read;
  const kind = fresh ? "version = ?" : "version <> ?";
  const due = `namespace = ? AND queue = ? AND ${dueUnheldSql("q_wake")} AND ${kind}${filter.sql}`;
  const dueArgs = [namespace, queue, now, now, FRESH_VERSION, ...filter.args];
  const select = `${columns}, concurrency_key, priority, created_at`;
  if (keys === undefined) {
    return {
      sql: `SELECT ${select} FROM ${p}runs WHERE ${due} ORDER BY ${ORDER} LIMIT ?${read.lock ? " FOR UPDATE SKIP LOCKED" : ""}`,
      args: [...dueArgs, count],
    };
  }
  const open = keys.fullKeys.length === 0 ? "" : " AND (concurrency_key IS NULL OR concurrency_key NOT IN (?))";
  return {
    sql: `SELECT workflow, run_id, concurrency_key, version, priority, q_wake AS wake_at, created_at FROM (
            SELECT workflow, run_id, concurrency_key, version, priority, q_wake, created_at,
                   ROW_NUMBER() OVER (PARTITION BY concurrency_key ORDER BY ${ORDER}) AS key_rank
              FROM ${p}runs WHERE ${due}${open}
          ) ranked WHERE concurrency_key IS NULL OR key_rank <= ?
          ORDER BY key_rank, ${ORDER} LIMIT ?`,
    args: [...dueArgs, ...(keys.fullKeys.length === 0 ? [] : [keys.fullKeys]), keys.perKey, count],
  };
}

/** Whether a due run of the queue that this worker could take is left unleased (after a claim's leases). */
export async function dueLeft(conn: Transaction, p: string, read: QueueRead): Promise<boolean> {
  const [rows] = await conn.query<Row[]>(
    `SELECT 1 FROM ${p}runs WHERE namespace = ? AND queue = ? AND ${dueUnheldSql("q_wake")}${read.filter.sql} LIMIT 1`,
    [read.namespace, read.queue, read.now, read.now, ...read.filter.args],
  );
  return rows.length > 0;
}
