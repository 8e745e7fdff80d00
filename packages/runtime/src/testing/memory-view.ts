import { type RunKey, RunStatus } from "../history/index.js";
import { nextRunWake } from "../store/memory/claim.js";
import { nextDebounce } from "../store/memory/events.js";
import { nextScheduleTick } from "../store/memory/schedules.js";
import { type MemoryStore, tablesOf } from "../store/memory/store.js";
import { leaseLive } from "../store/rules/lease.js";

/*
 * What a test environment asks of its in-memory store, beyond the Store interface: where work
 * is, across every namespace, so that it can tell when runs have settled and where time may
 * skip to. Read straight from the store's tables.
 */

/** Namespaces that have runs, schedules or published events. */
export function namespacesOf(store: MemoryStore): string[] {
  const db = tablesOf(store);
  const scheduled = [...db.schedules.values()].map((row) => row.spec.namespace);
  return [...new Set([...db.runs.keys(), ...scheduled, ...db.published.keys()])];
}

/**
 * The earliest wake time of any running run that nobody holds a live lease on, or of a
 * schedule's tick when the store fires schedules (MemoryStoreOptions.scheduleTicks).
 */
export function nextWakeOfAll(store: MemoryStore, now: number): number | undefined {
  const db = tablesOf(store);
  let next: number | undefined;
  for (const namespace of namespacesOf(store)) {
    const tick = store.scheduleTicks ? nextScheduleTick(db, namespace) : undefined;
    for (const wake of [nextRunWake(db, namespace, now), tick, nextDebounce(db, namespace)]) {
      if (wake !== undefined && (next === undefined || wake < next)) next = wake;
    }
  }
  return next;
}

/** Runs held under a live lease, or due now: a worker has something to do. */
export function busyRuns(store: MemoryStore, now: number): RunKey[] {
  const busy: RunKey[] = [];
  for (const runs of tablesOf(store).runs.values()) {
    for (const run of runs.values()) {
      if (run.status !== RunStatus.Running) continue;
      if (leaseLive(run, now) || (run.wakeAt !== null && run.wakeAt <= now)) busy.push(run);
    }
  }
  return busy;
}

/** Schedules with a tick due now, when the store fires them: a worker has runs to start (as `busyRuns`). */
export function dueSchedules(store: MemoryStore, now: number): RunKey[] {
  if (!store.scheduleTicks) return [];
  return [...tablesOf(store).schedules.values()]
    .filter((row) => !row.paused && row.nextTick !== null && row.nextTick <= now)
    .map((row) => ({ namespace: row.spec.namespace, workflow: row.spec.workflow, runId: `schedule ${row.spec.id}` }));
}

/** Published events no worker dispatched yet, and debounce windows due now: a worker has runs to reach or start (as `busyRuns`). */
export function pendingEvents(store: MemoryStore, now: number): RunKey[] {
  const db = tablesOf(store);
  const pending: RunKey[] = [];
  for (const [namespace, rows] of db.published) {
    for (const row of rows) {
      if (!row.dispatched) pending.push({ namespace, workflow: "(event)", runId: `event ${row.eventId}` });
    }
  }
  for (const namespace of db.published.keys()) {
    const due = nextDebounce(db, namespace);
    if (due !== undefined && due <= now) pending.push({ namespace, workflow: "(debounce)", runId: "due window" });
  }
  return pending;
}
