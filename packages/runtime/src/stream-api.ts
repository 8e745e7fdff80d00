import type { Duration } from "./duration.js";

/*
 * The public types of durable streams (see docs/streaming.md): what a reader gets, how it reads,
 * and how an activity's writes are batched. The methods are on Client, RunContext and
 * ActivityContext in api.ts.
 */

/** One chunk of a run's stream, as client.readStream yields it. */
export interface StreamChunk {
  /** 0, 1, 2, ... per stream, without gaps: pass the last one seen as `after` to resume. */
  readonly offset: number;
  /** What was written; undefined on a reset marker. */
  readonly value: unknown;
  /** The attempt of the activity that wrote it (absent for the workflow's own chunks); on a reset, the attempt it rewinds. */
  readonly attempt?: number;
  /**
   * A reset marker: the activity attempt `attempt` failed (or its worker died) and the activity
   * runs again, so drop the chunks that attempt wrote before this one: the next attempt writes
   * them anew.
   */
  readonly reset?: true;
}

/**
 * A chunk of a stream whose values have type `T`, as the generated `read<Workflow>Stream`
 * helpers yield it: a chunk carries a `T`; a reset marker (`reset: true`) carries none and names
 * the attempt to rewind, so `if (chunk.reset)` tells them apart.
 */
export type TypedStreamChunk<T> =
  | { readonly offset: number; readonly value: T; readonly attempt?: number; readonly reset?: undefined }
  | { readonly offset: number; readonly value: undefined; readonly attempt: number; readonly reset: true };

/**
 * `writeStream` and `closeStream` typed by the streams `S` declares (key -> value type), as the
 * generated Flow and activity contexts have them: a key `S` does not have, or a value of another
 * type, does not compile.
 */
export interface TypedStreamWrites<S> {
  /** Appends `value` to the run's stream `key`. */
  writeStream<K extends keyof S & string>(key: K, value: S[K]): Promise<void>;
  /** Closes the run's stream `key`: it takes no more chunks. */
  closeStream(key: keyof S & string): Promise<void>;
}

/** What a Flow mock recorded of one stream the workflow wrote (`mock.streams.<key>`). */
export interface MockStream<T> {
  /** The values written, in order. */
  readonly written: readonly T[];
  /** Whether the workflow closed it. */
  readonly closed: boolean;
}

/** A run's stream as client.listStreams lists it. */
export interface StreamInfo {
  readonly key: string;
  /** How many chunks it holds (reset markers included): the offset its next chunk takes. */
  readonly chunks: number;
  /** Closed by closeStream or by the end of its run: it takes no more chunks. */
  readonly closed: boolean;
}

/** Options of client.readStream. */
export interface ReadStreamOptions {
  /** Start after this offset (exclusive): the last offset seen. Default: from the first chunk (-1). */
  readonly after?: number;
  /**
   * Keep waiting for new chunks, until the stream is closed or its run ends. Default false: end
   * at the chunks written so far.
   */
  readonly follow?: boolean;
  /** Stop reading when this signal aborts; the iteration then ends without an error. */
  readonly signal?: AbortSignal;
}

/**
 * How an activity's stream writes are batched: a batch is written as soon as the one before it
 * has committed (at once when none is in flight), with every chunk written meanwhile, so a burst
 * goes out in few commits without a chunk waiting for a timer.
 */
export interface StreamBatchOptions {
  /**
   * The most chunks in one batch (a transaction), 1..10000; default 500. While a full batch waits
   * for the one in flight, writeStream waits too, so memory stays bounded.
   */
  readonly maxChunks?: number;
  /**
   * How long a batch may wait for more chunks before it is written, at most 10 s; default 0 (it
   * waits only for the batch in flight). A longer wait means fewer, larger commits and each chunk
   * that much later for readers.
   */
  readonly maxDelay?: Duration;
}

/** A run's stream, named in an in-process notification (LocalBus.streamWritten). */
export interface LocalStreamRef {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly key: string;
}
