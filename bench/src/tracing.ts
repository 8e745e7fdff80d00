import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";

export const TRACING_NOTE =
  "--trace: an OpenTelemetry SDK is registered (BasicTracerProvider, every span sampled, BatchSpanProcessor, AsyncLocalStorage context manager) with an exporter that discards the spans: the cost of replaykit's spans without export I/O. Compare replaykit runs (--systems replaykit) with and without it.";

/** Spans are recorded, batched and handed over, then dropped: no I/O in the measurement. */
const discard: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }), // ExportResultCode.SUCCESS
  shutdown: async () => {},
};

/** `--trace`: registers the SDK globally before any client or worker is made. */
export function registerTracing(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] }));
}
