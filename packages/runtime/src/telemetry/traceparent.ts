/**
 * The W3C `traceparent` header (https://www.w3.org/TR/trace-context/#traceparent-header),
 * version 00: "00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>". Pure functions,
 * so a run's trace id can be read for its log lines without the OpenTelemetry API.
 */

export interface ParsedTraceparent {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** The ids of a traceparent, or undefined when it is malformed, all zero, or of version ff. */
export function parseTraceparent(text: string): ParsedTraceparent | undefined {
  const match = TRACEPARENT.exec(text.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  // Version 00 has exactly four fields; later versions may append more (the spec says to read the first four).
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** The trace id of a stored trace context (see trace-context.ts), for log lines; undefined when none. */
export function traceIdOfStored(stored: string | undefined): string | undefined {
  if (stored === undefined) return undefined;
  try {
    const carrier = JSON.parse(stored) as { traceparent?: unknown };
    return typeof carrier.traceparent === "string" ? parseTraceparent(carrier.traceparent)?.traceId : undefined;
  } catch {
    return undefined;
  }
}
