import { type RunKey, RunStatus } from "../../history/index.js";
import { parking } from "../rules/park.js";
import { wakeUnlessPaused } from "../rules/pause.js";
import type { HeldRun } from "../types.js";
import { dropSlotsOf } from "./slots.js";
import { keyOf, type MemoryTables, type RunRow } from "./tables.js";

/** Those of `runs` that `owner` holds. */
function heldOf(db: MemoryTables, runs: readonly RunKey[], owner: string): RunRow[] {
  return runs.flatMap((key) => {
    const run = db.run(key);
    return run?.leaseOwner === owner ? [run] : [];
  });
}

/** See EngineStore.renewLeases. A renewal shows the holder's event loop runs (see MAX_STALLS). */
export function renewLeases(db: MemoryTables, runs: readonly RunKey[], owner: string, until: number): number {
  const held = heldOf(db, runs, owner);
  for (const run of held) {
    run.leaseUntil = until;
    run.stalls = 0;
    run.stallMark = false;
  }
  return held.length;
}

export function markStall(db: MemoryTables, key: RunKey, owner: string): void {
  for (const run of heldOf(db, [key], owner)) run.stallMark = true;
}

export function clearStalls(db: MemoryTables, key: RunKey, owner: string): void {
  for (const run of heldOf(db, [key], owner)) {
    run.stalls = 0;
    run.stallMark = false;
  }
}

/** See EngineStore.heldRuns: each of `runs` that exists, as it is now. */
export function heldRuns(db: MemoryTables, runs: readonly RunKey[]): HeldRun[] {
  return runs.flatMap((key) => {
    const run = db.run(key);
    if (run === undefined) return [];
    const { wakeGen, requestGen, cancelRequested, paused, status, version } = run;
    return [{ key: keyOf(run), wakeGen, requestGen, cancelRequested, paused, status, version }];
  });
}

/** See EngineStore.releaseAll: every running run `owner` holds, due now. */
export function releaseAll(db: MemoryTables, namespace: string, owner: string, now: number): number {
  const held = [...db.runsOf(namespace)].filter((run) => run.leaseOwner === owner && run.status === RunStatus.Running);
  for (const run of held) releaseRun(run, now);
  for (const [id, slot] of db.queueSlots)
    if (slot.namespace === namespace && slot.owner === owner) db.queueSlots.delete(id);
  db.changed(held.length > 0);
  return held.length;
}

/** See EngineStore.release: the lease, and the queue slots `owner` holds for the run. */
export function release(db: MemoryTables, key: RunKey, owner: string, wakeAt: number | null): void {
  dropSlotsOf(db, key, owner);
  const run = db.run(key);
  if (run?.leaseOwner !== owner) return;
  releaseRun(run, wakeAt);
  db.changed(true);
}

function releaseRun(run: RunRow, wakeAt: number | null): void {
  run.leaseOwner = null;
  run.leaseUntil = null;
  run.wakeAt = wakeUnlessPaused(run.paused, wakeAt);
}

/** See EngineStore.park; the rule is parking (rules/park.ts). */
export function park(
  db: MemoryTables,
  key: RunKey,
  request: { owner: string; errorText: string; now: number; version?: number | undefined },
): boolean {
  const run = db.run(key);
  const parked = parking(run, request);
  if (run === undefined || parked === undefined) return false;
  Object.assign(run, parked);
  db.changed(true);
  return true;
}
