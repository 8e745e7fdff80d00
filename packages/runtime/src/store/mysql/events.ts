import type { Pool, ResultSetHeader } from "mysql2/promise";
import type { Transaction } from "../../api.js";
import type { RunKey, StoredPublishedEvent } from "../../history/index.js";
import { dispatchDeliveries, type RegisteredWait } from "../rules/events.js";
import type { DispatchedEvents, EventWaitToBegin, NewPublishedEvent, TriggerPlanner } from "../types.js";
import { nullableText, type Row, text } from "./rows.js";
import { inTransaction } from "./transaction.js";
import { startForTrigger, type TriggerStarts } from "./triggers.js";
import { insertSignal, insertUnlessExists } from "./writes.js";

/*
 * Published events. A wait that begins (waits.ts: beginWait) and the dispatch of an event are
 * serialised per (namespace, name, key) without a lock of their own: the wait is inserted before
 * its step reads the events it looks back on, and the dispatch reads the waits with a locking
 * read, which waits for a wait inserted by a step still open. So either the dispatch sees the
 * wait, or the step saw the event (it committed before the dispatch began); the inbox's unique
 * key keeps one delivery when both did.
 */

const EVENT_COLUMNS = "event_id, name, event_key, payload, published_at";

/** See ClientStore.publishEvent. */
export function publishEvent(conn: Transaction, p: string, event: NewPublishedEvent): Promise<boolean> {
  return insertUnlessExists(
    conn,
    `INSERT INTO ${p}published_events (namespace, event_id, name, event_key, payload, published_at) VALUES (?, ?, ?, ?, ?, ?)`,
    [event.namespace, event.eventId, event.name, event.key ?? "", event.dataText, event.publishedAt],
  );
}

/** Events a beginning wait may match (rules/events.ts decides), oldest first: its name and key, from its `since`. */
export async function candidateEvents(
  conn: Transaction,
  p: string,
  namespace: string,
  wait: EventWaitToBegin,
): Promise<StoredPublishedEvent[]> {
  const byKey = wait.key === null ? "" : " AND event_key = ?";
  const [rows] = await conn.query<Row[]>(
    `SELECT ${EVENT_COLUMNS} FROM ${p}published_events
      WHERE namespace = ? AND name = ?${byKey} AND published_at >= ? ORDER BY published_at LIMIT 1000`,
    [namespace, wait.name, ...(wait.key === null ? [] : [wait.key]), wait.since],
  );
  return rows.map(toPublishedEvent);
}

/**
 * See EngineStore.dispatchEvents: one READ COMMITTED transaction, events taken with SKIP LOCKED.
 * An idle namespace costs one indexed read, outside any transaction.
 */
export async function dispatchEvents(
  pool: Pool,
  p: string,
  namespace: string,
  now: number,
  limit: number,
  plan: TriggerPlanner,
): Promise<DispatchedEvents> {
  const [any] = await pool.query<Row[]>(
    `SELECT 1 FROM ${p}published_events WHERE namespace = ? AND dispatched = 0 LIMIT 1`,
    [namespace],
  );
  if (any.length === 0) return { dispatched: 0, woken: [], started: [], more: false };
  return inTransaction(
    pool,
    undefined,
    async (conn) => {
      const [rows] = await conn.query<Row[]>(
        `SELECT ${EVENT_COLUMNS} FROM ${p}published_events WHERE namespace = ? AND dispatched = 0
          ORDER BY published_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [namespace, limit],
      );
      const events = rows.map(toPublishedEvent);
      const done: TriggerStarts & { woken: RunKey[] } = { woken: [], started: [], cancelled: [] };
      for (const event of events) {
        await deliver(conn, p, namespace, event, now, done.woken);
        for (const trigger of await plan(event)) await startForTrigger(conn, p, namespace, event, trigger, now, done);
      }
      if (events.length > 0) {
        await conn.query(`UPDATE ${p}published_events SET dispatched = 1 WHERE namespace = ? AND event_id IN (?)`, [
          namespace,
          events.map((event) => event.eventId),
        ]);
      }
      const woken = [...done.woken, ...done.cancelled];
      return { dispatched: events.length, woken, started: done.started, more: events.length === limit };
    },
    "READ COMMITTED",
  );
}

/** Delivers the event to each run whose registered wait it matches (see the top of this file). */
async function deliver(
  conn: Transaction,
  p: string,
  namespace: string,
  event: StoredPublishedEvent,
  now: number,
  woken: RunKey[],
): Promise<void> {
  const keys = event.key === null ? [""] : [event.key, ""];
  const [rows] = await conn.query<Row[]>(
    `SELECT workflow, run_id, iteration, seq, event_key, since, deadline FROM ${p}event_waits
      WHERE namespace = ? AND name = ? AND event_key IN (?) LOCK IN SHARE MODE`,
    [namespace, event.name, keys],
  );
  const waits = rows.map((row): RegisteredWait => {
    const key = text(row.event_key);
    return {
      run: { namespace, workflow: text(row.workflow), runId: text(row.run_id) },
      iteration: Number(row.iteration),
      name: event.name,
      seq: Number(row.seq),
      key: key === "" ? null : key,
      since: Number(row.since),
      deadline: Number(row.deadline),
    };
  });
  for (const delivery of dispatchDeliveries(event, waits)) {
    if (await insertSignal(conn, p, delivery.key, delivery.signal, now)) woken.push(delivery.key);
  }
}

/** See ClientStore.purgeEvents: the oldest first, in one statement. */
export async function purgeEvents(pool: Pool, p: string, namespace: string, before: number, limit: number) {
  const [result] = await pool.query<ResultSetHeader>(
    `DELETE FROM ${p}published_events WHERE namespace = ? AND published_at < ? ORDER BY published_at LIMIT ?`,
    [namespace, before, limit],
  );
  return result.affectedRows;
}

function toPublishedEvent(row: Row): StoredPublishedEvent {
  const key = text(row.event_key);
  return {
    eventId: text(row.event_id),
    name: text(row.name),
    key: key === "" ? null : key,
    publishedAt: Number(row.published_at),
    dataText: nullableText(row.payload) ?? "null",
  };
}
