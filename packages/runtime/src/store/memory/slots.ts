import { type RunKey, RunStatus } from "../../history/index.js";
import type { SlotAnswer, SlotRequest } from "../engine-store.js";
import { leaseLive } from "../rules/lease.js";
import { startsInWindow } from "../rules/queue-picking.js";
import {
  type SlotCandidate,
  type SlotState,
  slotDecision,
  slotHeld,
  slotWakeNeeded,
  unlimited,
} from "../rules/queue-slots.js";
import { keyOf, type MemoryTables, pathOf, type QueueSlotRow, slotKey } from "./tables.js";
import { wakeNow } from "./writes.js";

/*
 * Activity queue slots in memory, as store/mysql/slots.ts keeps them: the decisions are
 * slotDecision's (rules/queue-slots.ts).
 */

/** See EngineStore.acquireSlot. */
export function acquireSlot(db: MemoryTables, request: SlotRequest): SlotAnswer {
  const { key, iteration, queue, now } = request;
  const config = db.queues.get(`${key.namespace}/${queue}`);
  if (config === undefined || unlimited(config.limits)) return { granted: true, woken: [] };
  const id = slotKey(key, iteration, request);
  const existing = db.queueSlots.get(id);
  const held = slotHeld(existing, request.owner, now);
  if (held !== undefined) return { granted: held, woken: [] };
  const { workflow, runId } = key;
  const { target, seq, concurrencyKey } = request;
  const asking: SlotCandidate = {
    workflow,
    runId,
    iteration,
    target,
    seq,
    concurrencyKey,
    since: existing?.since ?? now,
  };
  const decision = slotDecision(asking, waitersOf(db, key.namespace, queue), stateOf(db, key.namespace, queue, now));
  db.queueSlots.set(id, {
    ...keyOf(key),
    iteration,
    target: request.target,
    seq: request.seq,
    queue,
    concurrencyKey: request.concurrencyKey,
    owner: decision.granted ? request.owner : null,
    leaseUntil: decision.granted ? request.leaseUntil : null,
    since: asking.since,
  });
  if (decision.granted) recordStart(db, key.namespace, queue, now);
  return { granted: decision.granted, woken: wake(db, key.namespace, decision.wake, now) };
}

/** See EngineStore.releaseSlot. */
export function releaseSlot(
  db: MemoryTables,
  key: RunKey,
  iteration: number,
  task: { readonly target: string; readonly seq: number },
  now: number,
): RunKey[] {
  const id = slotKey(key, iteration, task);
  const row = db.queueSlots.get(id);
  if (row === undefined) return [];
  db.queueSlots.delete(id);
  return wakeSlotWaiters(db, key.namespace, row.queue, now);
}

/** See EngineStore.wakeSlotWaiters. */
export function wakeSlotWaiters(db: MemoryTables, namespace: string, queue: string, now: number): RunKey[] {
  const waiting = waitersOf(db, namespace, queue);
  if (waiting.length === 0) return [];
  const decision = slotDecision(undefined, waiting, stateOf(db, namespace, queue, now));
  const woken = wake(db, namespace, decision.wake, now);
  db.changed(woken.length > 0);
  return woken;
}

/** See EngineStore.renewSlots. */
export function renewSlots(db: MemoryTables, runs: readonly RunKey[], owner: string, until: number): void {
  const paths = new Set(runs.map(pathOf));
  for (const slot of db.queueSlots.values()) {
    if (slot.owner === owner && paths.has(pathOf(slot))) slot.leaseUntil = until;
  }
}

/** The slots `owner` holds for the run's attempts: they end as its worker lets go of it. */
export function dropSlotsOf(db: MemoryTables, key: RunKey, owner: string): void {
  for (const [id, slot] of db.queueSlots)
    if (slot.owner === owner && pathOf(slot) === pathOf(key)) db.queueSlots.delete(id);
}

/** Every slot and wait of the run (it ended, was reset or purged). */
export function deleteRunSlots(db: MemoryTables, key: RunKey): void {
  for (const [id, slot] of db.queueSlots) if (pathOf(slot) === pathOf(key)) db.queueSlots.delete(id);
}

/** The slot rows a step deletes (see StepWrite.slotDeletes). */
export function deleteStepSlots(
  db: MemoryTables,
  key: RunKey,
  iteration: number,
  tasks: readonly { readonly target: string; readonly seq: number }[],
): void {
  for (const task of tasks) db.queueSlots.delete(slotKey(key, iteration, task));
}

/** The queue's line: waiting attempts of runs that run and are not paused. */
function waitersOf(db: MemoryTables, namespace: string, queue: string): SlotCandidate[] {
  const waiting: SlotCandidate[] = [];
  for (const slot of db.queueSlots.values()) {
    if (slot.namespace !== namespace || slot.queue !== queue || slot.owner !== null) continue;
    const run = db.run(slot);
    if (run?.status === RunStatus.Running && !run.paused) waiting.push(candidateOf(slot));
  }
  return waiting;
}

/** The queue's limits, the slots held now by key (those that ran out are deleted), and its rate window. */
function stateOf(db: MemoryTables, namespace: string, queue: string, now: number): SlotState {
  const config = db.queues.get(`${namespace}/${queue}`) ?? { limits: {}, starts: [] };
  const inProgress = new Map<string | null, number>();
  for (const [id, slot] of db.queueSlots) {
    if (slot.namespace !== namespace || slot.queue !== queue || slot.owner === null) continue;
    if (!leaseLive(slot, now)) {
      db.queueSlots.delete(id);
      continue;
    }
    inProgress.set(slot.concurrencyKey, (inProgress.get(slot.concurrencyKey) ?? 0) + 1);
  }
  return { limits: config.limits, inProgress, recentStarts: startsInWindow(config.starts, config.limits, now).length };
}

function recordStart(db: MemoryTables, namespace: string, queue: string, now: number): void {
  const config = db.queues.get(`${namespace}/${queue}`);
  if (config === undefined || config.limits.rateLimit === undefined) return;
  const window = startsInWindow(config.starts, config.limits, now);
  db.queues.set(`${namespace}/${queue}`, { limits: config.limits, starts: [...window, now] });
}

/**
 * Wakes the runs of the waiting attempts whose turn came, as a signal would, but for a run due
 * already that nobody holds: a claim takes it as it is (see slotWakeNeeded).
 */
function wake(db: MemoryTables, namespace: string, attempts: readonly SlotCandidate[], now: number): RunKey[] {
  const woken = new Map<string, RunKey>();
  for (const attempt of attempts) {
    const run = db.run({ namespace, workflow: attempt.workflow, runId: attempt.runId });
    if (run === undefined || run.status !== RunStatus.Running || woken.has(pathOf(run))) continue;
    if (!slotWakeNeeded(run, now)) continue;
    wakeNow(run, now);
    woken.set(pathOf(run), keyOf(run));
  }
  return [...woken.values()];
}

function candidateOf(slot: QueueSlotRow): SlotCandidate {
  const { workflow, runId, iteration, target, seq, concurrencyKey, since } = slot;
  return { workflow, runId, iteration, target, seq, concurrencyKey, since };
}
