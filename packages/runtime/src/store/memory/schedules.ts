import { type RunKey, RunStatus } from "../../history/index.js";
import { type DueSchedule, nextTickAfterFailure, type TickPlan, tickRunId } from "../../schedule/plan.js";
import { compareNames } from "../compare.js";
import { runCreation } from "../rules/new-run.js";
import type { FiredSchedules, ScheduleInfo, ScheduleSpec } from "../types.js";
import { decodeSchedule } from "./decode.js";
import type { MemoryTables, ScheduleRow } from "./tables.js";

/** See EngineStore.fireSchedules: each schedule on its own, one that fails moved on to its next tick and reported. */
export function fireSchedules(
  db: MemoryTables,
  namespace: string,
  now: number,
  plan: (due: DueSchedule) => TickPlan,
): FiredSchedules {
  const started: RunKey[] = [];
  const failed: { id: string; error: unknown }[] = [];
  for (const row of schedulesOf(db, namespace)) {
    if (row.paused || row.nextTick === null || row.nextTick > now) continue;
    try {
      started.push(...fireSchedule(db, namespace, row, now, plan));
    } catch (error) {
      failed.push({ id: row.spec.id, error });
      row.nextTick = nextTickAfterFailure(row.spec, now);
      row.updatedAt = now;
    }
  }
  db.changed(started.length > 0);
  const nextTick = nextScheduleTick(db, namespace);
  return failed.length === 0 ? { started, nextTick } : { started, nextTick, failed };
}

/** Starts the runs of one schedule's due ticks, as `plan` decides, and moves it to its next tick. */
function fireSchedule(
  db: MemoryTables,
  namespace: string,
  row: ScheduleRow,
  now: number,
  plan: (due: DueSchedule) => TickPlan,
): RunKey[] {
  const { id, workflow, inputText } = row.spec;
  const previous = row.lastRunId === null ? undefined : db.run({ namespace, workflow, runId: row.lastRunId });
  const { ticks, nextTick } = plan({
    ...row.spec,
    nextTick: row.nextTick ?? now,
    previousRunning: previous?.status === RunStatus.Running,
  });
  const started: RunKey[] = [];
  for (const tick of ticks) {
    const key = { namespace, workflow, runId: tickRunId(id, tick) };
    if (db.insertRun(runCreation({ key, inputText, now, scheduledAt: tick })) !== undefined) started.push(key);
  }
  const last = ticks.at(-1);
  row.nextTick = nextTick ?? null;
  if (last !== undefined) {
    row.lastTick = last;
    row.lastRunId = tickRunId(id, last);
  }
  row.updatedAt = now;
  return started;
}

/** See ClientStore.saveSchedule. */
export function saveSchedule(db: MemoryTables, spec: ScheduleSpec, nextTick: number | undefined, now: number): void {
  const key = `${spec.namespace}/${spec.id}`;
  const row = db.schedules.get(key);
  if (row === undefined) {
    db.schedules.set(key, {
      spec,
      paused: false,
      nextTick: nextTick ?? null,
      lastTick: null,
      lastRunId: null,
      createdAt: now,
      updatedAt: now,
    });
  } else {
    row.spec = spec;
    if (!row.paused) row.nextTick = nextTick ?? null;
    row.updatedAt = now;
  }
  db.changed(true);
}

export function getSchedule(db: MemoryTables, namespace: string, id: string): ScheduleInfo | undefined {
  const row = db.schedules.get(`${namespace}/${id}`);
  return row === undefined ? undefined : decodeSchedule(row);
}

export function listSchedules(db: MemoryTables, namespace: string): ScheduleInfo[] {
  return schedulesOf(db, namespace)
    .sort((a, b) => compareNames(a.spec.id, b.spec.id))
    .map(decodeSchedule);
}

/** See ClientStore.setSchedulePaused. */
export function setSchedulePaused(
  db: MemoryTables,
  namespace: string,
  id: string,
  paused: boolean,
  nextTick: number | undefined,
  now: number,
): boolean {
  const row = db.schedules.get(`${namespace}/${id}`);
  if (row === undefined) return false;
  row.paused = paused;
  row.nextTick = paused ? null : (nextTick ?? null);
  row.updatedAt = now;
  db.changed(true);
  return true;
}

/** See ClientStore.recordScheduleRun. */
export function recordScheduleRun(
  db: MemoryTables,
  namespace: string,
  id: string,
  runId: string,
  now: number,
): boolean {
  const row = db.schedules.get(`${namespace}/${id}`);
  if (row === undefined) return false;
  row.lastRunId = runId;
  row.updatedAt = now;
  db.changed(true);
  return true;
}

export function deleteSchedule(db: MemoryTables, namespace: string, id: string): boolean {
  return db.schedules.delete(`${namespace}/${id}`);
}

/** The ticks of the namespace's schedules that are due at `now` and not paused. */
export function dueTicks(db: MemoryTables, namespace: string, now: number): { id: string; tick: number }[] {
  return schedulesOf(db, namespace)
    .filter((row) => !row.paused && row.nextTick !== null && row.nextTick <= now)
    .map((row) => ({ id: row.spec.id, tick: row.nextTick ?? now }));
}

/** The earliest next tick of the namespace's schedules that are not paused. */
export function nextScheduleTick(db: MemoryTables, namespace: string): number | undefined {
  let next: number | undefined;
  for (const row of schedulesOf(db, namespace)) {
    if (row.paused || row.nextTick === null) continue;
    if (next === undefined || row.nextTick < next) next = row.nextTick;
  }
  return next;
}

function schedulesOf(db: MemoryTables, namespace: string): ScheduleRow[] {
  return [...db.schedules.values()].filter((row) => row.spec.namespace === namespace);
}
