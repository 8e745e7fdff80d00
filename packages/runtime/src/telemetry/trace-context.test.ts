import * as api from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { decodeTraceContext, encodeTraceContext, MAX_TRACE_CONTEXT } from "./trace-context.js";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPAN = "b7ad6b7169203331";

/** A context whose active span has this span context, as an SDK would make it (no SDK needed). */
function contextWith(traceState?: string): api.Context {
  const spanContext = {
    traceId: TRACE,
    spanId: SPAN,
    traceFlags: api.TraceFlags.SAMPLED,
    ...(traceState === undefined ? {} : { traceState: api.createTraceState(traceState) }),
  };
  return api.trace.setSpanContext(api.ROOT_CONTEXT, spanContext);
}

describe("the stored trace context", () => {
  it("is nothing when no span is active", () => {
    expect(encodeTraceContext(api, api.ROOT_CONTEXT)).toBeUndefined();
  });

  it("carries the W3C traceparent and tracestate when no propagator is registered", () => {
    const stored = encodeTraceContext(api, contextWith("vendor=abc"));
    expect(JSON.parse(stored ?? "{}")).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "vendor=abc" });
    const parent = api.trace.getSpanContext(decodeTraceContext(api, stored));
    expect(parent).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(parent?.traceState?.get("vendor")).toBe("abc");
  });

  it("keeps only the traceparent when a long tracestate would not fit", () => {
    const long = Array.from({ length: 30 }, (_, i) => `k${i}=${"v".repeat(20)}`).join(",");
    const stored = encodeTraceContext(api, contextWith(long)) ?? "";
    expect(stored.length).toBeLessThanOrEqual(MAX_TRACE_CONTEXT);
    expect(JSON.parse(stored)).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01` });
  });

  it("decodes nothing, or something unreadable, as the root context", () => {
    expect(decodeTraceContext(api, undefined)).toBe(api.ROOT_CONTEXT);
    expect(api.trace.getSpanContext(decodeTraceContext(api, "{oops"))).toBeUndefined();
    expect(api.trace.getSpanContext(decodeTraceContext(api, '{"traceparent":"bad"}'))).toBeUndefined();
  });
});
