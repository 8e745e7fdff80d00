import { describe, expect, it } from "vitest";
import { formatTraceparent, parseTraceparent, traceIdOfStored } from "./traceparent.js";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPAN = "b7ad6b7169203331";

describe("traceparent", () => {
  it("round-trips trace id, span id and flags", () => {
    const header = formatTraceparent(TRACE, SPAN, 1);
    expect(header).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(parseTraceparent(header)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
  });

  it("refuses malformed headers, all-zero ids, version ff and extra fields on version 00", () => {
    for (const bad of [
      "",
      `00-${TRACE}-${SPAN}`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it("reads the first four fields of a later version", () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-00-more`)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 0 });
  });

  it("gives the trace id of a stored context, and nothing for none or garbage", () => {
    expect(traceIdOfStored(JSON.stringify({ traceparent: `00-${TRACE}-${SPAN}-01` }))).toBe(TRACE);
    expect(traceIdOfStored(undefined)).toBeUndefined();
    expect(traceIdOfStored("not json")).toBeUndefined();
    expect(traceIdOfStored(JSON.stringify({ b3: "x" }))).toBeUndefined();
  });
});
