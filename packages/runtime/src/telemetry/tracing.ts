import type { Context, Span, Tracer, TracerProvider } from "@opentelemetry/api";
import type { RunKey } from "../history/index.js";
import { type Otel, otel } from "./api.js";
import { SCOPE, SpanAttr, SpanEvent, SpanName } from "./names.js";
import type { TracerProvider as AnyTracerProvider } from "./providers.js";
import { decodeTraceContext, encodeTraceContext } from "./trace-context.js";
import { traceIdOfStored } from "./traceparent.js";

/** How a workflow span ends: the run's end status, its restart, or the worker letting go of it. */
export type WorkflowSpanEnd = "completed" | "failed" | "cancelled" | "stuck" | "terminated" | "restarted";

/** A run as its workflow span needs it. */
export interface TracedRun extends RunKey {
  readonly iteration: number;
  readonly traceContext?: string | undefined;
}

/** One attempt of an activity, as its span needs it. */
export interface TracedAttempt {
  readonly key: RunKey;
  readonly target: string;
  readonly seq: number;
  readonly attempt: number;
}

/**
 * The span of one take-up of a run's iteration by a worker (`replaykit.workflow`). It lives
 * while the run is held or suspended in this worker's cache, with `suspended`/`resumed`
 * events, and ends when the run ends or restarts, or when the worker lets go of it (the run is
 * evicted, the worker stops, a commit is refused): the next worker starts another one under the
 * same stored parent, so the trace stays one.
 */
export interface WorkflowSpan {
  /** The trace the run belongs to, for log lines; undefined when there is none. */
  readonly traceId: string | undefined;
  suspended(): void;
  resumed(): void;
  end(how: WorkflowSpanEnd, error?: unknown): void;
  /** The worker lets go of the run before it ended. A no-op once ended. */
  release(): void;
  /** The trace context a child run stores, so it joins this trace. */
  childContext(): string | undefined;
  /** Runs `fn` as an activity attempt: in a `replaykit.activity` span under this one, active while it runs. */
  activity(attempt: TracedAttempt): ActivitySpan;
}

/** The span of one executed activity attempt. */
export interface ActivitySpan {
  /** Calls `fn` with the attempt's span as the active context, so spans made inside nest under it. */
  run<T>(fn: () => T): T;
  /** Ends the span: OK, or ERROR with the exception recorded when `error` is given. */
  end(error?: unknown): void;
}

/** The attributes that name a run on a span. */
export function runSpanAttributes(key: RunKey): Record<string, string> {
  return { [SpanAttr.Namespace]: key.namespace, [SpanAttr.Workflow]: key.workflow, [SpanAttr.RunId]: key.runId };
}

/** Creates the spans of a client or a worker; without the API (or an SDK) every span is a no-op. */
export class Tracing {
  readonly #api: Otel | undefined;
  readonly #tracer: Tracer | undefined;

  constructor(provider?: AnyTracerProvider, api: Otel | undefined = otel) {
    this.#api = api;
    // The options declare the provider structurally (see providers.ts); it is an API one.
    const given = provider as TracerProvider | undefined;
    // The global provider is a proxy: a tracer taken now follows an SDK registered later.
    this.#tracer = api === undefined ? undefined : (given ?? api.trace.getTracerProvider()).getTracer(SCOPE);
  }

