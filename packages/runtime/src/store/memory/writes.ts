import { ReplayError, RunNotFoundError } from "../../errors.js";
import { type RunKey, RunStatus } from "../../history/index.js";
import { FRESH_VERSION } from "../claimed-run.js";
import { cancelRequest } from "../rules/cancel.js";
import { runCreation } from "../rules/new-run.js";
import { refusedSignal, takesSignals } from "../rules/signals.js";
import { wakeOnArrival } from "../rules/wake.js";
import type { NewRun, NewSignal } from "../types.js";
import { settleOpenRequests } from "./requests.js";
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

/** See ClientStore.signalWithStart. */
export function signalWithStart(db: MemoryTables, run: NewRun, signal: NewSignal): { created: boolean; sent: boolean } {
  const created = db.insertRun(runCreation(run)) !== undefined;
  const sent = addClientSignal(db, run.key, signal, run.now);
  db.changed(created);
  return { created, sent };
}

/** See ClientStore.requestCancel. */
export function requestClientCancel(db: MemoryTables, key: RunKey, now: number): boolean {
  if (db.run(key) === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
  const requested = requestCancel(db, key, now).length > 0;
  db.changed(requested);
  return requested;
}

/**
 * A cancel request, as cancelRequest (rules/cancel.ts) decides: a started run is marked and
 * woken, one that never ran ends as cancelled at once. Returns the runs that have something
 * new (none: the run does not exist, ended, or was asked before).
 */
export function requestCancel(db: MemoryTables, key: RunKey, now: number): RunKey[] {
  const run = db.run(key);
  if (run === undefined) return [];
  const decision = cancelRequest(key, run, now);
  if (decision.kind === "none") return [];
  run.cancelRequested = true;
  run.wakeGen++;
  run.updatedAt = now;
  if (decision.kind === "request") run.wakeAt = decision.wakeAt;
  else {
    run.status = decision.end.status;
    run.errorText = decision.end.errorText;
    run.wakeAt = null;
    run.version = decision.version;
    run.nextPos = decision.nextPos;
    settleOpenRequests(run, decision.end, now);
  }
  for (const placed of decision.events) db.appendEvent(run, placed);
  const toParent = decision.kind === "end" ? decision.toParent : undefined;
  if (toParent === undefined) return [key];
  addSignal(db, toParent.key, toParent.signal, now);
  return [key, toParent.key];
}

/**
 * Something arrived from outside: bump wake_gen and make the run due now unless it is due earlier,
 * has not started, or is paused.
 */
export function wakeNow(run: RunRow, now: number): void {
  run.wakeGen++;
  run.wakeAt = wakeOnArrival(run.wakeAt, now, run.version !== FRESH_VERSION, run.paused);
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
