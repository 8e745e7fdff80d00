import type { Pool } from "mysql2/promise";
import type { RunKey } from "../../history/index.js";
import { INBOX_LIMIT, type RunInspection } from "../records.js";
import { nullableText, type Row, RUN_COLUMNS, text, toRunInfo } from "./rows.js";

const PK = "namespace = ? AND workflow = ? AND run_id = ?";

/** See ClientStore.inspectRun: the run row, its retry rows and its inbox, by primary key and inbox index. */
export async function inspectRun(pool: Pool, p: string, key: RunKey): Promise<RunInspection | undefined> {
  const pk = [key.namespace, key.workflow, key.runId];
  const [runs] = await pool.query<Row[]>(
    `SELECT ${RUN_COLUMNS}, lease_owner, lease_until, wake_at, parent_waits FROM ${p}runs WHERE ${PK}`,
    pk,
  );
  const row = runs[0];
  if (row === undefined) return undefined;
  const run = toRunInfo(row);
  const [tasks] = await pool.query<Row[]>(
    `SELECT target, seq, attempt, ready_at, last_error FROM ${p}tasks WHERE ${PK} AND iteration = ? ORDER BY target, seq`,
    [...pk, run.iteration],
  );
  const [inbox] = await pool.query<Row[]>(
    `SELECT id, signal_name, external_id, payload, created_at FROM ${p}signals
      WHERE ${PK} AND consumed_iteration IS NULL ORDER BY id LIMIT ?`,
    [...pk, INBOX_LIMIT],
  );
  return {
    run,
    leaseOwner: nullableText(row.lease_owner),
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    wakeAt: row.wake_at === null ? null : Number(row.wake_at),
    parentWaits: Number(row.parent_waits) === 1,
    tasks: tasks.map((task) => ({
      target: text(task.target),
      seq: Number(task.seq),
      attempt: Number(task.attempt),
      readyAt: Number(task.ready_at),
      lastError: nullableText(task.last_error),
    })),
    inbox: inbox.map((signal) => ({
      id: Number(signal.id),
      signal: text(signal.signal_name),
      externalId: text(signal.external_id),
      payloadText: nullableText(signal.payload),
      receivedAt: Number(signal.created_at),
    })),
  };
}
