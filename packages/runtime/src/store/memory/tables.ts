import {
  type EventType,
  type RunKey,
  type RunStatus,
  runKeyId,
  type StoredPublishedEvent,
  type Tags,
} from "../../history/index.js";
import type { BulkBatch, BulkOutcome } from "../bulk-records.js";
import type { RequestKind, RequestStatus } from "../request-records.js";
import type { RegisteredWait } from "../rules/events.js";
import type { NewRunRow, PlacedEvent, RunCreation } from "../rules/new-run.js";
import type { QueueLimits } from "../rules/queue-picking.js";
import type { StoredToken } from "../rules/tokens.js";
import type { DebounceState } from "../rules/triggers.js";
import type { ScheduleSpec } from "../schedule-records.js";
import type { StoredChunk, StreamHead, WriterRow } from "../stream-records.js";

/** A run, as the in-memory store keeps it: the fields of the MySQL `runs` table. */
export interface RunRow {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  iteration: number;
  status: RunStatus;
  readonly shard: number;
  version: number;
  nextPos: number;
  wakeAt: number | null;
  wakeGen: number;
  /** Bumped by every update or query request stored for the run (the MySQL request_gen). */
  requestGen: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  cancelRequested: boolean;
  codeVersion: string | null;
  readonly seed: string | null;
  seedIteration: number | null;
  readonly deadline: number | null;
  readonly queue: string | null;
  readonly priority: number;
  readonly concurrencyKey: string | null;
  readonly scheduledAt: number | null;
  readonly traceContext: string | null;
  stalls: number;
  stallMark: boolean;
  wantedActivity: string | null;
  /** Paused by pauseRun: wakeAt stays null until unpaused (see rules/pause.ts). */
  paused: boolean;
  tags: Tags;
  parent: NewRunRow["parent"];
  inputText: string | null;
  resultText: string | null;
  errorText: string | null;
  readonly createdAt: number;
  updatedAt: number;
  /** The run's events in id order. */
  readonly events: EventRow[];
  /** Retry rows by iteration and task key. */
  readonly tasks: Map<string, TaskRowM>;
  /** Update and query requests by request id, in the order they arrived. */
  readonly requests: Map<string, RequestRowM>;
}

/** An update or query request, as the MySQL `requests` table keeps it. */
export interface RequestRowM {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly name: string;
  readonly inputText: string | null;
  status: RequestStatus;
  resultText: string | null;
  errorText: string | null;
  readonly createdAt: number;
  updatedAt: number;
}

export interface EventRow {
  readonly id: number;
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly pos: number | null;
  readonly type: EventType;
  readonly target: string;
  readonly seq: number;
  readonly payloadText: string | null;
  readonly at: number;
}

export interface SignalRowM {
  readonly id: number;
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string;
  readonly createdAt: number;
  consumedIteration: number | null;
  consumedSeq: number | null;
}

export interface TaskRowM {
  readonly iteration: number;
  readonly target: string;
  readonly seq: number;
  attempt: number;
  readyAt: number;
  lastError: string;
  heartbeat: string | null;
}

/** One stream of a run: its chunks in offset order, and its head. */
export interface MemoryStream {
  readonly chunks: StoredChunk[];
  head: StreamHead;
}

/** A run's streams by key, and its activities' writer rows by activity, then by stream key. */
export interface RunStreams {
  readonly streams: Map<string, MemoryStream>;
  readonly writers: Map<string, Map<string, WriterRow>>;
}

/** A schedule, as the in-memory store keeps it. */
export interface ScheduleRow {
  spec: ScheduleSpec;
  paused: boolean;
  nextTick: number | null;
  lastTick: number | null;
  lastRunId: string | null;
  readonly createdAt: number;
  updatedAt: number;
}

/** An attempt's slot of its activity queue (owner set), or its place in the queue's line (owner null). */
export interface QueueSlotRow {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly target: string;
  readonly seq: number;
  readonly queue: string;
  readonly concurrencyKey: string | null;
  owner: string | null;
  leaseUntil: number | null;
  readonly since: number;
}

/** A bulk action, with its items by runKeyId in the order they were listed. */
export interface BulkRow {
  batch: BulkBatch;
  readonly items: Map<
    string,
    { readonly workflow: string; readonly runId: string; outcome: BulkOutcome | undefined; acting: boolean }
  >;
}

/** A queue's limits, and the start times of its sliding rate window. */
export interface QueueRow {
  readonly limits: QueueLimits;
  readonly starts: number[];
}

/** A published event, as the in-memory store keeps it. */
export interface PublishedRow extends StoredPublishedEvent {
  dispatched: boolean;
}

/** An open debounce window with the run it will start (the data of the burst's last event). */
export interface DebounceRow extends DebounceState {
  readonly runId: string;
  readonly inputText: string;
  readonly codeVersion: string | undefined;
}

/**
 * The in-memory store's tables, and the few writes every part of it shares (a run's insertion,
 * an event's append). Every operation on them runs to its end without an await, which stands
 * in for a transaction.
 */
