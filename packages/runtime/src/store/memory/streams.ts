import type { RunKey } from "../../history/index.js";
import {
  attemptsMade,
  closesStreams,
  placeAppends,
  resetsBefore,
  streamWriteRefusal,
  writerRowsAfter,
} from "../rules/streams.js";
import type { StepWrite } from "../step-write.js";
import type {
  ActivityStreamBatch,
  PlacedChunk,
  StoredStream,
  StreamBatchResult,
  StreamHead,
  StreamRead,
  StreamResetRequest,
  StreamResetResult,
  StreamWriter,
  WriterRow,
} from "../stream-records.js";
import { type MemoryStream, type MemoryTables, pathOf, type RunRow, type RunStreams, taskKeyOf } from "./tables.js";

/** See StreamStore.appendStreamBatch: the rules of rules/streams.ts, persisted in the maps. */
export function appendStreamBatch(db: MemoryTables, batch: ActivityStreamBatch): StreamBatchResult {
  const run = db.run(batch.run);
  const refusal = streamWriteRefusal(run, batch.writer, batch.owner);
  if (refusal !== undefined || run === undefined) return { ok: false, reason: refusal ?? "the run does not exist" };
  const streams = streamsOf(db, run);
  const placed = placeAppends(headsOf(streams), batch.appends, batch.writer.attempt);
  persist(streams, placed.chunks, placed.heads);
  if (batch.firstWrites.length > 0 || placed.closed.length > 0) {
    const rows = writerRows(streams, batch.writer);
    for (const row of writerRowsAfter(rows, batch.writer, batch.firstWrites, placed.closed)) rows.set(row.key, row);
  }
  if (batch.firstWrites.length > 0) countAttempt(run, batch.writer);
  return { ok: true, dropped: placed.dropped };
}

/** See StreamStore.resetStreamAttempts. */
export function resetStreamAttempts(db: MemoryTables, request: StreamResetRequest): StreamResetResult {
  const run = db.run(request.run);
  const refusal = streamWriteRefusal(run, request.writer, request.owner);
  if (refusal !== undefined || run === undefined) return { ok: false, reason: refusal ?? "the run does not exist" };
  const streams = db.streams.get(pathOf(run));
  if (streams === undefined) return { ok: true, reset: [] };
  const rows = writerRows(streams, request.writer);
  const planned = resetsBefore([...rows.values()], headsOf(streams), request.writer.attempt);
  persist(streams, planned.chunks, planned.heads);
  for (const row of planned.rows) rows.set(row.key, row);
  return { ok: true, reset: planned.chunks.map((chunk) => chunk.key) };
}

/** See StreamStore.readStream. */
export function readStream(db: MemoryTables, key: RunKey, streamKey: string, after: number, limit: number): StreamRead {
  const run = db.run(key);
  if (run === undefined) return { runStatus: undefined, head: undefined, chunks: [] };
  const stream = db.streams.get(pathOf(run))?.streams.get(streamKey);
  if (stream === undefined) return { runStatus: run.status, head: undefined, chunks: [] };
  // Offsets are dense from 0: the chunk at `offset` is at index `offset`.
  const chunks = stream.chunks.slice(Math.max(after + 1, 0), Math.max(after + 1, 0) + limit);
  return { runStatus: run.status, head: { ...stream.head }, chunks };
}

/** See StreamStore.listStreams. */
export function listStreams(db: MemoryTables, key: RunKey): readonly StoredStream[] | undefined {
  const run = db.run(key);
  if (run === undefined) return undefined;
  const streams = [...(db.streams.get(pathOf(run))?.streams.entries() ?? [])];
  return streams
    .map(([streamKey, stream]) => ({ key: streamKey, ...stream.head }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A step's stream writes (the workflow's), and the close of every stream when the step ends the run. */
export function writeStepStreams(db: MemoryTables, run: RunRow, step: StepWrite): void {
  const writes = step.streamWrites ?? [];
  if (writes.length === 0 && !closesStreams(step)) return;
  const streams = streamsOf(db, run);
  const placed = placeAppends(headsOf(streams), writes, null);
  persist(streams, placed.chunks, placed.heads);
  if (!closesStreams(step)) return;
  for (const stream of streams.streams.values()) stream.head = { ...stream.head, closed: true };
}

/** Closes every stream of a run that an operator ended (terminateRun), as a step that ends it does. */
export function closeRunStreams(db: MemoryTables, key: RunKey): void {
  for (const stream of db.streams.get(pathOf(key))?.streams.values() ?? []) {
    stream.head = { ...stream.head, closed: true };
  }
}

/** Removes a run's streams (purgeRuns). */
export function purgeStreams(db: MemoryTables, key: RunKey): void {
  db.streams.delete(pathOf(key));
}

function streamsOf(db: MemoryTables, run: RunKey): RunStreams {
  let streams = db.streams.get(pathOf(run));
  if (streams === undefined) {
    streams = { streams: new Map(), writers: new Map() };
    db.streams.set(pathOf(run), streams);
  }
  return streams;
}

function headsOf(streams: RunStreams): Map<string, StreamHead> {
  return new Map([...streams.streams].map(([key, stream]) => [key, stream.head]));
}

function persist(streams: RunStreams, chunks: readonly PlacedChunk[], heads: ReadonlyMap<string, StreamHead>): void {
  for (const { key, ...chunk } of chunks) stream(streams, key).chunks.push(chunk);
  for (const [key, head] of heads) stream(streams, key).head = head;
}

function stream(streams: RunStreams, key: string): MemoryStream {
  let found = streams.streams.get(key);
  if (found === undefined) {
    found = { chunks: [], head: { nextOffset: 0, closed: false } };
    streams.streams.set(key, found);
  }
  return found;
}

function writerRows(streams: RunStreams, writer: StreamWriter): Map<string, WriterRow> {
  const key = `${writer.iteration}\u0000${writer.activity}\u0000${writer.seq}`;
  let rows = streams.writers.get(key);
  if (rows === undefined) {
    rows = new Map();
    streams.writers.set(key, rows);
  }
  return rows;
}

/** The activity's tasks row counts the attempt that streams (see attemptsMade): due at once should the worker die. */
function countAttempt(run: RunRow, writer: StreamWriter): void {
  const task = { target: writer.activity, seq: writer.seq };
  const existing = run.tasks.get(taskKeyOf(writer.iteration, task));
  if (existing) existing.attempt = attemptsMade(existing.attempt, writer.attempt);
  else {
    const attempt = attemptsMade(undefined, writer.attempt);
    const row = { ...task, iteration: writer.iteration, attempt, readyAt: 0, lastError: "" };
    run.tasks.set(taskKeyOf(writer.iteration, task), { ...row, heartbeat: null });
  }
}
