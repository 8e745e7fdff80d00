import {
  type Client,
  createClient,
  FlowNotMockedError,
  StreamClosedError,
  type TypedStreamChunk,
  type Worker,
} from "@replaykit/runtime";
import {
  createScratchDatabase,
  type ScratchDatabase,
  startMariaDb,
  type TestDatabase,
} from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  awaitImportsResult,
  mockImportsFlow,
  readImportsStream,
  runImports,
  startReplayLoops,
} from "../fixtures/streams/replay_gen.js";
import type { Progress, Row } from "../fixtures/streams/types.js";
import { imports } from "../fixtures/streams/workflow.js";

// The typed stream helpers of the streams fixture on a real MariaDB (this file starts its own, or
// uses REPLAY_MYSQL_URL): what the workflow and its activities write through their typed writers
// is what the typed read helper yields.
let server: TestDatabase | undefined;
let db: ScratchDatabase | undefined;
let client: Client;
let worker: Worker | undefined;

beforeAll(async () => {
  server = await startMariaDb();
  db = await createScratchDatabase(server.url, "streams");
  client = createClient({ pool: db.pool });
  await client.migrate();
  const audit = async () => null;
  worker = startReplayLoops({ client, backends: null, workflows: { imports, audit } });
});

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await server?.stop();
});

async function valuesOf<T>(chunks: AsyncIterable<TypedStreamChunk<T>>): Promise<T[]> {
  const values: T[] = [];
  for await (const chunk of chunks) if (!chunk.reset) values.push(chunk.value);
  return values;
}

describe("the typed stream helpers on a real database", () => {
  it("read back what the workflow and its activities wrote, each stream with its own type", async () => {
    await runImports(client, "i1", { files: ["a.csv", "b.csv"] });
    expect(await awaitImportsResult(client, "i1", { timeout: "30s" })).toBe("imported 4 rows");

    const progress = await valuesOf(readImportsStream(client, "i1", "progress", { follow: true }));
    const rows = await valuesOf(readImportsStream(client, "i1", "rows", { follow: true }));
    const summary = await valuesOf(readImportsStream(client, "i1", "summary"));

    expectTypeOf(progress).toEqualTypeOf<Progress[]>();
    expectTypeOf(rows).toEqualTypeOf<Row[]>();
    expectTypeOf(summary).toEqualTypeOf<string[]>();
    expect(progress).toEqual([
      { done: 1, of: 2 },
      { done: 2, of: 2 },
    ]);
    expect(rows).toEqual([
      { file: "a.csv", line: 1 },
      { file: "a.csv", line: 2 },
      { file: "b.csv", line: 1 },
      { file: "b.csv", line: 2 },
    ]);
    expect(summary.join("")).toBe("imported 4 rows ");
  });

  it("resume after an offset as the untyped read does", async () => {
    await runImports(client, "i2", { files: ["a.csv", "b.csv", "c.csv"] });
    await awaitImportsResult(client, "i2", { timeout: "30s" });
    const offsets: number[] = [];
    for await (const chunk of readImportsStream(client, "i2", "progress", { after: 0 })) offsets.push(chunk.offset);
    expect(offsets).toEqual([1, 2]);
  });
});

describe("the Flow mock of a workflow with streams", () => {
  it("records what the workflow wrote to each of its streams, and that it closed them", async () => {
    const flow = mockImportsFlow(vi.fn, {
      importFile: async () => 2,
      summarize: async (rows) => `imported ${rows} rows`,
    });

    expect(await imports(flow, { files: ["a.csv", "b.csv"] })).toBe("imported 4 rows");

    expect(flow.streams.progress.written).toEqual([
      { done: 1, of: 2 },
      { done: 2, of: 2 },
    ]);
    expect(flow.streams.progress.closed).toBe(true);
    expect(flow.writeStream).toHaveBeenCalledTimes(2);
    expectTypeOf(flow.streams.progress.written).toEqualTypeOf<readonly Progress[]>();
  });

  it("starts with every declared stream empty and open, and refuses a write after the close", async () => {
    const flow = mockImportsFlow(vi.fn);
    expect(flow.streams).toEqual({ progress: { written: [], closed: false } });
    await flow.closeStream("progress");
    await expect(flow.writeStream("progress", { done: 1, of: 1 })).rejects.toBeInstanceOf(StreamClosedError);
    await expect(flow.importFile("a.csv")).rejects.toBeInstanceOf(FlowNotMockedError);
  });
});
