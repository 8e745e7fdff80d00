import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunContext, StreamEvent } from "../../src/api.js";
import { createClient, createWorker, type MySqlClient } from "../../src/index.js";
import { type ChaosDatabase, chaosDatabase } from "../chaos/database.js";

/**
 * Waits that are documented to last (awaitResult without a timeout, a following stream or
 * readStream) outlast a database restart instead of failing with DatabaseUnreachableError.
 */
describe("a database restart during a long wait", () => {
  let db: ChaosDatabase;
  let client: MySqlClient;
  beforeAll(async () => {
    db = await chaosDatabase();
    client = createClient({ pool: db.scratch.pool });
    await client.migrate();
  }, 120_000);
  afterAll(async () => {
    await client?.close();
    await db?.close();
  });

  it("is waited out by awaitResult and by stream({ follow: true })", async (test) => {
    if (!db.killable) test.skip("the database is external (REPLAY_MYSQL_URL)");
    await client.runWorkflow("outage", "gate", "g1", null);
    const result = client.awaitResult("outage", "gate", "g1");
    const controller = new AbortController();
    const seen: StreamEvent[] = [];
    const following = (async () => {
      for await (const event of client.stream({ namespace: "outage", follow: true, signal: controller.signal })) {
        seen.push(event);
        if (event.type === "completed") controller.abort();
      }
    })();
    // Both are waiting (the run has not even been claimed) when the server dies and comes back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.killAndRestart();
    // While the server was away, neither gave up.
    let settled = false;
    void Promise.allSettled([result, following]).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);

    const worker = createWorker({
      client,
      namespace: "outage",
      maxPollIntervalMs: 100,
      workflows: {
        gate: async (ctx: RunContext) => `opened ${(await ctx.awaitSignal("open", "1h")) as string}`,
      },
      activities: {},
    });
    await worker.start();
    try {
      await client.signalRun("outage", "gate", "g1", "open", "after the restart", "open-1");
      expect(await result).toBe("opened after the restart");
      await following;
      expect(seen.map((event) => event.type)).toContain("completed");
    } finally {
      await worker.stop();
    }
  }, 180_000);

  it("is waited out by readStream({ follow: true }), which goes on after the last chunk it read", async (test) => {
    if (!db.killable) test.skip("the database is external (REPLAY_MYSQL_URL)");
    const worker = createWorker({
      client,
      namespace: "outage-stream",
      maxPollIntervalMs: 100,
      workflows: {
        talk: async (ctx: RunContext) => {
          await ctx.writeStream("s", "before");
          await ctx.writeStream("s", (await ctx.awaitSignal("more", "1h")) as string);
          return "done";
        },
      },
      activities: {},
    });
    await worker.start();
    try {
      await client.runWorkflow("outage-stream", "talk", "t1", null);
      const seen: unknown[] = [];
      const following = (async () => {
        for await (const chunk of client.readStream("outage-stream", "talk", "t1", "s", { follow: true })) {
          seen.push(chunk.value);
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toEqual(["before"]);
      await db.killAndRestart();
      // The pool's connections died with the server: the first calls may find one of them.
      for (let attempt = 1; ; attempt++) {
        try {
          await client.signalRun("outage-stream", "talk", "t1", "more", "after the restart", "more-1");
          break;
        } catch (error) {
          if (attempt >= 5) throw error;
        }
      }
      await following;
      expect(seen).toEqual(["before", "after the restart"]);
    } finally {
      await worker.stop();
    }
  }, 180_000);
});
