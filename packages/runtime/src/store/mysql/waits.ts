import type { Transaction } from "../../api.js";
import { runKeyId } from "../../history/index.js";
import { lookbackDeliveries, waitsToRegister } from "../rules/events.js";
import { newTokenRow, type TokenState, tokenTimeoutRefusal } from "../rules/tokens.js";
import type { EventWaitToBegin, StepWrite } from "../types.js";
import { candidateEvents } from "./events.js";
import { type Row, text } from "./rows.js";
import { valueRows } from "./statements.js";
import { insertSignal } from "./writes.js";

/*
 * What a step writes of its tokens and event waits (StepWrite.tokensCreated, tokensExpired,
 * eventWaits, eventWaitsEnded), statement by statement inside the step's transaction, after the
 * fence: the one-round-trip paths of step-writer.ts do not take steps that have any.
 */

/** True when the step begins event waits: its transaction must read under READ COMMITTED (see beginWait). */
export function beginsWaits(step: StepWrite): boolean {
  return (step.eventWaits?.length ?? 0) > 0;
}

/** True when the step has tokens or event waits to write. */
export function writesWaits(step: StepWrite): boolean {
  return (
    (step.tokensCreated?.length ?? 0) > 0 ||
    (step.tokensExpired?.length ?? 0) > 0 ||
    (step.eventWaits?.length ?? 0) > 0 ||
    (step.eventWaitsEnded?.length ?? 0) > 0
  );
}

/**
 * Why each step that expires tokens may not be written (tokenTimeoutRefusal), reading the token
 * rows locked (the run rows are locked already: the order completeToken takes them in too).
 */
export async function tokenRefusals(conn: Transaction, p: string, steps: readonly StepWrite[]) {
  const ids = steps.flatMap((step) => step.tokensExpired ?? []);
  const refusals = new Map<StepWrite, string>();
  if (ids.length === 0) return refusals;
  const [rows] = await conn.query<Row[]>(`SELECT token_id, state FROM ${p}tokens WHERE token_id IN (?) FOR UPDATE`, [
    ids,
  ]);
  const states = new Map(rows.map((row) => [text(row.token_id), text(row.state) as TokenState]));
  for (const step of steps) {
    for (const tokenId of step.tokensExpired ?? []) {
      const refusal = tokenTimeoutRefusal(tokenId, states.get(tokenId));
      if (refusal !== undefined) refusals.set(step, refusal);
    }
  }
  return refusals;
}

/**
 * Writes the steps' tokens and event waits. A wait is registered before the events it looks
 * back on are read, so an event published meanwhile is seen here or by its dispatch (see
 * dispatchEvents). Returns, per run (runKeyId), how many events were delivered to its inbox:
 * each bumped its wake_gen.
 */
export async function writeWaits(conn: Transaction, p: string, steps: readonly StepWrite[]) {
  const bumps = new Map<string, number>();
  for (const step of steps) {
    await createTokens(conn, p, step);
    if ((step.tokensExpired?.length ?? 0) > 0) {
      await conn.query(`UPDATE ${p}tokens SET state = 'expired' WHERE token_id IN (?)`, [step.tokensExpired]);
    }
    await endWaits(conn, p, step);
    let delivered = 0;
    for (const wait of waitsToRegister(step)) delivered += await beginWait(conn, p, step, wait);
    if (delivered > 0) bumps.set(runKeyId(step.key), delivered);
  }
  return bumps;
}

async function createTokens(conn: Transaction, p: string, step: StepWrite): Promise<void> {
  const created = step.tokensCreated ?? [];
  if (created.length === 0) return;
  const { namespace, workflow, runId } = step.key;
  const args = created.flatMap((token) => {
    const row = newTokenRow(step.key, step.iteration, token);
    const { tokenId, iteration, state, expiresAt } = row;
    return [tokenId, namespace, workflow, runId, iteration, token.name ?? null, token.seq, state, expiresAt, step.now];
  });
  await conn.query(
    `INSERT INTO ${p}tokens (token_id, namespace, workflow, run_id, iteration, name, seq, state, expires_at, created_at)
     VALUES ${valueRows(created.length, 10)}`,
    args,
  );
}

async function endWaits(conn: Transaction, p: string, step: StepWrite): Promise<void> {
  const ended = step.eventWaitsEnded ?? [];
  if (ended.length === 0) return;
  const { namespace, workflow, runId } = step.key;
  await conn.query(
    `DELETE FROM ${p}event_waits WHERE namespace = ? AND workflow = ? AND run_id = ? AND iteration = ?
       AND (${ended.map(() => "(name = ? AND seq = ?)").join(" OR ")})`,
    [namespace, workflow, runId, step.iteration, ...ended.flatMap((wait) => [wait.name, wait.seq])],
  );
}

/** Registers the wait, then delivers what it looks back on; returns how many events it delivered. */
async function beginWait(conn: Transaction, p: string, step: StepWrite, wait: EventWaitToBegin): Promise<number> {
  const { namespace, workflow, runId } = step.key;
  await conn.query(
    `INSERT INTO ${p}event_waits (namespace, workflow, run_id, iteration, name, seq, event_key, since, deadline)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [namespace, workflow, runId, step.iteration, wait.name, wait.seq, wait.key ?? "", wait.since, wait.deadline],
  );
  // A plain read under READ COMMITTED (step-writer.ts takes it for steps that begin waits): it
  // sees every event committed by now, and waits for no publisher's open transaction.
  const candidates = await candidateEvents(conn, p, namespace, wait);
  let delivered = 0;
  for (const delivery of lookbackDeliveries(step.key, wait, candidates)) {
    if (await insertSignal(conn, p, delivery.key, delivery.signal, step.now)) delivered++;
  }
  return delivered;
}