  /**
   * Runs a client write (start, signal) in a PRODUCER span `name`, active while it runs;
   * `write` gets the trace context to store with the run (undefined when no trace is active).
   * `created` says whether the write made something new (a run, a signal).
   */
  async producer(
    name: (typeof SpanName)["Start" | "Signal"],
    attributes: () => Record<string, string>,
    write: (traceContext: string | undefined) => Promise<boolean>,
  ): Promise<boolean> {
    const api = this.#api;
    const tracer = this.#tracer;
    if (api === undefined || tracer === undefined) return write(undefined);
    const parent = api.context.active();
    const span = tracer.startSpan(name, { kind: api.SpanKind.PRODUCER }, parent);
    const recording = span.isRecording();
    if (recording) span.setAttributes(attributes());
    const ctx = api.trace.setSpan(parent, span);
    try {
      const created = await api.context.with(ctx, () => write(encodeTraceContext(api, ctx)));
      if (recording) span.setAttribute(SpanAttr.Created, created);
      return created;
    } catch (error) {
      failSpan(api, span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Starts the workflow span of a run just taken up, as a child of the run's stored trace context. */
  workflow(run: TracedRun): WorkflowSpan {
    const api = this.#api;
    const tracer = this.#tracer;
    if (api === undefined || tracer === undefined) return new UntracedWorkflow(run.traceContext);
    const parent = run.traceContext === undefined ? api.ROOT_CONTEXT : decodeTraceContext(api, run.traceContext);
    const span = tracer.startSpan(SpanName.Workflow, { kind: api.SpanKind.CONSUMER }, parent);
    if (span.isRecording()) {
      span.setAttributes({
        [SpanAttr.Namespace]: run.namespace,
        [SpanAttr.Workflow]: run.workflow,
        [SpanAttr.RunId]: run.runId,
        [SpanAttr.Iteration]: run.iteration,
      });
    }
    return new TracedWorkflow(api, tracer, span, parent, run.traceContext);
  }
}

class TracedWorkflow implements WorkflowSpan {
  readonly #api: Otel;
  readonly #tracer: Tracer;
  readonly #span: Span;
  readonly #stored: string | undefined;
  #context: Context | undefined;
  readonly #parent: Context;
  #ended = false;

  constructor(api: Otel, tracer: Tracer, span: Span, parent: Context, stored: string | undefined) {
    this.#api = api;
    this.#tracer = tracer;
    this.#span = span;
    this.#parent = parent;
    this.#stored = stored;
  }

  get traceId(): string | undefined {
    const spanContext = this.#span.spanContext();
    return this.#api.trace.isSpanContextValid(spanContext) ? spanContext.traceId : traceIdOfStored(this.#stored);
  }

  suspended(): void {
    if (!this.#ended) this.#span.addEvent(SpanEvent.Suspended);
  }

  resumed(): void {
    if (!this.#ended) this.#span.addEvent(SpanEvent.Resumed);
  }

  end(how: WorkflowSpanEnd, error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#span.isRecording()) {
      this.#span.setAttribute(SpanAttr.End, how);
      // A cancelled or terminated run did what it was asked: neither OK nor an error (status unset).
      if (how === "failed" || how === "stuck") failSpan(this.#api, this.#span, error, how);
      else if (how !== "cancelled" && how !== "terminated") this.#span.setStatus({ code: this.#api.SpanStatusCode.OK });
    }
    this.#span.end();
  }

  release(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#span.isRecording()) {
      this.#span.setAttribute(SpanAttr.Released, true);
      this.#span.setAttribute(SpanAttr.End, "released");
    }
    this.#span.end();
  }

  childContext(): string | undefined {
    return encodeTraceContext(this.#api, this.#spanContext());
  }

  activity(attempt: TracedAttempt): ActivitySpan {
    const api = this.#api;
    const span = this.#tracer.startSpan(SpanName.Activity, { kind: api.SpanKind.INTERNAL }, this.#spanContext());
    if (span.isRecording()) {
      span.setAttributes({
        [SpanAttr.Namespace]: attempt.key.namespace,
        [SpanAttr.Workflow]: attempt.key.workflow,
        [SpanAttr.RunId]: attempt.key.runId,
        [SpanAttr.Activity]: attempt.target,
        [SpanAttr.Seq]: attempt.seq,
        [SpanAttr.Attempt]: attempt.attempt,
      });
    }
    return new TracedActivity(api, span, api.trace.setSpan(this.#spanContext(), span));
  }

  /** The context with this span in it; made once, when an activity or child first needs it. */
  #spanContext(): Context {
    this.#context ??= this.#api.trace.setSpan(this.#parent, this.#span);
    return this.#context;
  }
}

class TracedActivity implements ActivitySpan {
  readonly #api: Otel;
  readonly #span: Span;
  readonly #context: Context;

  constructor(api: Otel, span: Span, context: Context) {
    this.#api = api;
    this.#span = span;
    this.#context = context;
  }

  run<T>(fn: () => T): T {
    return this.#api.context.with(this.#context, fn);
  }

  end(error?: unknown): void {
    if (error === undefined) this.#span.setStatus({ code: this.#api.SpanStatusCode.OK });
    else failSpan(this.#api, this.#span, error);
    this.#span.end();
  }
}

/** The API is not installed: nothing is traced, but a stored trace id still reaches log lines. */
class UntracedWorkflow implements WorkflowSpan {
  readonly #stored: string | undefined;

  constructor(stored: string | undefined) {
    this.#stored = stored;
  }

  get traceId(): string | undefined {
    return traceIdOfStored(this.#stored);
  }
  suspended(): void {}
  resumed(): void {}
  end(): void {}
  release(): void {}
  childContext(): string | undefined {
    // Passed on unchanged, so a child joins the trace its parent's caller started.
    return this.#stored;
  }
  activity(): ActivitySpan {
    return UNTRACED_ACTIVITY;
  }
}

const UNTRACED_ACTIVITY: ActivitySpan = { run: (fn) => fn(), end: () => {} };

/** Status ERROR with the exception recorded (a thrown non-Error is recorded as its text). */
function failSpan(api: Otel, span: Span, error: unknown, fallback = "error"): void {
  if (!span.isRecording()) return;
  if (error instanceof Error) span.recordException(error);
  else if (error !== undefined) span.recordException(String(error));
  const message = error instanceof Error ? error.message : error === undefined ? fallback : String(error);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message });
}
