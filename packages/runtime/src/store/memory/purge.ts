import { type RunKey, runKeyId } from "../../history/index.js";
import type { PurgeRequest } from "../types.js";
import { deleteRunSlots } from "./slots.js";
import { purgeStreams } from "./streams.js";
import { eventKey, keyOf, type MemoryTables, pathOf, type RunRow, signalKey } from "./tables.js";
import { deleteWaitsOf } from "./waits.js";

/** See ClientStore.purgeRuns; the caller awaits `request.purging` with the runs it returns. */
export function purgeRuns(db: MemoryTables, request: PurgeRequest): RunKey[] {
  const statuses = new Set<string>(request.statuses);
  const doomed = [...db.runsOf(request.namespace)]
    .filter((run) => statuses.has(run.status) && run.updatedAt < request.endedBefore)
    .slice(0, request.limit);
  deleteRuns(db, doomed);
  return doomed.map(keyOf);
}

/** Removes runs with their events, signals, retry rows, queue slots, streams, payloads, tokens and waits. */
export function deleteRuns(db: MemoryTables, runs: readonly RunRow[]): void {
  const gone = new Set<number>();
  for (const run of runs) {
    deleteRun(db, run);
    for (const event of run.events) gone.add(event.id);
  }
  deleteWaitsOf(db, runs);
  // Compacted in place, once: the stream's binary search needs the ids in order, nothing more.
  let kept = 0;
  for (const event of db.events) if (!gone.has(event.id)) db.events[kept++] = event;
  db.events.length = kept;
}

/**
 * Removes a run with its signals, retry rows, queue slots, streams and payloads; its events leave
 * the log, and its tokens and waits go, in deleteRuns.
 */
function deleteRun(db: MemoryTables, run: RunRow): void {
  deleteRunSlots(db, run);
  db.runs.get(run.namespace)?.delete(runKeyId(run));
  for (const event of run.events) db.eventKeys.delete(eventKey(run, event.iteration, event));
  for (const signal of db.inbox(run)) db.signalKeys.delete(signalKey(run, signal.signal, signal.externalId));
  db.signals.delete(pathOf(run));
  purgeStreams(db, run);
  db.payloads.delete(pathOf(run));
}
