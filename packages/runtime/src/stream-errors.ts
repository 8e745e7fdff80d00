/** The errors of durable streams (see docs/streaming.md): part of the errors module, which re-exports them. */
import { ReplayError } from "./replay-error.js";

/**
 * A write to a stream that takes no more chunks: the stream was closed (by this writer or
 * another), its run ended, or the attempt that writes was abandoned (its worker lost the run).
 */
export class StreamClosedError extends ReplayError {
  override name = "StreamClosedError";
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  /** The stream; undefined when no stream of the run takes chunks from the writer any more. */
  readonly key: string | undefined;
  /** Why it takes no more chunks, e.g. "it was closed" or "the run is completed". */
  readonly reason: string;
  constructor(run: { namespace: string; workflow: string; runId: string }, key: string | undefined, reason: string) {
    const what = key === undefined ? "the streams" : `stream ${JSON.stringify(key)}`;
    super(
      "STREAM_CLOSED",
      `cannot write to ${what} of run ${run.workflow}/${run.runId}: ${reason}. A closed stream takes no more chunks: close a stream after its last chunk, or write to another key.`,
    );
    this.namespace = run.namespace;
    this.workflow = run.workflow;
    this.runId = run.runId;
    this.key = key;
    this.reason = reason;
  }
}
