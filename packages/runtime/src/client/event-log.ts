import type {
  Clock,
  LocalBus,
  ReadStreamOptions,
  StreamChunk,
  StreamEvent,
  StreamInfo,
  StreamOptions,
} from "../api.js";
import { RunNotFoundError } from "../errors.js";
import { validateName } from "../json.js";
import type { Store } from "../store/types.js";
import { runKey, validateStreamOptions } from "./arguments.js";
import { readStreamChunks, validateReadOptions } from "./read-stream.js";
import { streamEvents } from "./stream.js";

/** What reading the event log and run streams needs of the client. */
export interface EventLogDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly local: LocalBus;
}

/** The client's reads of the event log (stream, consume) and of runs' streams (readStream, listStreams). */
export class EventLogReads {
  readonly #deps: EventLogDeps;

  constructor(deps: EventLogDeps) {
    this.#deps = deps;
  }

  stream(opts: StreamOptions): AsyncIterable<StreamEvent> {
    validateStreamOptions(opts);
    return streamEvents(this.#deps, opts);
  }

  async consume(consumer: string, opts: StreamOptions, handler: (event: StreamEvent) => Promise<void>): Promise<void> {
    const { store, clock } = this.#deps;
    const name = validateName("consumer", consumer);
    validateStreamOptions(opts);
    const stored = await store.loadCursor(opts.namespace, name);
    // A stored cursor wins over opts.after: `after` only places a new consumer.
    const after = stored ?? opts.after ?? 0;
    for await (const event of this.stream({ ...opts, after })) {
      await handler(event);
      await store.saveCursor(opts.namespace, name, event.id, clock.now());
    }
  }

  readStream(
    namespace: string,
    workflow: string,
    runId: string,
    key: string,
    opts: ReadStreamOptions,
  ): AsyncIterable<StreamChunk> {
    const ref = { ...runKey(namespace, workflow, runId), key: validateName("stream key", key) };
    validateReadOptions(opts);
    return readStreamChunks(this.#deps, ref, opts);
  }

  async listStreams(namespace: string, workflow: string, runId: string): Promise<StreamInfo[]> {
    const streams = await this.#deps.store.listStreams(runKey(namespace, workflow, runId));
    if (streams === undefined) throw new RunNotFoundError(namespace, workflow, runId);
    return streams.map((stream) => ({ key: stream.key, chunks: stream.nextOffset, closed: stream.closed }));
  }
}
