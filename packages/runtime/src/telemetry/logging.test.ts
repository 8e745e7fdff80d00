import { afterEach, describe, expect, it, vi } from "vitest";
import { createJsonLogger, defaultLogger, runFields } from "./logging.js";

function collector() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => lines.push(line) } };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("the JSON logger", () => {
  it("writes one parseable object per line, fields at the top level", () => {
    const { lines, stream } = collector();
    const log = createJsonLogger(stream, { identity: "w1", level: "info" });
    log.info("claimed", { runId: "r1" });
    log.error("parked", { runId: "r2", error: "boom" });
    expect(lines.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ level: "info", message: "claimed", worker: "w1", runId: "r1" });
    expect(second).toMatchObject({ level: "error", message: "parked", runId: "r2", error: "boom" });
    expect(Date.parse(String(first?.time))).not.toBeNaN();
  });

  it("leaves out info lines unless REPLAY_LOG=info or the level says so", () => {
    const { lines, stream } = collector();
    createJsonLogger(stream).info("quiet");
    createJsonLogger(stream).warn("loud");
    vi.stubEnv("REPLAY_LOG", "info");
    createJsonLogger(stream).info("now heard");
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(["loud", "now heard"]);
  });

  it("still writes a line when a field cannot be serialised", () => {
    const { lines, stream } = collector();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    createJsonLogger(stream).warn("odd", { cyclic });
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ level: "warn", message: "odd", fields: "(not serialisable)" });
  });

  it("is the default logger with REPLAY_LOG_FORMAT=json", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.stubEnv("REPLAY_LOG_FORMAT", "json");
    defaultLogger("w9").warn("hello", { runId: "r" });
    vi.stubEnv("REPLAY_LOG_FORMAT", "");
    defaultLogger("w9").warn("plain");
    const [json, text] = write.mock.calls.map((call) => String(call[0]));
    expect(JSON.parse(json ?? "")).toMatchObject({ worker: "w9", message: "hello", runId: "r" });
    expect(text).toBe("replaykit warn [w9] plain\n");
  });
});

describe("run fields", () => {
  it("name the run and its trace, read from the stored context when no span gave it", () => {
    const run = { namespace: "ns", workflow: "wf", runId: "r" };
    expect(runFields(run)).toEqual({ namespace: "ns", workflow: "wf", runId: "r" });
    expect(runFields({ ...run, traceId: "t" })).toMatchObject({ traceId: "t" });
    const traceContext = JSON.stringify({ traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01` });
    expect(runFields({ ...run, traceContext })).toMatchObject({ traceId: "a".repeat(32) });
  });
});
