import type { Pool } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import type { RunKey, StoredPublishedEvent } from "../../history/index.js";
import { runCreation } from "../rules/new-run.js";
import {
  type DebounceState,
  debounceAfter,
  type SingletonPolicy,
  singletonDecision,
  singletonRunIds,
  triggerKey,
} from "../rules/triggers.js";
import type { FiredDebounces, TriggerPlan } from "../types.js";
import { isDuplicateKey } from "./db-errors.js";
import { nullableText, type Row, text } from "./rows.js";
import { inTransaction } from "./transaction.js";
import { insertRun, requestCancel } from "./writes.js";

/** What the triggers of a dispatch did to runs. */
export interface TriggerStarts {
  readonly started: RunKey[];
  /** Runs a singleton "replace" asked to cancel. */
  readonly cancelled: RunKey[];
}

/** What a trigger does with one event, in the dispatch's transaction: see rules/triggers.ts. */
export async function startForTrigger(
  conn: Transaction,
  p: string,
  namespace: string,
  event: StoredPublishedEvent,
  trigger: TriggerPlan,
  now: number,
  done: TriggerStarts,
): Promise<void> {
  const key = triggerKey(event.key);
  if (trigger.debounce) return debounce(conn, p, namespace, key, event, trigger);
  if (trigger.singleton)
    return singleton(conn, p, namespace, key, event, { ...trigger, singleton: trigger.singleton }, now, done);
  await createRun(conn, p, namespace, trigger, now, done);
}

/** Starts the trigger's run; false when a run of that id exists already. */
export async function createRun(
  conn: Transaction,
  p: string,
  namespace: string,
  run: Pick<TriggerPlan, "workflow" | "runId" | "inputText" | "codeVersion">,
  now: number,
  done: Pick<TriggerStarts, "started">,
): Promise<boolean> {
  const key = { namespace, workflow: run.workflow, runId: run.runId };
  const created = await insertRun(
    conn,
    p,
    runCreation({ key, inputText: run.inputText, now, codeVersion: run.codeVersion }),
  );
  if (created) done.started.push(key);
  return created;
}

/**
 * Opens or moves the key's debounce window (debounceAfter), the window's row locked. Two
 * dispatchers that open one window at once: the second insert fails on the key, and it reads
 * the first's window, locked, instead.
 */