export class MemoryTables {
  readonly runs = new Map<string, Map<string, RunRow>>();
  /** Inboxes by run path (see pathOf), including those of runs that do not exist. */
  readonly signals = new Map<string, SignalRowM[]>();
  /** (run, signal, external id) of every stored signal: the MySQL signals_key index. */
  readonly signalKeys = new Set<string>();
  /** The run each inbox of `signals` belongs to (its key), which may not exist. */
  readonly inboxRuns = new Map<string, RunKey>();
  /** The log, in id order. */
  readonly events: EventRow[] = [];
  /** The MySQL events_key index (see eventKey). */
  readonly eventKeys = new Set<string>();
  readonly cursors = new Map<string, number>();
  /** By `namespace/queue`. */
  readonly queues = new Map<string, QueueRow>();
  /** By `namespace/id`. */
  readonly schedules = new Map<string, ScheduleRow>();
  /** Activity queue slots and waits, by slotKey. */
  readonly queueSlots = new Map<string, QueueSlotRow>();
  /** Bulk actions, by `namespace/batchId`. */
  readonly bulks = new Map<string, BulkRow>();
  /** Tokens by id (MySQL: tokens). */
  readonly tokens = new Map<string, StoredToken>();
  /** Published events by namespace, in publication order, and their ids (MySQL: published_events). */
  readonly published = new Map<string, PublishedRow[]>();
  readonly publishedIds = new Set<string>();
  /** Registered event waits by namespace (MySQL: event_waits). */
  readonly eventWaits = new Map<string, RegisteredWait[]>();
  /** Open debounce windows and the current run of singleton triggers, by `namespace/workflow/key`. */
  readonly debounces = new Map<string, DebounceRow>();
  readonly singletons = new Map<string, string>();
  /** Streams by run path (see pathOf). */
  readonly streams = new Map<string, RunStreams>();
  /** Workers present (holdPresence), with how many handles each holds open. */
  readonly present = new Map<string, number>();
  /** Offloaded payloads (tablePayloadStore) by run path (see pathOf), then by id. */
  readonly payloads = new Map<string, Map<string, Uint8Array>>();
  nextEventId = 1;
  nextSignalId = 1;
  readonly #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  /** Tells the store's listener (e.g. a test environment) that something changed. */
  changed(changed: boolean): void {
    if (changed) this.#onChange();
  }

  run(key: RunKey): RunRow | undefined {
    return this.runs.get(key.namespace)?.get(runKeyId(key));
  }

  runsOf(namespace: string): Iterable<RunRow> {
    return this.runs.get(namespace)?.values() ?? [];
  }

  /** Inserts the run with its first events; undefined when the run exists. */
  insertRun(creation: RunCreation): RunRow | undefined {
    const { row } = creation;
    let runs = this.runs.get(row.namespace);
    if (runs === undefined) {
      runs = new Map();
      this.runs.set(row.namespace, runs);
    }
    const id = runKeyId(row);
    if (runs.has(id)) return undefined;
    const run: RunRow = {
      ...row,
      leaseOwner: null,
      leaseUntil: null,
      stalls: 0,
      stallMark: false,
      wantedActivity: null,
      paused: false,
      resultText: null,
      errorText: null,
      requestGen: 0,
      events: [],
      tasks: new Map(),
      requests: new Map(),
    };
    runs.set(id, run);
    for (const event of creation.events) this.appendEvent(run, event);
    return run;
  }

  appendEvent(run: RunRow, placed: PlacedEvent): void {
    const { iteration, pos, event } = placed;
    const row: EventRow = { id: this.nextEventId++, ...keyOf(run), iteration, pos, ...event };
    this.eventKeys.add(eventKey(run, iteration, event));
    this.events.push(row);
    run.events.push(row);
  }

  /** The unconsumed and consumed signals of a run's inbox, oldest first. */
  inbox(key: RunKey): SignalRowM[] {
    return this.signals.get(pathOf(key)) ?? [];
  }
}

/** A run's path: the key of its inbox. */
export const pathOf = (key: RunKey): string => `${key.namespace}/${runKeyId(key)}`;

export const keyOf = (run: RunKey): RunKey => ({ namespace: run.namespace, workflow: run.workflow, runId: run.runId });

/** The unique key of an event, as the MySQL events_key index has it. */
export function eventKey(run: RunKey, iteration: number, event: Pick<EventRow, "type" | "target" | "seq">): string {
  return `${pathOf(run)}\u0000${iteration}\u0000${event.type}\u0000${event.target}\u0000${event.seq}`;
}

/** The unique key of a signal, as the MySQL signals_key index has it. */
export function signalKey(key: RunKey, signal: string, externalId: string): string {
  return `${pathOf(key)}/${signal}/${externalId}`;
}

/** The key of an attempt's queue slot row, as the MySQL primary key of queue_slots has it. */
export function slotKey(
  key: RunKey,
  iteration: number,
  task: { readonly target: string; readonly seq: number },
): string {
  return `${pathOf(key)}\u0000${iteration}\u0000${task.target}\u0000${task.seq}`;
}

/** The key of a retry row within its run. */
export function taskKeyOf(iteration: number, task: { readonly target: string; readonly seq: number }): string {
  return `${iteration}\u0000${task.target}\u0000${task.seq}`;
}
