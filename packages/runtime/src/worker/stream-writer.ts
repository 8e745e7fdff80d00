import type { LocalBus } from "../api.js";
import { StreamClosedError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { encodePayload, validateName } from "../json.js";
import type { StreamAppend, StreamStore, StreamWriter } from "../store/types.js";
import type { ResolvedStreamBatch } from "./worker-options.js";

/** The most bytes of chunk values in one batch (its first chunk always goes, whatever its size): well within any max_allowed_packet. */
const MAX_BATCH_BYTES = 1024 * 1024;

/** What an attempt's stream writes need of the worker. */
export interface StreamSink {
  readonly store: Pick<StreamStore, "appendStreamBatch" | "resetStreamAttempts">;
  readonly local: LocalBus;
  readonly owner: string;
  readonly maxPayloadBytes: number;
  now(): number;
}

/** The attempt whose writes these are. */
export interface StreamingAttempt extends StreamWriter {
  readonly key: RunKey;
}

interface Queued {
  readonly append: StreamAppend;
  readonly bytes: number;
  /** 1, 2, 3, ... in the order written. */
  readonly seq: number;
}

interface Waiter {
  readonly seq: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The stream writes of one activity attempt (actx.writeStream, actx.closeStream), written in
 * batches, each in a transaction of its own: a batch goes out as soon as the one before it
 * committed (at once when none is in flight, after `maxDelayMs` when that is set), with what was
 * written meanwhile, up to `maxChunks`. So one chunk now and then costs one commit of its own, and
 * a burst goes out in few. A write resolves once queued; with a full batch already waiting, it
 * waits for the batch in flight. A failed batch fails every write after it (the attempt then
 * fails and is retried, and the retry resets what this attempt wrote).
 */
export class AttemptStreams {
  readonly #sink: StreamSink;
  readonly #attempt: StreamingAttempt;
  readonly #batching: ResolvedStreamBatch;
  /** The attempt's first batch was written: the activity's tasks row counts it now. */
  readonly #onCounted: () => void;
  #queue: Queued[] = [];
  #seq = 0;
  /** The seq of the last write in a committed batch. */
  #written = 0;
  #waiters: Waiter[] = [];
  #inFlight: Promise<void> | undefined;
  #scheduled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failure: unknown;
  #stopped = false;
  /** Streams this attempt has written to in a committed batch. */
  readonly #registered = new Set<string>();
  /** Streams that take no more chunks from this attempt, with why. */
  readonly #closed = new Map<string, string>();

  constructor(sink: StreamSink, attempt: StreamingAttempt, batching: ResolvedStreamBatch, onCounted: () => void) {
    this.#sink = sink;
    this.#attempt = attempt;
    this.#batching = batching;
    this.#onCounted = onCounted;
  }

  write(key: string, value: unknown): Promise<void> {
    return handled(() => {
      this.#check(validateName("stream key", key));
      const valueText = encodePayload(`chunk of stream ${key}`, value, this.#sink.maxPayloadBytes);
      const seq = this.#enqueue({ key, valueText }, Buffer.byteLength(valueText));
      // With a full batch waiting besides the one in flight, wait for room.
      const unwritten = seq - this.#written;
      return unwritten > 2 * this.#batching.maxChunks ? this.#until(seq - this.#batching.maxChunks) : undefined;
    });
  }

  /** Resolves once the close and every write before it are written. */
  close(key: string): Promise<void> {
    return handled(() => {
      this.#check(validateName("stream key", key));
      this.#closed.set(key, "this attempt closed it (closeStream)");
      return this.#until(this.#enqueue({ key, close: true }, 0));
    });
  }

  /**
   * Before an attempt after the first runs: the streams earlier attempts wrote to get a reset
   * marker each (see rules/streams.ts resetsBefore), so readers drop what they wrote.
   */
  async resetEarlier(): Promise<void> {
    if (this.#attempt.attempt <= 1) return;
    const result = await this.#sink.store.resetStreamAttempts({
      run: this.#attempt.key,
      writer: this.#writer(),
      owner: this.#sink.owner,
      now: this.#sink.now(),
    });
    if (!result.ok) throw new StreamClosedError(this.#attempt.key, undefined, result.reason);
    for (const key of result.reset) this.#sink.local.streamWritten({ ...this.#attempt.key, key });
  }

  /**
   * The attempt ended: no more writes. Writes what is queued (nothing, when `discard`: the attempt
   * was abandoned) and waits for the batch in flight, so nothing of this attempt is written after
   * it. Throws the first failure of a batch, unless discarding.
   */
  async finish(discard: boolean): Promise<void> {
    this.#stopped = true;
    if (discard) this.#fail(new StreamClosedError(this.#attempt.key, undefined, "the attempt was abandoned"));
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#inFlight || (this.#queue.length > 0 && this.#failure === undefined)) {
      if (!this.#inFlight) this.#send();
      await this.#inFlight?.catch(() => {});
    }
    if (this.#failure !== undefined && !discard) throw this.#failure;
  }

  #check(key: string): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#stopped) throw new StreamClosedError(this.#attempt.key, key, "the attempt that writes has ended");
    const closed = this.#closed.get(key);
    if (closed !== undefined) throw new StreamClosedError(this.#attempt.key, key, closed);
  }

  #enqueue(append: StreamAppend, bytes: number): number {
    const seq = ++this.#seq;
    this.#queue.push({ append, bytes, seq });
    this.#kick();
    return seq;
  }

  /** Resolves once the write `seq` is in a committed batch. */
  #until(seq: number): Promise<void> {
    if (seq <= this.#written) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Starts the next batch when none is in flight: in a microtask, so writes made together go together. */
  #kick(): void {
    if (this.#inFlight || this.#scheduled || this.#timer || this.#queue.length === 0) return;
    const { maxDelayMs, maxChunks } = this.#batching;
    if (maxDelayMs > 0 && this.#queue.length < maxChunks && !this.#stopped) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#send();
      }, maxDelayMs);
      return;
    }
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  #send(): void {
    if (this.#inFlight || this.#queue.length === 0 || this.#failure !== undefined) return;
    const batch = this.#take();
    this.#inFlight = this.#write(batch).finally(() => {
      this.#inFlight = undefined;
      this.#kick();
    });
  }

  /** The next batch off the queue: at most maxChunks, and MAX_BATCH_BYTES of values after its first. */
  #take(): Queued[] {
    let bytes = 0;
    let count = 0;
    for (const queued of this.#queue) {
      if (count >= this.#batching.maxChunks || (count > 0 && bytes + queued.bytes > MAX_BATCH_BYTES)) break;
      bytes += queued.bytes;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  async #write(batch: readonly Queued[]): Promise<void> {
    const keys = [...new Set(batch.map((queued) => queued.append.key))];
    const firstWrites = keys.filter((key) => !this.#registered.has(key));
    try {
      const result = await this.#sink.store.appendStreamBatch({
        run: this.#attempt.key,
        writer: this.#writer(),
        owner: this.#sink.owner,
        appends: batch.map((queued) => queued.append),
        firstWrites,
        now: this.#sink.now(),
      });
      if (!result.ok) throw new StreamClosedError(this.#attempt.key, undefined, result.reason);
      for (const key of result.dropped) this.#closed.set(key, "it was closed by another writer");
      if (firstWrites.length > 0) this.#onCounted();
      for (const key of firstWrites) this.#registered.add(key);
      this.#written = batch.at(-1)?.seq ?? this.#written;
      this.#settle();
      for (const key of keys) this.#sink.local.streamWritten({ ...this.#attempt.key, key });
    } catch (error) {
      this.#fail(error);
    }
  }

  #settle(): void {
    const done = this.#waiters.filter((waiter) => waiter.seq <= this.#written);
    this.#waiters = this.#waiters.filter((waiter) => waiter.seq > this.#written);
    for (const waiter of done) waiter.resolve();
  }

  #fail(error: unknown): void {
    this.#failure ??= error;
    this.#queue = [];
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) waiter.reject(this.#failure);
  }

  #writer(): StreamWriter {
    const { iteration, activity, seq, attempt } = this.#attempt;
    return { iteration, activity, seq, attempt };
  }
}

/**
 * The promise of a write: rejected when `work` throws or its promise rejects, but marked handled,
 * so activity code that does not await a write cannot crash the worker with an unhandled
 * rejection (a failed write fails the attempt at its end anyway, see finish).
 */
function handled(work: () => Promise<void> | undefined): Promise<void> {
  let promise: Promise<void>;
  try {
    promise = work() ?? Promise.resolve();
  } catch (error) {
    promise = Promise.reject(error);
  }
  promise.catch(() => {});
  return promise;
}
