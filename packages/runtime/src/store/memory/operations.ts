import { RunNotFoundError } from "../../errors.js";
import { type RunKey, RunStatus } from "../../history/index.js";
import type { RunReset } from "../client-store.js";
import { type OpenPayload, openEvents } from "../open-events.js";
import { RequestStatus } from "../request-records.js";
import { forkCreation } from "../rules/fork.js";
import { pausing, unpausing } from "../rules/pause.js";
import { firstFailingStep, reopensRequest, resetting, staysConsumed } from "../rules/reset.js";
import { resumption } from "../rules/resume.js";
import { termination } from "../rules/terminate.js";
import type { ForkRequest } from "../types.js";
import { settleOpenRequests } from "./requests.js";
import { deleteRunSlots } from "./slots.js";
import { closeRunStreams } from "./streams.js";
import type { MemoryTables, RunRow } from "./tables.js";
import { deleteIterationWaits } from "./waits.js";
import { addSignal, requestCancel } from "./writes.js";

/** See ClientStore.resumeRun; the rule is resumption (rules/resume.ts). */
export function resumeRun(db: MemoryTables, key: RunKey, codeVersion: string | undefined, now: number): void {
  const run = db.run(key);
  const resumed = resumption(key, run, codeVersion, now);
  if (run === undefined) return;
  Object.assign(run, resumed.set);
  db.appendEvent(run, resumed.event);
  db.changed(true);
}

/** See ClientStore.forkRun; the layout is forkCreation's (rules/fork.ts). */
export function forkRun(db: MemoryTables, request: ForkRequest): boolean {
  const { source } = request;
  const from = db.run(source);
  if (from === undefined) throw new RunNotFoundError(source.namespace, source.workflow, source.runId);
  const events = from.events.filter((event) => event.iteration === from.iteration);
  const created = db.insertRun(forkCreation({ ...from, events }, request)) !== undefined;
  db.changed(created);
  return created;
}

/** See ClientStore.setPaused; the rules are pausing and unpausing (rules/pause.ts). */
export function setPaused(db: MemoryTables, key: RunKey, paused: boolean, now: number): boolean {
  const run = db.run(key);
  const change = paused ? pausing(key, run, now) : unpausing(key, run, now);
  if (run === undefined || change === undefined) return false;
  Object.assign(run, change.set);
  db.appendEvent(run, change.event);
  db.changed(true);
  return true;
}

/** See ClientStore.terminateRun; the rule is termination (rules/terminate.ts). */
export async function terminateRun(
  db: MemoryTables,
  key: RunKey,
  reason: string,
  now: number,
  open?: OpenPayload,
): Promise<boolean> {
  // Without codecs nothing is awaited: the read and the writes stand in for one transaction.
  const { run, events } = open ? await openedIteration(db, key, open) : currentIteration(db, key);
  const ended = termination(key, run && { ...run, events }, reason, now);
  if (run === undefined || ended === undefined) return false;
  Object.assign(run, ended.set);
  dropIterationRows(db, run, run.iteration);
  // Its open update and query requests end with it, and its streams close, as when a step ends a run.
  settleOpenRequests(run, { status: RunStatus.Terminated }, now);
  closeRunStreams(db, run);
  db.appendEvent(run, ended.event);
  if (ended.toParent) addSignal(db, ended.toParent.key, ended.toParent.signal, now);
  for (const child of ended.cancelChildren) requestCancel(db, child, now);
  db.changed(true);
  return true;
}

/** See ClientStore.resetRun; the rule is resetting (rules/reset.ts). */
export async function resetRun(
  db: MemoryTables,
  key: RunKey,
  options: RunReset,
  now: number,
  open?: OpenPayload,
): Promise<number> {
  const { run, events } = open ? await openedIteration(db, key, open) : currentIteration(db, key);
  const source = run && { ...run, events };
  const toStep = options.toStep ?? firstFailingStep(events);
  const reset = resetting(key, source, { toStep, codeVersion: options.codeVersion, now });
  if (run === undefined) return reset.set.iteration;
  Object.assign(run, reset.set);
  dropIterationRows(db, run, reset.from);
  for (const row of db.inbox(run)) {
    if (row.consumedIteration === reset.from && !staysConsumed(reset.keptConsumed, row)) {
      row.consumedIteration = null;
      row.consumedSeq = null;
    }
  }
  reopenRequests(run, reset.keptUpdates, now);
  for (const event of reset.events) db.appendEvent(run, event);
  db.changed(true);
  return reset.set.iteration;
}

/** The updates the old iteration accepted after the reset point go back to "requested" (see reopensRequest). */
function reopenRequests(run: RunRow, kept: readonly string[], now: number): void {
  let reopened = false;
  for (const request of run.requests.values()) {
    if (!reopensRequest(kept, request)) continue;
    request.status = RequestStatus.Requested;
    request.updatedAt = now;
    reopened = true;
  }
  if (!reopened) return;
  run.requestGen++;
  run.wakeGen++;
}

/** The retry rows and event waits of an iteration that ends here, and the run's queue slots. */
function dropIterationRows(db: MemoryTables, run: RunRow, iteration: number): void {
  for (const [id, task] of run.tasks) if (task.iteration === iteration) run.tasks.delete(id);
  deleteRunSlots(db, run);
  deleteIterationWaits(db, run, iteration);
}

function currentIteration(db: MemoryTables, key: RunKey) {
  const run = db.run(key);
  return { run, events: run?.events.filter((event) => event.iteration === run.iteration) ?? [] };
}

/**
 * The run and its current iteration's events with their payloads opened (see openEvents), read
 * again when a step or an operator changed the run while they were being opened.
 */
async function openedIteration(db: MemoryTables, key: RunKey, open: OpenPayload) {
  for (;;) {
    const { run, events } = currentIteration(db, key);
    const opened = await openEvents(events, key, open);
    const after = db.run(key);
    const same = after === run && after?.iteration === run?.iteration && after?.events.length === run?.events.length;
    if (same) return { run, events: opened };
  }
}
