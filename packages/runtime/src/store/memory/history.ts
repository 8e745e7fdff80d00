import { decodeEvent, type HistoryEvent, type RecordedEvent, type RunKey, rawEvent } from "../../history/index.js";
import type { HistoryOptions, InboxSignal, TaskRow } from "../types.js";
import { type EventRow, type MemoryTables, taskKeyOf } from "./tables.js";

/** See EngineStore.loadHistory: the iteration's events with a position, in position order. */
export function loadHistory(db: MemoryTables, key: RunKey, iteration: number): RecordedEvent[] {
  const events = (db.run(key)?.events ?? []).filter((event) => event.iteration === iteration && event.pos !== null);
  return events.sort((a, b) => (a.pos ?? 0) - (b.pos ?? 0)).map(recorded);
}

export function loadTasks(db: MemoryTables, key: RunKey, iteration: number): TaskRow[] {
  const tasks = [...(db.run(key)?.tasks.values() ?? [])].filter((task) => task.iteration === iteration);
  return tasks.map(({ target, seq, attempt, readyAt, heartbeat }) => ({ target, seq, attempt, readyAt, heartbeat }));
}

/** See EngineStore.loadSignals. */
export function loadSignals(db: MemoryTables, key: RunKey, names: readonly string[]): InboxSignal[] {
  const wanted = new Set(names);
  return db
    .inbox(key)
    .filter((row) => row.consumedIteration === null && wanted.has(row.signal))
    .map(inboxSignalOf);
}

/** A signal row as the inbox reads it. */
export function inboxSignalOf({ id, signal, externalId, payloadText, createdAt }: InboxSignal): InboxSignal {
  return { id, signal, externalId, payloadText, createdAt };
}

/** See EngineStore.recordHeartbeat: the task's row keeps the details, written when missing. */
export function recordHeartbeat(
  db: MemoryTables,
  key: RunKey,
  iteration: number,
  task: { readonly target: string; readonly seq: number; readonly attempt: number },
  detailsText: string,
): void {
  const run = db.run(key);
  if (run === undefined) return;
  const existing = run.tasks.get(taskKeyOf(iteration, task));
  if (existing) existing.heartbeat = detailsText;
  else
    run.tasks.set(taskKeyOf(iteration, task), {
      ...task,
      iteration,
      readyAt: 0,
      lastError: "",
      heartbeat: detailsText,
    });
}

/** See ClientStore.getHistory. */
export function getHistory(db: MemoryTables, key: RunKey, options: HistoryOptions = {}): HistoryEvent[] | undefined {
  const run = db.run(key);
  if (run === undefined) return undefined;
  const iteration = options.iteration ?? run.iteration;
  const events = run.events.filter((event) => iteration === "all" || event.iteration === iteration);
  if (options.raw) return events.map((event) => rawEvent(event, whereOf(event)));
  return events.map((event) => {
    const { payloadText: _, ...decoded } = recorded(event);
    return decoded as HistoryEvent;
  });
}

export function recorded(event: EventRow): RecordedEvent {
  return decodeEvent(event, whereOf(event));
}

const whereOf = (event: EventRow) => `event ${event.type} ${event.target}#${event.seq} of run ${event.runId}`;
