import { isEnded, RunStatus } from "../../history/index.js";
import type { StepWrite } from "../step-write.js";
import type { PlacedChunk, StreamAppend, StreamHead, StreamWriter, WriterRow } from "../stream-records.js";

/*
 * The rules of durable streams. Offsets are dense per stream: each write takes its head's next
 * offset, with the head locked, so concurrent writers (parallel activities, the workflow's steps)
 * interleave but never leave a gap. A closed stream takes no more chunks. A run's end closes
 * every stream of the run, in the ending step. An attempt of an activity that runs after earlier
 * attempts wrote to a stream first appends a reset marker for each of those attempts, so readers
 * know to drop what they wrote (a half-streamed answer) before the new attempt's chunks arrive.
 */

/** A stream nothing was written to yet. */
export const EMPTY_HEAD: StreamHead = Object.freeze({ nextOffset: 0, closed: false });

/** What an activity's batch reads of its run (locked for share, so the run cannot end meanwhile). */
export interface StreamingRun {
  readonly status: string;
  readonly iteration: number;
  readonly leaseOwner: string | null;
}

/**
 * Why an activity attempt may not write to its run's streams now, or undefined when it may: the
 * run must be running the attempt's iteration, held by the attempt's worker. An attempt whose
 * worker lost the run (its lease taken over, the run ended or restarted) is being abandoned: what
 * it writes now could land after the reset of the attempt that replaces it.
 */
export function streamWriteRefusal(
  run: StreamingRun | undefined,
  writer: Pick<StreamWriter, "iteration">,
  owner: string,
): string | undefined {
  if (run === undefined) return "the run does not exist";
  if (run.status !== RunStatus.Running) return `the run is ${run.status}`;
  if (run.iteration !== writer.iteration) return `the run is in iteration ${run.iteration}, not ${writer.iteration}`;
  if (run.leaseOwner !== owner) return "the run is held by another worker now";
  return undefined;
}

/** The chunks a list of writes adds, the heads after them, and the streams found closed. */
export interface PlacedAppends {
  readonly chunks: readonly PlacedChunk[];
  /** The new head of every stream written to. */
  readonly heads: ReadonlyMap<string, StreamHead>;
  /** Streams that were closed when written to: those writes were dropped. */
  readonly dropped: readonly string[];
  /** Streams these writes closed. */
  readonly closed: readonly string[];
}

/**
 * Places writes in order at their streams' next offsets (`heads` as locked; a stream missing
 * from it is empty). `attempt` tags the chunks: null for the workflow's own.
 */
export function placeAppends(
  heads: ReadonlyMap<string, StreamHead>,
  appends: readonly StreamAppend[],
  attempt: number | null,
): PlacedAppends {
  const next = new Map<string, StreamHead>();
  const chunks: PlacedChunk[] = [];
  const dropped = new Set<string>();
  const closed: string[] = [];
  for (const append of appends) {
    const head = next.get(append.key) ?? heads.get(append.key) ?? EMPTY_HEAD;
    if (head.closed) {
      dropped.add(append.key);
      continue;
    }
    if ("close" in append) {
      next.set(append.key, { nextOffset: head.nextOffset, closed: true });
      closed.push(append.key);
      continue;
    }
    chunks.push({ key: append.key, offset: head.nextOffset, valueText: append.valueText, attempt, reset: false });
    next.set(append.key, { nextOffset: head.nextOffset + 1, closed: false });
  }
  return { chunks, heads: next, dropped: [...dropped], closed };
}

/**
 * The writer rows after a batch of `writer`: each stream it wrote to for the first time names
 * this attempt (never an older one: a row may be a later attempt's already); each it closed
 * remembers the attempt that closed it.
 */
export function writerRowsAfter(
  rows: ReadonlyMap<string, WriterRow>,
  writer: StreamWriter,
  firstWrites: readonly string[],
  closed: readonly string[],
): WriterRow[] {
  const after = new Map<string, WriterRow>();
  for (const key of [...firstWrites, ...closed]) {
    const row = after.get(key) ?? rows.get(key) ?? { key, attempt: 0, resetThrough: 0, closedBy: null };
    const attempt = Math.max(row.attempt, writer.attempt);
    after.set(key, { ...row, attempt, closedBy: closed.includes(key) ? writer.attempt : row.closedBy });
  }
  return [...after.values()];
}

/**
 * The attempts made of an activity once attempt `attempt` wrote to a stream: its row in the tasks
 * table counts it (a retry row counts failed attempts, a heartbeat's the running one), so that if
 * the worker dies, the attempt that replaces it has a higher number, and resets the streams this
 * one wrote to (see resetsBefore). Its SQL twin is the GREATEST in store/mysql/streams.ts.
 */
export function attemptsMade(stored: number | undefined, attempt: number): number {
  return Math.max(stored ?? 0, attempt);
}

/** The reset markers an attempt appends before it runs, the heads and writer rows after them. */
export interface PlannedResets {
  readonly chunks: readonly PlacedChunk[];
  readonly heads: ReadonlyMap<string, StreamHead>;
  readonly rows: readonly WriterRow[];
}

/**
 * Before attempt `attempt` of an activity runs: one reset marker, tagged with the attempt it
 * rewinds, on each stream that an earlier attempt of the activity wrote to and that was not reset
 * for it. A stream that attempt closed opens again (the new attempt streams the answer anew); one
 * closed by another writer stays closed and gets no marker (its readers are gone).
 */
export function resetsBefore(
  rows: readonly WriterRow[],
  heads: ReadonlyMap<string, StreamHead>,
  attempt: number,
): PlannedResets {
  const chunks: PlacedChunk[] = [];
  const nextHeads = new Map<string, StreamHead>();
  const nextRows: WriterRow[] = [];
  for (const row of rows) {
    if (row.attempt >= attempt || row.resetThrough >= row.attempt) continue;
    const head = heads.get(row.key) ?? EMPTY_HEAD;
    nextRows.push({ ...row, resetThrough: row.attempt, closedBy: null });
    const reopens = head.closed && row.closedBy === row.attempt;
    if (head.closed && !reopens) continue;
    chunks.push({ key: row.key, offset: head.nextOffset, valueText: null, attempt: row.attempt, reset: true });
    nextHeads.set(row.key, { nextOffset: head.nextOffset + 1, closed: false });
  }
  return { chunks, heads: nextHeads, rows: nextRows };
}

/** A step that ends its run closes every stream of the run, with the step. */
export function closesStreams(step: Pick<StepWrite, "end">): boolean {
  return step.end !== undefined;
}

/**
 * True when a reader that has read up to offset `after` is at the end of the stream for good: the
 * stream is closed (or its run ended: the ending step closed it) and nothing follows `after`.
 */
export function streamEnded(runStatus: string, head: StreamHead | undefined, after: number): boolean {
  const closed = head?.closed === true || isEnded(runStatus);
  return closed && after >= (head ?? EMPTY_HEAD).nextOffset - 1;
}
