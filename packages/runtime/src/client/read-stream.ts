import type { LocalBus, ReadStreamOptions, StreamChunk } from "../api.js";
import { ReplayError, RunNotFoundError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { decodePayload } from "../json.js";
import { streamEnded } from "../store/rules/streams.js";
import type { Store, StoredChunk } from "../store/types.js";
import { outlastOutage } from "./outlast.js";
import { waitFor } from "./wait.js";

/** Chunks read at most per round trip. */
const READ_LIMIT = 500;
/**
 * How a following reader polls for chunks written in another process: every HOT_POLL_MS while
 * chunks arrived within HOT_WINDOW_MS (a stream that is being written usually goes on at once:
 * tokens, progress), then waiting twice as long each time up to MAX_POLL_MS. A writer in this
 * process wakes the reader at once (LocalBus.streamWritten), as the end of the run does.
 */
const HOT_POLL_MS = 2;
const HOT_WINDOW_MS = 2000;
const MAX_POLL_MS = 250;

/** What reading a stream needs of the client. */
export interface StreamReadSource {
  readonly store: Pick<Store, "readStream">;
  readonly local: LocalBus;
}

/** The run and key of the stream read. */
export interface StreamRef extends RunKey {
  readonly key: string;
}

/**
 * See Client.readStream: chunks in offset order from after `opts.after`. The store gives the
 * stream's head before its chunks, so a read never skips one (see rules/streams.ts streamEnded).
 * A following reader outlasts a database restart, as client.stream() does; a catch-up read
 * reports it.
 */
export async function* readStreamChunks(
  source: StreamReadSource,
  ref: StreamRef,
  opts: ReadStreamOptions = {},
): AsyncGenerator<StreamChunk> {
  let after = opts.after ?? -1;
  const poll = new PollPace();
  const subscribe = (wake: () => void) => wakeOn(source.local, ref, wake);
  while (!opts.signal?.aborted) {
    const read = () => source.store.readStream(ref, ref.key, after, READ_LIMIT);
    const batch = opts.follow ? await outlastOutage(read, { signal: opts.signal }) : await read();
    if (batch === undefined) return;
    if (batch.runStatus === undefined) throw new RunNotFoundError(ref.namespace, ref.workflow, ref.runId);
    for (const chunk of batch.chunks) {
      yield toChunk(chunk, ref);
      after = chunk.offset;
    }
    if (batch.chunks.length > 0) poll.arrived();
    if (batch.chunks.length === READ_LIMIT) continue;
    if (!opts.follow || streamEnded(batch.runStatus, batch.head, after)) return;
    await waitFor(poll.next(), opts.signal, subscribe);
  }
}

/** Checks readStream's `after` (ReplayError INVALID_STREAM_OPTIONS). */
export function validateReadOptions(opts: ReadStreamOptions): void {
  const after: unknown = opts.after;
  if (after !== undefined && !(Number.isSafeInteger(after) && (after as number) >= -1)) {
    throw new ReplayError(
      "INVALID_STREAM_OPTIONS",
      `invalid readStream option after ${typeof after === "string" ? JSON.stringify(after) : String(after)}: use the offset of the last chunk seen (a whole number; -1 or none: from the first chunk)`,
    );
  }
}

function toChunk(stored: StoredChunk, ref: StreamRef): StreamChunk {
  const attempt = stored.attempt === null ? {} : { attempt: stored.attempt };
  if (stored.reset) return { offset: stored.offset, value: undefined, ...attempt, reset: true };
  const value = decodePayload(stored.valueText, `chunk ${stored.offset} of stream ${ref.key} of run ${ref.runId}`);
  return { offset: stored.offset, value, ...attempt };
}

/** Wakes a waiting reader when this process writes to the stream or ends its run. */
function wakeOn(local: LocalBus, ref: StreamRef, wake: () => void): () => void {
  const offWritten = local.onStreamWritten(ref, wake);
  const offEnded = local.onRunEnded((namespace, workflow, runId) => {
    if (namespace === ref.namespace && workflow === ref.workflow && runId === ref.runId) wake();
  });
  return () => {
    offWritten();
    offEnded();
  };
}

/** The waits of a following reader between reads (see HOT_POLL_MS). */
class PollPace {
  #lastArrival = Date.now();
  #idleMs = HOT_POLL_MS;

  arrived(): void {
    this.#lastArrival = Date.now();
    this.#idleMs = HOT_POLL_MS;
  }

  next(): number {
    if (Date.now() - this.#lastArrival < HOT_WINDOW_MS) return HOT_POLL_MS;
    this.#idleMs = Math.min(this.#idleMs * 2, MAX_POLL_MS);
    return this.#idleMs;
  }
}
