import type { StreamEvent } from "../records.js";
import type { EventBatch, EventFilter } from "../types.js";
import { recorded } from "./history.js";
import { type EventRow, keyOf, type MemoryTables } from "./tables.js";

/** Events a stream read returns at most, as on MySQL. */
const BATCH_SIZE = 500;

/** See ClientStore.readEvents. Every id up to the last one is resolved here: nothing commits out of order. */
export function readEvents(db: MemoryTables, cursor: number, filter: EventFilter): EventBatch {
  const start = lowerBound(db.events, cursor);
  const types = filter.types === undefined ? undefined : new Set(filter.types);
  const events: StreamEvent[] = [];
  let scanned = cursor;
  for (let i = start; i < db.events.length && events.length < BATCH_SIZE; i++) {
    const event = db.events[i] as EventRow;
    scanned = event.id;
    if (matchesFilter(event, filter, types)) events.push(streamEventOf(event));
  }
  const more = events.length === BATCH_SIZE && scanned < db.nextEventId - 1;
  return { events, cursor: scanned, blocked: false, more };
}

export function lastEventId(db: MemoryTables): number {
  return db.events.at(-1)?.id ?? 0;
}

function streamEventOf(event: EventRow): StreamEvent {
  const decoded = recorded(event);
  return {
    id: event.id,
    ...keyOf(event),
    iteration: event.iteration,
    type: decoded.type,
    target: event.target,
    seq: event.seq,
    payload: decoded.payload,
    createdAt: new Date(event.at),
  };
}

function matchesFilter(event: EventRow, filter: EventFilter, types: ReadonlySet<string> | undefined): boolean {
  return (
    event.namespace === filter.namespace &&
    (filter.workflow === undefined || event.workflow === filter.workflow) &&
    (filter.runId === undefined || event.runId === filter.runId) &&
    (types === undefined || types.has(event.type))
  );
}

/** Index of the first event with an id above `cursor` (ids increase along the array). */
function lowerBound(events: readonly EventRow[], cursor: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((events[mid] as EventRow).id <= cursor) low = mid + 1;
    else high = mid;
  }
  return low;
}
