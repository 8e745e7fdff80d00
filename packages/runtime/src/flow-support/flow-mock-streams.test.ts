import { describe, expect, it, vi } from "vitest";
import type { TypedStreamWrites } from "../stream-api.js";
import { StreamClosedError } from "../stream-errors.js";
import { createFlowMock } from "./flow-mock.js";

interface Streams {
  readonly progress: { readonly done: number };
  readonly log: string;
}

/** The stream members a generated Flow has when its workflow declares streams. */
interface ImportFlow extends TypedStreamWrites<Streams> {
  readonly runId: string;
}

type Fn = ReturnType<typeof vi.fn>;
const spec = { workflow: "import", factory: "mockImportFlow", members: {}, streams: ["log", "progress"] };

describe("a Flow mock's streams", () => {
  it("records each write and close per stream, and the calls", async () => {
    const flow = createFlowMock<ImportFlow, Fn, Streams>(vi.fn, {}, spec);
    await flow.writeStream("progress", { done: 1 });
    await flow.writeStream("log", "a");
    await flow.writeStream("progress", { done: 2 });
    await flow.closeStream("progress");

    expect(flow.streams.progress).toEqual({ written: [{ done: 1 }, { done: 2 }], closed: true });
    expect(flow.streams.log).toEqual({ written: ["a"], closed: false });
    expect(flow.writeStream.mock.calls).toHaveLength(3);
  });

  it("refuses a write after the workflow closed the stream, as a run does", async () => {
    const flow = createFlowMock<ImportFlow, Fn, Streams>(vi.fn, {}, spec);
    await flow.closeStream("log");
    await expect(flow.writeStream("log", "late")).rejects.toBeInstanceOf(StreamClosedError);
    expect(flow.streams.log.written).toEqual([]);
  });

  it("records nothing when the test gives writeStream its own implementation", async () => {
    const written: unknown[] = [];
    const writeStream = async (_key: string, value: unknown) => {
      written.push(value);
    };
    const flow = createFlowMock<ImportFlow, Fn, Streams>(vi.fn, { writeStream }, spec);
    await flow.writeStream("log", "a");
    expect(written).toEqual(["a"]);
    expect(flow.streams.log.written).toEqual([]);
  });

  it("has empty streams and no stream members for a workflow without streams", () => {
    const flow = createFlowMock<{ readonly runId: string }, Fn>(vi.fn, {}, { ...spec, streams: [] });
    expect(flow.streams).toEqual({});
    expect("writeStream" in flow).toBe(false);
  });
});
