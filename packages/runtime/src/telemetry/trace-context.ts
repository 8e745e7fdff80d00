import type { Context } from "@opentelemetry/api";
import type { Otel } from "./api.js";
import { formatTraceparent, parseTraceparent } from "./traceparent.js";

/** The longest trace context a run stores (the runs.trace_context column). */
export const MAX_TRACE_CONTEXT = 512;

/**
 * The trace context to store with a run, so the spans of whichever worker runs it (after any
 * restart) are children of `ctx`'s span: what the registered propagator writes (a W3C
 * traceparent and tracestate with the usual SDK set-up, baggage too if propagated), as JSON.
 * With no propagator registered (a bare tracer provider), the span's own W3C traceparent is
 * written, so the trace still holds together. Undefined when `ctx` has no valid span: then
 * nothing is stored, and nothing is paid for later.
 */
export function encodeTraceContext(api: Otel, ctx: Context): string | undefined {
  const spanContext = api.trace.getSpanContext(ctx);
  if (spanContext === undefined || !api.trace.isSpanContextValid(spanContext)) return undefined;
  const carrier: Record<string, string> = {};
  api.propagation.inject(ctx, carrier);
  if (carrier.traceparent === undefined) {
    carrier.traceparent = formatTraceparent(spanContext.traceId, spanContext.spanId, spanContext.traceFlags);
    const state = spanContext.traceState?.serialize();
    if (state) carrier.tracestate = state;
  }
  const text = JSON.stringify(carrier);
  if (text.length <= MAX_TRACE_CONTEXT) return text;
  // Too long (a large tracestate or baggage): the traceparent alone keeps the trace whole.
  const bare = JSON.stringify({ traceparent: carrier.traceparent });
  return bare.length <= MAX_TRACE_CONTEXT ? bare : undefined;
}

/**
 * The context a stored trace context stands for, with its span as the (remote) parent; the
 * root context when `stored` is undefined or unreadable, so a run's spans then start a trace.
 */
export function decodeTraceContext(api: Otel, stored: string | undefined): Context {
  if (stored === undefined) return api.ROOT_CONTEXT;
  let carrier: Record<string, unknown>;
  try {
    carrier = JSON.parse(stored) as Record<string, unknown>;
  } catch {
    return api.ROOT_CONTEXT;
  }
  if (typeof carrier !== "object" || carrier === null) return api.ROOT_CONTEXT;
  const extracted = api.propagation.extract(api.ROOT_CONTEXT, carrier);
  if (api.trace.getSpanContext(extracted) !== undefined) return extracted;
  // No propagator registered here (or another one): read the traceparent written beside it.
  const parsed = typeof carrier.traceparent === "string" ? parseTraceparent(carrier.traceparent) : undefined;
  if (parsed === undefined) return extracted;
  const traceState = typeof carrier.tracestate === "string" ? api.createTraceState(carrier.tracestate) : undefined;
  return api.trace.setSpanContext(extracted, {
    ...parsed,
    isRemote: true,
    ...(traceState === undefined ? {} : { traceState }),
  });
}
