import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamEvent } from "../../src/api.js";
import { type Fixture, setUpFixture } from "./helpers.js";

/** Inserts an output event on `conn` (the caller decides about the transaction). */
async function insertEvent(
  conn: Pool | PoolConnection,
  namespace: string,
  runId: string,
  seq: number,
): Promise<number> {
  const [result] = await conn.query(
    `INSERT INTO replay_events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at)
     VALUES (?, 'wf', ?, 0, ?, 'output', 'o', ?, ?, 0)`,
    [namespace, runId, seq, seq, JSON.stringify({ seq })],
  );
  return (result as { insertId: number }).insertId;
}

/** Collects events from a following stream in the background. */
function follow(f: Fixture, namespace: string, after = 0) {
  const controller = new AbortController();
  const events: StreamEvent[] = [];
  const done = (async () => {
    for await (const event of f.client.stream({ namespace, follow: true, after, signal: controller.signal })) {
      events.push(event);
    }
  })();
  return {
    events,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("stream", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture();
  });
  afterAll(() => f.close());

  it("yields a namespace's events in id order, filtered, and ends when caught up", async () => {
    await f.client.runWorkflow("s1", "wf", "a", 1);
    await f.client.runWorkflow("other", "wf", "x", 1);
    await f.client.runWorkflow("s1", "wf2", "b", 2);
    await f.client.cancelRun("s1", "wf", "a");
    const all: StreamEvent[] = [];
    for await (const event of f.client.stream({ namespace: "s1" })) all.push(event);
    expect(all.map((e) => [e.workflow, e.runId, e.type])).toEqual([
      ["wf", "a", "created"],
      ["wf2", "b", "created"],
      ["wf", "a", "cancel_requested"],
      // No worker took "a" up: it never ran, so the cancel ended it at once.
      ["wf", "a", "cancelled"],
    ]);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((x, y) => x - y));
    expect(all[0]?.payload).toBe(1);

    const filtered: StreamEvent[] = [];
    for await (const event of f.client.stream({ namespace: "s1", runId: "a", types: ["cancel_requested"] })) {
      filtered.push(event);
    }
    expect(filtered.map((e) => e.type)).toEqual(["cancel_requested"]);
    const after: StreamEvent[] = [];
    for await (const event of f.client.stream({ namespace: "s1", after: all[1]?.id ?? 0 })) after.push(event);
    expect(after.map((e) => e.id)).toEqual([all[2]?.id, all[3]?.id]);
  });

  it("reads more than one batch of 500 across namespaces", async () => {
    const values = Array.from({ length: 1200 }, (_, i) => [i % 3 === 0 ? "big" : "noise", `r${i}`, i, i, "0"]);
    await f.pool.query(
      "INSERT INTO replay_events (namespace, workflow, run_id, iteration, pos, type, target, seq, payload, created_at) VALUES " +
        values.map(() => "(?, 'wf', ?, 0, ?, 'output', 'o', ?, ?, 0)").join(", "),
      values.flat(),
    );
    let count = 0;
    for await (const event of f.client.stream({ namespace: "big" })) {
      expect(event.namespace).toBe("big");
      count += 1;
    }
    expect(count).toBe(400);
  });

  it("waits for an id held by an open transaction instead of skipping it, then yields both in id order", async () => {
    const ns = "gap-open";
    const before = await lastId(f.pool);
    const open = await f.pool.getConnection();
    const reader = follow(f, ns, before);
    try {
      await open.query("BEGIN");
      const first = await insertEvent(open, ns, "first", 1);
      const second = await insertEvent(f.pool, ns, "second", 2); // autocommit on another connection
      expect(second).toBeGreaterThan(first);
      await sleep(300);
      expect(reader.events).toEqual([]);
      await open.query("COMMIT");
      await until(() => reader.events.length === 2);
      expect(reader.events.map((e) => e.id)).toEqual([first, second]);
    } finally {
      open.release();
      await reader.stop();
    }
  });

  it("skips an id whose transaction rolled back", async () => {
    const ns = "gap-rollback";
    const before = await lastId(f.pool);
    const open = await f.pool.getConnection();
    const reader = follow(f, ns, before);
    try {
      await open.query("BEGIN");
      await insertEvent(open, ns, "doomed", 1);
      const kept = await insertEvent(f.pool, ns, "kept", 2);
      await sleep(100);
      expect(reader.events).toEqual([]);
      await open.query("ROLLBACK");
      await until(() => reader.events.length === 1);
      expect(reader.events.map((e) => [e.id, e.runId])).toEqual([[kept, "kept"]]);
    } finally {
      open.release();
      await reader.stop();
    }
  });

  it("skips a gap that was rolled back before the stream started, without following", async () => {
    const ns = "gap-old";
    const open = await f.pool.getConnection();
    try {
      await open.query("BEGIN");
      await insertEvent(open, ns, "doomed", 1);
      await open.query("ROLLBACK");
    } finally {
      open.release();
    }
    const kept = await insertEvent(f.pool, ns, "kept", 2);
    const events: StreamEvent[] = [];
    for await (const event of f.client.stream({ namespace: ns })) events.push(event);
    expect(events.map((e) => e.id)).toEqual([kept]);
  });

  it("wakes a follower at once on a local write, and ends cleanly when its signal aborts", async () => {
    const ns = "wake";
    const reader = follow(f, ns, await lastId(f.pool));
    await sleep(1200); // the idle poll interval has grown to its 500 ms maximum
    const started = Date.now();
    await f.client.runWorkflow(ns, "wf", "r", null);
    await until(() => reader.events.length === 1);
    expect(Date.now() - started).toBeLessThan(250);
    await reader.stop();
  });
});