async function debounce(
  conn: Transaction,
  p: string,
  namespace: string,
  key: string,
  event: StoredPublishedEvent,
  trigger: TriggerPlan,
): Promise<void> {
  const where = [namespace, trigger.workflow, key];
  for (let attempt = 1; ; attempt++) {
    const [rows] = await conn.query<Row[]>(
      `SELECT first_at, last_at, fire_at FROM ${p}debounces WHERE namespace = ? AND workflow = ? AND debounce_key = ? FOR UPDATE`,
      where,
    );
    const open = rows[0] && openWindow(rows[0]);
    const { state, takesData } = debounceAfter(open, event.publishedAt, trigger.debounce ?? { periodMs: 0 });
    const times = [state.firstAt, state.lastAt, state.fireAt];
    const run = [trigger.runId, trigger.inputText, trigger.codeVersion ?? null];
    if (open !== undefined) {
      const data = takesData ? ", run_id = ?, input = ?, code_version = ?" : "";
      await conn.query(
        `UPDATE ${p}debounces SET first_at = ?, last_at = ?, fire_at = ?${data}
          WHERE namespace = ? AND workflow = ? AND debounce_key = ?`,
        [...times, ...(takesData ? run : []), ...where],
      );
      return;
    }
    try {
      await conn.query(
        `INSERT INTO ${p}debounces (namespace, workflow, debounce_key, first_at, last_at, fire_at, run_id, input, code_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [...where, ...times, ...run],
      );
      return;
    } catch (error) {
      if (!isDuplicateKey(error) || attempt >= 2) throw error;
    }
  }
}

function openWindow(row: Row): DebounceState {
  return { firstAt: Number(row.first_at), lastAt: Number(row.last_at), fireAt: Number(row.fire_at) };
}

/** See singletonDecision: the key's row locked, its run read, cancelled when replaced, the new run recorded. */
async function singleton(
  conn: Transaction,
  p: string,
  namespace: string,
  key: string,
  event: StoredPublishedEvent,
  trigger: TriggerPlan & { readonly singleton: SingletonPolicy },
  now: number,
  done: TriggerStarts,
): Promise<void> {
  const where = [namespace, trigger.workflow, key];
  await conn.query(
    `INSERT INTO ${p}singletons (namespace, workflow, singleton_key, run_id, updated_at) VALUES (?, ?, ?, '', ?)
     ON DUPLICATE KEY UPDATE updated_at = updated_at`,
    [...where, now],
  );
  const [rows] = await conn.query<Row[]>(
    `SELECT s.run_id, r.status FROM ${p}singletons s
       LEFT JOIN ${p}runs r ON r.namespace = s.namespace AND r.workflow = s.workflow AND r.run_id = s.run_id
      WHERE s.namespace = ? AND s.workflow = ? AND s.singleton_key = ? FOR UPDATE`,
    where,
  );
  const row = rows[0];
  const current =
    row && row.status !== null && row.status !== undefined
      ? { key: { namespace, workflow: trigger.workflow, runId: text(row.run_id) }, status: text(row.status) }
      : undefined;
  const decision = singletonDecision(trigger.singleton, current);
  if (decision.kind === "skip") return;
  if (decision.cancel && (await requestCancel(conn, p, decision.cancel, now))) done.cancelled.push(decision.cancel);
  for (const runId of singletonRunIds(trigger.runId, event.eventId)) {
    if (await createRun(conn, p, namespace, { ...trigger, runId }, now, done)) {
      await conn.query(
        `UPDATE ${p}singletons SET run_id = ?, updated_at = ? WHERE namespace = ? AND workflow = ? AND singleton_key = ?`,
        [runId, now, ...where],
      );
      return;
    }
  }
}

/**
 * See EngineStore.fireDebounces: due windows taken with SKIP LOCKED, each run started and its
 * window deleted at once. When none is due, one indexed read, outside any transaction.
 */
export async function fireDebounces(
  pool: Pool,
  p: string,
  namespace: string,
  now: number,
  limit: number,
): Promise<FiredDebounces> {
  const next = await nextDebounce(pool, p, namespace);
  if (next === undefined || next > now) return { started: [], next };
  const started = await inTransaction(
    pool,
    undefined,
    async (conn) => {
      const [rows] = await conn.query<Row[]>(
        `SELECT workflow, debounce_key, run_id, input, code_version FROM ${p}debounces
          WHERE namespace = ? AND fire_at <= ? ORDER BY fire_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [namespace, now, limit],
      );
      const done = { started: [] as RunKey[] };
      for (const row of rows) {
        const workflow = text(row.workflow);
        const run = { workflow, runId: text(row.run_id), inputText: nullableText(row.input) ?? "null" };
        await createRun(
          conn,
          p,
          namespace,
          { ...run, codeVersion: nullableText(row.code_version) ?? undefined },
          now,
          done,
        );
        await conn.query(`DELETE FROM ${p}debounces WHERE namespace = ? AND workflow = ? AND debounce_key = ?`, [
          namespace,
          workflow,
          row.debounce_key,
        ]);
      }
      return done.started;
    },
    "READ COMMITTED",
  );
  return { started, next: await nextDebounce(pool, p, namespace) };
}

async function nextDebounce(pool: Pool, p: string, namespace: string): Promise<number | undefined> {
  const [rows] = await pool.query<Row[]>(`SELECT MIN(fire_at) AS next FROM ${p}debounces WHERE namespace = ?`, [
    namespace,
  ]);
  const at = rows[0]?.next;
  return at === null || at === undefined ? undefined : Number(at);
}
