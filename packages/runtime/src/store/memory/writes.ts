import { ReplayError, RunNotFoundError } from "../../errors.js";
import { newEvent, type RunKey, RunStatus } from "../../history/index.js";
import { runCreation } from "../rules/new-run.js";
import { refusedSignal, takesSignals } from "../rules/signals.js";
import { wakeOnArrival } from "../rules/wake.js";
import type { NewRun, NewSignal } from "../types.js";
import { keyOf, type MemoryTables, pathOf, type RunRow, signalKey } from "./tables.js";

/** See ClientStore.createRun. */
export function createRun(db: MemoryTables, run: NewRun): boolean {
  const created = db.insertRun(runCreation(run)) !== undefined;
  db.changed(created);
  return created;
}

/** See ClientStore.addSignal: a client's signal, which a run that has ended refuses. */
export function addClientSignal(db: MemoryTables, key: RunKey, signal: NewSignal, now: number): boolean {
  const status = db.run(key)?.status;
  if (status !== undefined && !takesSignals(status)) {
    return refusedSignal(
      key,
      status,
      signal.signal,
      db.signalKeys.has(signalKey(key, signal.signal, signal.externalId)),
    );
  }
  const added = addSignal(db, key, signal, now);
  db.changed(added);
  return added;
}

/** Stores a signal and wakes its run (if running); false when (run, signal, externalId) was sent before. */
export function addSignal(db: MemoryTables, key: RunKey, signal: NewSignal, now: number): boolean {
  const unique = signalKey(key, signal.signal, signal.externalId);
  if (db.signalKeys.has(unique)) return false;
  db.signalKeys.add(unique);
  const inbox = db.inbox(key);
  db.signals.set(pathOf(key), inbox);
  db.inboxRuns.set(pathOf(key), keyOf(key));
  inbox.push({ id: db.nextSignalId++, ...signal, createdAt: now, consumedIteration: null, consumedSeq: null });
  // No run yet (or ended): the signal waits in the inbox; the engine reads it when it runs.
  const run = db.run(key);
  if (run?.status === RunStatus.Running) wakeNow(run, now);
  return true;
}

/** See ClientStore.requestCancel. */
export function requestClientCancel(db: MemoryTables, key: RunKey, now: number): boolean {
  if (db.run(key) === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  const requested = requestCancel(db, key, now);
  db.changed(requested);
  return requested;
}

/**
 * Marks a run as asked to cancel and records a `cancel_requested` event (no position: replay
 * does not read it). False when the run does not exist, ended, or was asked before.
 */
export function requestCancel(db: MemoryTables, key: RunKey, now: number): boolean {
  const run = db.run(key);
  if (run === undefined || run.status !== RunStatus.Running || run.cancelRequested) return false;
  run.cancelRequested = true;
  wakeNow(run, now);
  db.appendEvent(run, { iteration: run.iteration, pos: null, event: newEvent.cancelRequested(now) });
  return true;
}

/** Something arrived from outside: bump wake_gen and make the run due now unless it is due earlier (or paused). */
export function wakeNow(run: RunRow, now: number): void {
  run.wakeGen++;
  run.wakeAt = wakeOnArrival(run.wakeAt, now, run.paused);
  run.updatedAt = now;
}

/** `{ tx }` joins a MySQL transaction: the in-memory store has none. */
export function refuseTx(tx: unknown): void {
  if (tx === undefined) return;
  throw new ReplayError(
    "TX_UNSUPPORTED",
    "the in-memory store has no transactions: { tx } joins a MySQL transaction and works with createClient only; leave it out with this client",
  );
}
