import { type RunKey, RunStatus } from "../../history/index.js";
import { type DueSchedule, type TickPlan, tickRunId } from "../../schedule/plan.js";
import { compareNames } from "../compare.js";
import { runCreation } from "../rules/new-run.js";
import type { FiredSchedules, ScheduleInfo, ScheduleSpec } from "../types.js";
import { decodeSchedule } from "./decode.js";
import type { MemoryTables, ScheduleRow } from "./tables.js";

/** See EngineStore.fireSchedules. */
export function fireSchedules(
  db: MemoryTables,
  namespace: string,
  now: number,
  plan: (due: DueSchedule) => TickPlan,
): FiredSchedules {
  const started: RunKey[] = [];
  for (const row of schedulesOf(db, namespace)) {
    if (row.paused || row.nextTick === null || row.nextTick > now) continue;
    const { id, workflow, inputText } = row.spec;
    const previous = row.lastRunId === null ? undefined : db.run({ namespace, workflow, runId: row.lastRunId });
    const { ticks, nextTick } = plan({
      ...row.spec,
      nextTick: row.nextTick,
      previousRunning: previous?.status === RunStatus.Running,
    });
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
  }
  db.changed(started.length > 0);
  return { started, nextTick: nextScheduleTick(db, namespace) };
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

export function deleteSchedule(db: MemoryTables, namespace: string, id: string): boolean {
  return db.schedules.delete(`${namespace}/${id}`);
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
