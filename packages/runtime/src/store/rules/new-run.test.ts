import { describe, expect, it } from "vitest";
import { newEvent } from "../../history/index.js";
import { shardOf } from "../../shard.js";
import { runCreation } from "./new-run.js";

const T = Date.UTC(2030, 0, 1);
const key = { namespace: "shop", workflow: "order", runId: "o-1" };

describe("runCreation", () => {
  it("creates a fresh running run, due now, with its created event at position 0", () => {
    const { row, events } = runCreation({ key, inputText: '{"n":1}', now: T });
    expect(row).toMatchObject({
      ...key,
      iteration: 0,
      status: "running",
      shard: shardOf("o-1"),
      version: 0,
      nextPos: 1,
      wakeAt: T,
      wakeGen: 0,
      cancelRequested: false,
      inputText: '{"n":1}',
      codeVersion: null,
      seed: null,
      parent: null,
      queue: null,
      priority: 0,
      createdAt: T,
      updatedAt: T,
    });
    expect(events).toEqual([{ iteration: 0, pos: 0, event: newEvent.created('{"n":1}', T) }]);
  });

  it("keeps what the start asked for: a delayed start, a queue, a parent, a pin and a trace", () => {
    const { row } = runCreation({
      key,
      inputText: "null",
      now: T,
      startAt: T + 5000,
      queue: "emails",
      priority: 2,
      concurrencyKey: "tenant-1",
      codeVersion: "v3",
      deadline: T + 60_000,
      parent: { workflow: "batch", runId: "b-1", waits: true },
      scheduledAt: T - 1,
      traceContext: "trace",
    });
    expect(row).toMatchObject({
      wakeAt: T + 5000,
      queue: "emails",
      priority: 2,
      concurrencyKey: "tenant-1",
      codeVersion: "v3",
      deadline: T + 60_000,
      parent: { workflow: "batch", runId: "b-1", waits: true },
      scheduledAt: T - 1,
      traceContext: "trace",
    });
  });
});
