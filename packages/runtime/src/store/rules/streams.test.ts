import { describe, expect, it } from "vitest";
import type { StreamHead, WriterRow } from "../stream-records.js";
import {
  attemptsMade,
  closesStreams,
  placeAppends,
  resetsBefore,
  streamEnded,
  streamWriteRefusal,
  writerRowsAfter,
} from "./streams.js";

const heads = (entries: Record<string, StreamHead>) => new Map(Object.entries(entries));
const writer = { iteration: 0, activity: "answer", seq: 0, attempt: 2 };

describe("streamWriteRefusal", () => {
  const run = { status: "running", iteration: 0, leaseOwner: "w1" };

  it("lets the worker holding the run write for the run's current iteration", () => {
    expect(streamWriteRefusal(run, writer, "w1")).toBeUndefined();
  });

  it("refuses a run that is gone, ended, moved to another iteration or held by another worker", () => {
    expect(streamWriteRefusal(undefined, writer, "w1")).toBe("the run does not exist");
    expect(streamWriteRefusal({ ...run, status: "completed" }, writer, "w1")).toBe("the run is completed");
    expect(streamWriteRefusal({ ...run, iteration: 1 }, writer, "w1")).toBe("the run is in iteration 1, not 0");
    expect(streamWriteRefusal(run, writer, "w2")).toBe("the run is held by another worker now");
    expect(streamWriteRefusal({ ...run, leaseOwner: null }, writer, "w1")).toBe(
      "the run is held by another worker now",
    );
  });
});

describe("placeAppends", () => {
  it("gives each value its stream's next offset, in the order written, across streams", () => {
    const placed = placeAppends(
      heads({ a: { nextOffset: 5, closed: false } }),
      [
        { key: "a", valueText: '"x"' },
        { key: "b", valueText: "1" },
        { key: "a", valueText: '"y"' },
      ],
      3,
    );
    expect(placed.chunks).toEqual([
      { key: "a", offset: 5, valueText: '"x"', attempt: 3, reset: false },
      { key: "b", offset: 0, valueText: "1", attempt: 3, reset: false },
      { key: "a", offset: 6, valueText: '"y"', attempt: 3, reset: false },
    ]);
    expect(placed.heads).toEqual(heads({ a: { nextOffset: 7, closed: false }, b: { nextOffset: 1, closed: false } }));
    expect(placed.dropped).toEqual([]);
  });

  it("closes a stream after the values before it, and drops what is written to a closed stream", () => {
    const placed = placeAppends(
      heads({ done: { nextOffset: 2, closed: true } }),
      [
        { key: "s", valueText: "1" },
        { key: "s", close: true },
        { key: "done", valueText: "2" },
      ],
      null,
    );
    expect(placed.chunks).toEqual([{ key: "s", offset: 0, valueText: "1", attempt: null, reset: false }]);
    expect(placed.heads.get("s")).toEqual({ nextOffset: 1, closed: true });
    expect(placed.heads.has("done")).toBe(false);
    expect(placed.closed).toEqual(["s"]);
    expect(placed.dropped).toEqual(["done"]);
  });
});

describe("writerRowsAfter", () => {
  const rows = new Map<string, WriterRow>([["a", { key: "a", attempt: 3, resetThrough: 2, closedBy: null }]]);

  it("names the attempt on the streams it writes first, never an older one, and who closed a stream", () => {
    expect(writerRowsAfter(rows, writer, ["a", "b"], ["b"])).toEqual([
      { key: "a", attempt: 3, resetThrough: 2, closedBy: null },
      { key: "b", attempt: 2, resetThrough: 0, closedBy: 2 },
    ]);
  });
});

describe("attemptsMade", () => {
  it("counts the attempt that streams, keeping a higher count that is there", () => {
    expect(attemptsMade(undefined, 1)).toBe(1);
    expect(attemptsMade(1, 2)).toBe(2);
    expect(attemptsMade(4, 2)).toBe(4);
  });
});

describe("resetsBefore", () => {
  it("appends one reset per stream an earlier attempt wrote and was not reset for, tagged with that attempt", () => {
    const rows: WriterRow[] = [
      { key: "a", attempt: 1, resetThrough: 0, closedBy: null },
      { key: "b", attempt: 1, resetThrough: 1, closedBy: null },
      { key: "c", attempt: 2, resetThrough: 0, closedBy: null },
    ];
    const planned = resetsBefore(rows, heads({ a: { nextOffset: 4, closed: false } }), 2);
    expect(planned.chunks).toEqual([{ key: "a", offset: 4, valueText: null, attempt: 1, reset: true }]);
    expect(planned.heads).toEqual(heads({ a: { nextOffset: 5, closed: false } }));
    expect(planned.rows).toEqual([{ key: "a", attempt: 1, resetThrough: 1, closedBy: null }]);
  });

  it("reopens a stream the reset attempt closed, and leaves one another writer closed without a marker", () => {
    const rows: WriterRow[] = [
      { key: "mine", attempt: 1, resetThrough: 0, closedBy: 1 },
      { key: "theirs", attempt: 1, resetThrough: 0, closedBy: null },
    ];
    const closed = { nextOffset: 3, closed: true };
    const planned = resetsBefore(rows, heads({ mine: closed, theirs: closed }), 2);
    expect(planned.chunks).toEqual([{ key: "mine", offset: 3, valueText: null, attempt: 1, reset: true }]);
    expect(planned.heads).toEqual(heads({ mine: { nextOffset: 4, closed: false } }));
    expect(planned.rows.map((row) => [row.key, row.resetThrough, row.closedBy])).toEqual([
      ["mine", 1, null],
      ["theirs", 1, null],
    ]);
  });
});

describe("closesStreams", () => {
  it("closes the streams of a run with the step that ends it, not with one that restarts it", () => {
    expect(closesStreams({ end: { status: "completed", resultText: "1", errorText: null } })).toBe(true);
    expect(closesStreams({})).toBe(false);
  });
});

describe("streamEnded", () => {
  it("ends a reader at the last chunk of a closed stream, or of a stream whose run ended", () => {
    const closed = { nextOffset: 3, closed: true };
    expect(streamEnded("running", closed, 2)).toBe(true);
    expect(streamEnded("running", closed, 1)).toBe(false);
    expect(streamEnded("completed", { nextOffset: 3, closed: false }, 2)).toBe(true);
    expect(streamEnded("failed", undefined, -1)).toBe(true);
  });

  it("keeps a reader of an open stream of a running or stuck run waiting", () => {
    expect(streamEnded("running", { nextOffset: 3, closed: false }, 2)).toBe(false);
    expect(streamEnded("stuck", undefined, -1)).toBe(false);
  });
});