describe("consume", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture();
  });
  afterAll(() => f.close());

  it("resumes after the cursor it stored for the consumer", async () => {
    for (const id of ["a", "b", "c"]) await f.client.runWorkflow("c1", "wf", id, null);
    const firstPass: string[] = [];
    await f.client.consume("mailer", { namespace: "c1" }, async (event) => {
      firstPass.push(event.runId);
    });
    expect(firstPass).toEqual(["a", "b", "c"]);
    const [rows] = await f.pool.query<RowDataPacket[]>(
      "SELECT last_id FROM replay_cursors WHERE namespace = 'c1' AND consumer = 'mailer'",
    );
    expect(rows).toHaveLength(1);

    await f.client.runWorkflow("c1", "wf", "d", null);
    const secondPass: string[] = [];
    await f.client.consume("mailer", { namespace: "c1" }, async (event) => {
      secondPass.push(event.runId);
    });
    expect(secondPass).toEqual(["d"]);

    const other: string[] = [];
    await f.client.consume("auditor", { namespace: "c1" }, async (event) => {
      other.push(event.runId);
    });
    expect(other).toEqual(["a", "b", "c", "d"]);
  });

  it("does not store the cursor past an event whose handler threw, so it is handled again", async () => {
    for (const id of ["x", "y"]) await f.client.runWorkflow("c2", "wf", id, null);
    const seen: string[] = [];
    await expect(
      f.client.consume("flaky", { namespace: "c2" }, async (event) => {
        seen.push(event.runId);
        if (event.runId === "y") throw new Error("handler failed");
      }),
    ).rejects.toThrow("handler failed");
    await f.client.consume("flaky", { namespace: "c2" }, async (event) => {
      seen.push(event.runId);
    });
    expect(seen).toEqual(["x", "y", "y"]);
  });

  it("follows until its signal aborts", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const done = f.client.consume("live", { namespace: "c3", follow: true, signal: controller.signal }, async (e) => {
      seen.push(e.runId);
      if (seen.length === 2) controller.abort();
    });
    await f.client.runWorkflow("c3", "wf", "one", null);
    await f.client.runWorkflow("c3", "wf", "two", null);
    await done;
    expect(seen).toEqual(["one", "two"]);
  });
});

async function lastId(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT COALESCE(MAX(id), 0) AS id FROM replay_events");
  return Number(rows[0]?.id);
}
