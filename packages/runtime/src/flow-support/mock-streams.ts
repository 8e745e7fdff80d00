import type { MockStream } from "../stream-api.js";
import { StreamClosedError } from "../stream-errors.js";

interface Recorded {
  written: unknown[];
  closed: boolean;
}

/**
 * What a Flow mock's `writeStream` and `closeStream` record, per stream, for `mock.streams`:
 * a unit test asserts what the workflow streamed without a worker. As in a run, a write after
 * the workflow's own `closeStream` rejects with StreamClosedError.
 */
export class MockStreams {
  readonly #run: { readonly namespace: string; readonly workflow: string; readonly runId: string };
  /** `mock.streams`: each stream by key, declared ones from the start, others once written. */
  readonly recorded: Record<string, MockStream<unknown>> = {};
  readonly #streams = new Map<string, Recorded>();

  constructor(workflow: string, runId: string, keys: readonly string[]) {
    this.#run = { namespace: "mock", workflow, runId };
    for (const key of keys) this.#stream(key);
  }

  async write(key: string, value: unknown): Promise<void> {
    const stream = this.#stream(key);
    if (stream.closed) throw new StreamClosedError(this.#run, key, "the workflow closed it (closeStream)");
    stream.written.push(value);
  }

  async close(key: string): Promise<void> {
    this.#stream(key).closed = true;
  }

  #stream(key: string): Recorded {
    let stream = this.#streams.get(key);
    if (stream === undefined) {
      stream = { written: [], closed: false };
      this.#streams.set(key, stream);
      this.recorded[key] = stream;
    }
    return stream;
  }
}
