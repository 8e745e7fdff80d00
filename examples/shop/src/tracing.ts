// Tracing for the shop: with REPLAY_TRACE=console every finished span is printed to stdout as
// one line, so one order can be followed from its HTTP request through its workflow and
// activities. Without it nothing is registered and every span is a no-op.
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";

/** Registers a tracer provider that prints spans when REPLAY_TRACE=console; returns a flush-and-stop function. */
export function traceToConsoleWhenAsked(
  write: (line: string) => unknown = (line) => process.stdout.write(line),
): () => Promise<void> {
  if (process.env.REPLAY_TRACE !== "console") return async () => {};
  // AsyncLocalStorage carries the active span across awaits, so the client's span is the HTTP span's child.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new LineExporter(write))] });
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  };
}

/**
 * One line per span: trace and span ids (shortened), parent, name, duration, status and the
 * replaykit attributes, e.g.
 * `trace 4bf92f35 span 00f067aa < 53995c3f  replaykit.activity  3.1 ms  OK  activity=chargePayment run_id=o-1 attempt=1`
 */
export class LineExporter implements SpanExporter {
  readonly #write: (line: string) => unknown;

  constructor(write: (line: string) => unknown) {
    this.#write = write;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) this.#write(`${formatSpan(span)}\n`);
    done({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}
}

const STATUS = ["", "OK", "ERROR"] as const;

export function formatSpan(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  const ms = hrTimeToMilliseconds(span.duration).toFixed(1);
  const attributes = Object.entries(span.attributes)
    .filter(([key]) => key.startsWith("replaykit.") && key !== "replaykit.namespace")
    .map(([key, value]) => `${key.slice("replaykit.".length)}=${String(value)}`)
    .join(" ");
  const status = STATUS[span.status.code] ?? "";
  const error = span.status.message ? ` (${span.status.message})` : "";
  const events = span.events.length > 0 ? ` events=${span.events.map((event) => event.name).join(",")}` : "";
  return `trace ${traceId.slice(0, 8)} span ${spanId.slice(0, 8)} < ${parent?.slice(0, 8) ?? "root    "}  ${span.name}  ${ms} ms  ${status}${error}  ${attributes}${events}`;
}
