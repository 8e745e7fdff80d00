import type { RunKey } from "../../history/index.js";
import { dispatchDeliveries } from "../rules/events.js";
import { runCreation } from "../rules/new-run.js";
import { debounceAfter, singletonDecision, singletonRunIds, triggerKey } from "../rules/triggers.js";
import type { DispatchedEvents, FiredDebounces, NewPublishedEvent, TriggerPlan, TriggerPlanner } from "../types.js";
import type { MemoryTables, PublishedRow } from "./tables.js";
import { addSignal, requestCancel } from "./writes.js";

/** See ClientStore.publishEvent. */
export function publishEvent(db: MemoryTables, event: NewPublishedEvent): boolean {
  const { namespace, ...stored } = event;
  const id = `${namespace}/${event.eventId}`;
  if (db.publishedIds.has(id)) return false;
  db.publishedIds.add(id);
  const rows = db.published.get(namespace) ?? [];
  rows.push({ ...stored, dispatched: false });
  db.published.set(namespace, rows);
  db.changed(true);
  return true;
}

/** What a dispatch did, gathered while it runs. */
interface Dispatch {
  readonly woken: RunKey[];
  readonly started: RunKey[];
}

/**
 * See EngineStore.dispatchEvents. The plans are made first (a planner may answer later), then
 * the batch is applied at once, leaving out what another dispatcher took meanwhile.
 */
export async function dispatchEvents(
  db: MemoryTables,
  namespace: string,
  now: number,
  limit: number,
  plan: TriggerPlanner,
): Promise<DispatchedEvents> {
  const undispatched = (db.published.get(namespace) ?? []).filter((row) => !row.dispatched);
  const planned: { row: PublishedRow; plans: readonly TriggerPlan[] }[] = [];
  for (const row of undispatched.slice(0, limit)) planned.push({ row, plans: await plan(row) });
  const batch = planned.filter(({ row }) => !row.dispatched);
  const done: Dispatch = { woken: [], started: [] };
  for (const { row, plans } of batch) {
    const waits = db.eventWaits.get(namespace) ?? [];
    for (const delivery of dispatchDeliveries(row, waits)) {
      if (addSignal(db, delivery.key, delivery.signal, now)) done.woken.push(delivery.key);
    }
    for (const trigger of plans) startFor(db, namespace, row, trigger, now, done);
    row.dispatched = true;
  }
  db.changed(batch.length > 0);
  return { dispatched: batch.length, ...done, more: undispatched.length > batch.length };
}

/** What a trigger does with one event: a run now, a debounce window, or a singleton decision. */
function startFor(
  db: MemoryTables,
  namespace: string,
  event: PublishedRow,
  trigger: TriggerPlan,
  now: number,
  done: Dispatch,
): void {
  const key = `${namespace}/${trigger.workflow}/${triggerKey(event.key)}`;
  if (trigger.debounce) {
    const open = db.debounces.get(key);
    const { state, takesData } = debounceAfter(open, event.publishedAt, trigger.debounce);
    const run = takesData || open === undefined ? trigger : open;
    db.debounces.set(key, { ...state, runId: run.runId, inputText: run.inputText, codeVersion: run.codeVersion });
    return;
  }
  if (trigger.singleton) {
    const currentId = db.singletons.get(key);
    const current =
      currentId === undefined ? undefined : db.run({ namespace, workflow: trigger.workflow, runId: currentId });
    const decision = singletonDecision(trigger.singleton, current && { key: current, status: current.status });
    if (decision.kind === "skip") return;
    if (decision.cancel && requestCancel(db, decision.cancel, now)) done.woken.push(decision.cancel);
    for (const runId of singletonRunIds(trigger.runId, event.eventId)) {
      if (createRun(db, namespace, { ...trigger, runId }, now, done)) {
        db.singletons.set(key, runId);
        return;
      }
    }
    return;
  }
  createRun(db, namespace, trigger, now, done);
}

function createRun(
  db: MemoryTables,
  namespace: string,
  run: Pick<TriggerPlan, "workflow" | "runId" | "inputText" | "codeVersion">,
  now: number,
  done: Dispatch,
): boolean {
  const key = { namespace, workflow: run.workflow, runId: run.runId };
  const created = db.insertRun(runCreation({ key, inputText: run.inputText, now, codeVersion: run.codeVersion }));
  if (created !== undefined) done.started.push(key);
  return created !== undefined;
}

/** See EngineStore.fireDebounces. */
export function fireDebounces(db: MemoryTables, namespace: string, now: number, limit: number): FiredDebounces {
  const done: Dispatch = { woken: [], started: [] };
  let fired = 0;
  for (const [key, row] of db.debounces) {
    if (fired >= limit) break;
    const workflow = workflowOfKey(namespace, key);
    if (workflow === undefined || row.fireAt > now) continue;
    db.debounces.delete(key);
    createRun(db, namespace, { workflow, ...row }, now, done);
    fired++;
  }
  db.changed(fired > 0);
  return { started: done.started, next: nextDebounce(db, namespace) };
}

/** The earliest due time of the namespace's open debounce windows. */
export function nextDebounce(db: MemoryTables, namespace: string): number | undefined {
  let next: number | undefined;
  for (const [key, row] of db.debounces) {
    if (workflowOfKey(namespace, key) !== undefined && (next === undefined || row.fireAt < next)) next = row.fireAt;
  }
  return next;
}

/** The workflow of a `namespace/workflow/key` of the namespace (names contain no "/"); undefined for another namespace. */
function workflowOfKey(namespace: string, key: string): string | undefined {
  if (!key.startsWith(`${namespace}/`)) return undefined;
  const rest = key.slice(namespace.length + 1);
  return rest.slice(0, rest.indexOf("/"));
}

/** See ClientStore.purgeEvents. */
export function purgeEvents(db: MemoryTables, namespace: string, before: number, limit: number): number {
  const rows = db.published.get(namespace) ?? [];
  let deleted = 0;
  const kept = rows.filter((row) => {
    if (deleted >= limit || row.publishedAt >= before) return true;
    db.publishedIds.delete(`${namespace}/${row.eventId}`);
    deleted++;
    return false;
  });
  db.published.set(namespace, kept);
  return deleted;
}
