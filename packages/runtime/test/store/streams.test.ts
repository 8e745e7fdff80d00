import { expect, it } from "vitest";
import type { ActivityStreamBatch, RunKey, StreamAppend } from "../../src/index.js";
import { attemptsMade } from "../../src/store/rules/streams.js";
import { conformance, fresh, step, T } from "./harness.js";

const value = (key: string, v: unknown): StreamAppend => ({ key, valueText: JSON.stringify(v) });
const writer = (attempt: number, activity = "a") => ({ iteration: 0, activity, seq: 0, attempt });

/** A batch of attempt `attempt` of activity `a#0` by worker w1, as its first writes to every key. */
function batch(run: RunKey, attempt: number, appends: StreamAppend[], firstWrites?: string[]): ActivityStreamBatch {
  const keys = [...new Set(appends.map((append) => append.key))];
  return { run, writer: writer(attempt), owner: "w1", appends, firstWrites: firstWrites ?? keys, now: T + 20 };
}

conformance("streams", ({ store, create }) => {
  /** A running run held by w1 (its activities stream), at version 1. */
  async function held(prefix: string, streamWrites: StreamAppend[] = []): Promise<RunKey> {
    const run = fresh(prefix);
    await create(run);
    const [result] = await store.commit([step(run, { hold: true, streamWrites })]);
    expect(result?.ok).toBe(true);
    return run;
  }

  const read = async (run: RunKey, key: string, after = -1, limit = 100) => store.readStream(run, key, after, limit);
  const values = async (run: RunKey, key: string) =>
    (await read(run, key)).chunks.map((c) => [
      c.offset,
      c.reset ? "reset" : JSON.parse(c.valueText ?? "null"),
      c.attempt,
    ]);

  it("write the workflow's chunks with its step and an attempt's batch after them, at dense offsets", async () => {
    const run = await held("dense", [value("s", "w0"), value("s", "w1")]);
    expect(await store.appendStreamBatch(batch(run, 1, [value("s", "a0"), value("t", "x"), value("s", "a1")]))).toEqual(
      {
        ok: true,
        dropped: [],
      },
    );
    expect(await values(run, "s")).toEqual([
      [0, "w0", null],
      [1, "w1", null],
      [2, "a0", 1],
      [3, "a1", 1],
    ]);
    expect(await values(run, "t")).toEqual([[0, "x", 1]]);
    expect((await read(run, "s")).head).toEqual({ nextOffset: 4, closed: false });
  });

  it("refuse a batch, writing nothing, unless the writer's worker holds the run in the writer's iteration", async () => {
    const run = await held("refused");
    const appends = [value("s", 1)];
    expect(await store.appendStreamBatch({ ...batch(run, 1, appends), owner: "w2" })).toEqual({
      ok: false,
      reason: "the run is held by another worker now",
    });
    expect(
      await store.appendStreamBatch({ ...batch(run, 1, appends), writer: { ...writer(1), iteration: 1 } }),
    ).toEqual({ ok: false, reason: "the run is in iteration 0, not 1" });
    expect(await store.appendStreamBatch(batch(fresh("missing"), 1, appends))).toEqual({
      ok: false,
      reason: "the run does not exist",
    });
    const ending = { status: "completed" as const, resultText: "1", errorText: null };
    await store.commit([step(run, { expectedVersion: 1, firstPos: 1, end: ending })]);
    expect(await store.appendStreamBatch(batch(run, 1, appends))).toEqual({
      ok: false,
      reason: "the run is completed",
    });
    expect((await read(run, "s")).chunks).toEqual([]);
  });

  it("close a stream after the chunks before it, and drop what is written to it later", async () => {
    const run = await held("close");
    await store.appendStreamBatch(batch(run, 1, [value("s", 1), { key: "s", close: true }]));
    expect(await store.appendStreamBatch(batch(run, 1, [value("s", 2), value("u", 3)], []))).toEqual({
      ok: true,
      dropped: ["s"],
    });
    expect(await read(run, "s")).toMatchObject({ head: { nextOffset: 1, closed: true }, chunks: [{ offset: 0 }] });
    expect(await values(run, "u")).toEqual([[0, 3, 1]]);
  });

  it("close every stream of a run with the step that ends it, with or without stream writes of its own", async () => {
    const ending = { status: "completed" as const, resultText: "1", errorText: null };
    for (const streamWrites of [[], [value("last", "bye")]]) {
      const run = await held("ends", [value("s", 1)]);
      await store.appendStreamBatch(batch(run, 1, [value("t", 2)]));
      const [ended] = await store.commit([step(run, { expectedVersion: 1, firstPos: 1, end: ending, streamWrites })]);
      expect(ended?.ok).toBe(true);
      for (const key of ["s", "t", ...streamWrites.map((write) => write.key)]) {
        expect((await read(run, key)).head).toMatchObject({ nextOffset: 1, closed: true });
      }
      expect((await read(run, "never")).runStatus).toBe("completed");
    }
  });

  it("close every stream of a run that an operator terminates", async () => {
    const run = await held("terminated", [value("s", 1)]);
    await store.appendStreamBatch(batch(run, 1, [value("t", 2)]));
    expect(await store.terminateRun(run, "enough", T + 30)).toBe(true);
    for (const key of ["s", "t"]) expect((await read(run, key)).head).toMatchObject({ nextOffset: 1, closed: true });
    expect((await read(run, "s")).runStatus).toBe("terminated");
  });

  it("reset each stream an earlier attempt wrote once, before the next attempt, reopening those it closed", async () => {
    const run = await held("reset");
    await store.appendStreamBatch(batch(run, 1, [value("s", "a"), value("t", "b"), { key: "t", close: true }]));
    const request = { run, writer: writer(2), owner: "w1", now: T + 30 };
    expect(await store.resetStreamAttempts(request)).toEqual({ ok: true, reset: ["s", "t"] });
    expect(await store.resetStreamAttempts(request)).toEqual({ ok: true, reset: [] });
    await store.appendStreamBatch(batch(run, 2, [value("t", "c")]));
    expect(await values(run, "s")).toEqual([
      [0, "a", 1],
      [1, "reset", 1],
    ]);
    expect(await values(run, "t")).toEqual([
      [0, "b", 1],
      [1, "reset", 1],
      [2, "c", 2],
    ]);
    expect((await read(run, "t")).head).toEqual({ nextOffset: 3, closed: false });
    expect(await store.resetStreamAttempts({ ...request, owner: "w2" })).toMatchObject({ ok: false });
  });

  it("count a streaming attempt in the activity's tasks row as attemptsMade says, due at once", async () => {
    for (const stored of [undefined, 1, 5]) {
      const run = await held("count");
      if (stored !== undefined) {
        const retry = { target: "a", seq: 0, attempt: stored, readyAt: T + 500, lastError: "{}" };
        await store.commit([step(run, { expectedVersion: 1, firstPos: 1, hold: true, taskWrites: [retry] })]);
      }
      await store.appendStreamBatch(batch(run, 3, [value("s", 1)]));
      const [row] = await store.loadTasks(run, 0);
      expect(row).toMatchObject({ target: "a", seq: 0, attempt: attemptsMade(stored, 3) });
      expect(row?.readyAt).toBe(stored === undefined ? 0 : T + 500);
    }
  });

  it("read the head first, then at most `limit` chunks after the cursor", async () => {
    const run = await held("reads");
    await store.appendStreamBatch(
      batch(
        run,
        1,
        [1, 2, 3, 4, 5].map((n) => value("s", n)),
      ),
    );
    expect(await read(fresh("nobody"), "s")).toEqual({ runStatus: undefined, head: undefined, chunks: [] });
    expect(await read(run, "empty")).toEqual({ runStatus: "running", head: undefined, chunks: [] });
    const page = await read(run, "s", 1, 2);
    expect(page.chunks.map((chunk) => chunk.offset)).toEqual([2, 3]);
    expect(page.head).toEqual({ nextOffset: 5, closed: false });
    expect((await read(run, "s", 4)).chunks).toEqual([]);
  });

  it("purge a run's streams with the run", async () => {
    const ending = { status: "completed" as const, resultText: "1", errorText: null };
    const run = await held("purged", [value("s", 1)]);
    await store.appendStreamBatch(batch(run, 1, [value("s", 2)]));
    await store.commit([step(run, { expectedVersion: 1, firstPos: 1, end: ending })]);
    const purged = await store.purgeRuns({
      namespace: run.namespace,
      endedBefore: T + 1000,
      statuses: ["completed"],
      limit: 1000,
    });
    expect(purged).toBeGreaterThanOrEqual(1);
    await create(run);
    expect(await read(run, "s")).toEqual({ runStatus: "running", head: undefined, chunks: [] });
  });

  it("list a run's streams by key with their lengths and closes, none for a run without, undefined for no run", async () => {
    const run = await held("list", [value("b", "w0")]);
    await store.appendStreamBatch(batch(run, 1, [value("a", 1), value("a", 2), { key: "a", close: true }]));

    expect(await store.listStreams(run)).toEqual([
      { key: "a", nextOffset: 2, closed: true },
      { key: "b", nextOffset: 1, closed: false },
    ]);
    expect(await store.listStreams(await held("list-none"))).toEqual([]);
    expect(await store.listStreams(fresh("list-missing"))).toBeUndefined();
  });
});
