import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidNameError, InvalidPayloadError } from "../../src/errors.js";
import { createWorker } from "../../src/index.js";
import { countAll, type Fixture, setUpFixture } from "./helpers.js";

const BAD_NAMES: readonly [string, unknown][] = [
  ["empty", ""],
  ["over 255 bytes", "é".repeat(128)],
  ["containing a slash", "a/b"],
  ["not a string", 42],
  ["a lone UTF-16 surrogate", "order-\uD800"],
];

function cyclic(): unknown {
  const value: { self?: unknown } = {};
  value.self = value;
  return value;
}

const BAD_PAYLOADS: readonly [string, unknown][] = [
  ["a BigInt", { amount: 10n }],
  ["a function", { fn: () => 1 }],
  ["a cycle", cyclic()],
  ["undefined at top level", undefined],
  ["over the size limit", "x".repeat(200)],
  ["a Map", { m: new Map([["a", 1]]) }],
  ["a toJSON returning a BigInt", { v: { toJSON: () => 1n } }],
];

describe("bad input", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture({ maxPayloadBytes: 100 });
  });
  afterAll(() => f.close());

  async function expectNothingWritten(before: Record<string, number>): Promise<void> {
    expect(await countAll(f.pool)).toEqual(before);
  }

  for (const [label, value] of BAD_NAMES) {
    for (const argument of ["namespace", "workflow", "runId"] as const) {
      it(`refuses a ${argument} that is ${label} with InvalidNameError and writes nothing`, async () => {
        const before = await countAll(f.pool);
        const names = { namespace: "ns", workflow: "wf", runId: "r", [argument]: value };
        const call = (): Promise<boolean> =>
          f.client.runWorkflow(names.namespace as string, names.workflow as string, names.runId as string, 1);
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidNameError);
        expect(error).toMatchObject({ argument, value });
        expect((error as Error).message).toContain(argument);
        await expectNothingWritten(before);
      });
    }

    for (const argument of ["signal", "externalId"] as const) {
      it(`refuses a ${argument} that is ${label} with InvalidNameError and writes nothing`, async () => {
        const before = await countAll(f.pool);
        const signal = argument === "signal" ? value : "s";
        const externalId = argument === "externalId" ? value : "e";
        const error = await f.client
          .signalRun("ns", "wf", "r", signal as string, 1, externalId as string)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidNameError);
        expect(error).toMatchObject({ argument, value });
        await expectNothingWritten(before);
      });
    }
  }

  for (const [label, value] of BAD_PAYLOADS) {
    it(`refuses an input with ${label} as InvalidPayloadError naming "input", and writes nothing`, async () => {
      const before = await countAll(f.pool);
      const error = await f.client.runWorkflow("ns", "wf", "bad-input", value).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect(error).toMatchObject({ field: "input" });
      expect((error as Error).message).toMatch(/^input/);
      await expectNothingWritten(before);
    });

    it(`refuses a signal message with ${label} as InvalidPayloadError naming "message", and writes nothing`, async () => {
      const before = await countAll(f.pool);
      const error = await f.client.signalRun("ns", "wf", "r", "s", value, "e").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect(error).toMatchObject({ field: "message" });
      await expectNothingWritten(before);
    });
  }

  it("refuses bad names in a caller's transaction before any SQL runs on it", async () => {
    const conn = await f.pool.getConnection();
    try {
      await conn.query("BEGIN");
      await expect(f.client.runWorkflow("ns", "wf", "", 1, { tx: conn })).rejects.toBeInstanceOf(InvalidNameError);
      await expect(f.client.signalRun("ns", "wf", "r", "s", 1n, "e", { tx: conn })).rejects.toBeInstanceOf(
        InvalidPayloadError,
      );
      await conn.query("COMMIT");
    } finally {
      conn.release();
    }
    expect(await countAll(f.pool)).toEqual({ runs: 0, events: 0, signals: 0, cursors: 0 });
  });

  it("refuses bad names on reads, cancel and streams too", async () => {
    await expect(f.client.getRun("ns", "a/b", "r")).rejects.toBeInstanceOf(InvalidNameError);
    await expect(f.client.cancelRun("", "wf", "r")).rejects.toBeInstanceOf(InvalidNameError);
    await expect(f.client.listRuns({ namespace: "" })).rejects.toBeInstanceOf(InvalidNameError);
    expect(() => f.client.stream({ namespace: "ns", runId: "" })).toThrow(InvalidNameError);
    await expect(f.client.consume("", { namespace: "ns" }, async () => {})).rejects.toBeInstanceOf(InvalidNameError);
  });

  it.each([
    ["leaseMs", Number.NaN, "got NaN"],
    ["leaseMs", "abc", 'got "abc"'],
    ["leaseMs", 1e300, "got 1e+300"],
    ["leaseMs", 10, "from 50 to"],
    ["maxPollIntervalMs", -1, "got -1"],
    ["stopTimeoutMs", 1.5, "got 1.5"],
    ["cacheSize", Number.POSITIVE_INFINITY, "got Infinity"],
    ["concurrency", 0, "got 0"],
  ])("refuses worker option %s = %s, saying what range it takes", (field, value, says) => {
    const make = () =>
      createWorker({
        client: f.client,
        namespace: "ns",
        workflows: { wf: async () => null },
        activities: {},
        [field]: value,
      });
    expect(make).toThrow(expect.objectContaining({ code: "INVALID_WORKER_OPTIONS" }));
    expect(make).toThrow(`${field} must be an integer from`);
    expect(make).toThrow(says);
  });

  it.each([Number.NaN, -1, 1.5, "7"])("refuses stream option after = %s before any SQL", (after) => {
    const stream = () => f.client.stream({ namespace: "ns", after: after as number });
    expect(stream).toThrow(expect.objectContaining({ code: "INVALID_STREAM_OPTIONS" }));
    expect(stream).toThrow("use an event id");
  });
});
