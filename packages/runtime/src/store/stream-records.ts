import type { RunKey } from "../history/index.js";

/*
 * Durable streams as the stores keep them (see client.readStream, ctx.writeStream,
 * actx.writeStream). A stream is named by its run and a key; its chunks have dense offsets from
 * 0, handed out under the stream's head, which also says whether it is closed. The rules of
 * what a write, a reset or a run's end does to them are in rules/streams.ts.
 */

/** One write to a stream: a value (encoded JSON text), or the stream's close. */
export type StreamAppend =
  | { readonly key: string; readonly valueText: string }
  | { readonly key: string; readonly close: true };

/** A stream's head: where its next chunk goes, and whether it is closed. */
export interface StreamHead {
  readonly nextOffset: number;
  readonly closed: boolean;
}

/** A chunk as a store keeps it: a value, or a reset marker for an attempt of an activity. */
export interface StoredChunk {
  readonly offset: number;
  /** The value as encoded JSON text; null on a reset marker. */
  readonly valueText: string | null;
  /** The attempt of the activity that wrote it (or that the reset is for); null for the workflow's chunks. */
  readonly attempt: number | null;
  readonly reset: boolean;
}

/** A chunk to insert, at the offset its head gave it. */
export interface PlacedChunk extends StoredChunk {
  readonly key: string;
}

/** The attempt of an activity that writes to streams of its run. */
export interface StreamWriter {
  readonly iteration: number;
  readonly activity: string;
  readonly seq: number;
  readonly attempt: number;
}

/**
 * What the store keeps of an activity's writes to one stream (a row of `stream_writers`): the
 * newest attempt that wrote, the attempts up to which readers were told to rewind, and the
 * attempt that closed the stream, if one did (a reset of that attempt reopens it).
 */
export interface WriterRow {
  readonly key: string;
  readonly attempt: number;
  readonly resetThrough: number;
  readonly closedBy: number | null;
}

/** A batch of an activity attempt's writes, written in a transaction of its own. */
export interface ActivityStreamBatch {
  readonly run: RunKey;
  readonly writer: StreamWriter;
  /** The worker running the attempt: the run's lease must still be its own. */
  readonly owner: string;
  /** In the order the activity wrote them. */
  readonly appends: readonly StreamAppend[];
  /**
   * Streams this attempt writes for the first time: their writer rows are written, and the
   * activity's row in the tasks table counts this attempt (see rules/streams.ts attemptsMade).
   */
  readonly firstWrites: readonly string[];
  readonly now: number;
}

/** What became of a batch: written, but with writes to closed streams dropped; or refused whole. */
export type StreamBatchResult =
  | { readonly ok: true; readonly dropped: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Rewinds the streams earlier attempts of an activity wrote to, before attempt `writer.attempt` runs. */
export interface StreamResetRequest {
  readonly run: RunKey;
  readonly writer: StreamWriter;
  readonly owner: string;
  readonly now: number;
}

/** The streams that got a reset marker; or refused, as a batch is. */
export type StreamResetResult =
  | { readonly ok: true; readonly reset: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** One read of a stream: the run's status and the stream's head, then the chunks after the cursor. */
export interface StreamRead {
  /** Undefined when the run does not exist. */
  readonly runStatus: string | undefined;
  /** Undefined while nothing was written to the stream. */
  readonly head: StreamHead | undefined;
  /** Offsets after the cursor, ascending, at most the limit asked for. */
  readonly chunks: readonly StoredChunk[];
}

/** A run's stream as a store lists it. */
export interface StoredStream extends StreamHead {
  readonly key: string;
}

/** What streams need of a store: the writes of activities (a step writes the workflow's), and reads. */
export interface StreamStore {
  /** Writes a batch of an activity attempt's chunks and closes, all or nothing. */
  appendStreamBatch(batch: ActivityStreamBatch): Promise<StreamBatchResult>;
  /** Appends a reset marker to each stream an earlier attempt of the activity wrote to and was not reset for. */
  resetStreamAttempts(request: StreamResetRequest): Promise<StreamResetResult>;
  /** The head first, then up to `limit` chunks after offset `after` (-1: from the first). */
  readStream(run: RunKey, key: string, after: number, limit: number): Promise<StreamRead>;
  /** The run's streams by key; undefined when the run does not exist. */
  listStreams(run: RunKey): Promise<readonly StoredStream[] | undefined>;
}
