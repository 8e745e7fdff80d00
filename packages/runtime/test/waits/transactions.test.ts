import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { createMemoryStore, createStoreClient, ReplayError } from "../../src/index.js";
import { useEngineDatabase } from "../support/helpers.js";
import { reached, tokenIdOf } from "./support.js";

const env = useEngineDatabase();

/** Runs `work` in a transaction of the test's own on the scratch database, then commits or rolls back. */
async function inTx(end: "COMMIT" | "ROLLBACK", work: (conn: PoolConnection) => Promise<void>): Promise<void> {
  const conn = await env.db.pool.getConnection();
  try {
    await conn.query("BEGIN");
    await work(conn);
    await conn.query(end);
  } finally {
    conn.release();
  }
}

describe("in the caller's MySQL transaction", () => {
  const ns = "tx";
  beforeAll(async () => {
    await env.db.pool.query("CREATE TABLE approvals (token VARCHAR(64) PRIMARY KEY, by_whom VARCHAR(64))");
    await env.worker({
      namespace: ns,
      workflows: {
        approval: async (ctx: RunContext) => {
          const { id } = await ctx.createToken();
          return ctx.awaitToken(id);
        },
        verify: async (ctx: RunContext) => ctx.waitForEvent("verified", { key: "u-1", timeout: "20s" }),
      },
      activities: {},
    });
  });

  it("a token completion that rolls back leaves the token waiting, and one that commits goes with the caller's write", async () => {
    await env.client.runWorkflow(ns, "approval", "a1", null);
    const id = await tokenIdOf(env.client, ns, "approval", "a1");
    await inTx("ROLLBACK", async (conn) => {
      await conn.query("INSERT INTO approvals VALUES (?, 'eve')", [id]);
      expect(await env.client.completeToken(id, "from eve", { tx: conn })).toBe(true);
    });
    const [state] = await env.db.pool.query<RowDataPacket[]>("SELECT state FROM replay_tokens WHERE token_id = ?", [
      id,
    ]);
    expect(String(state[0]?.state)).toBe("waiting");
    await inTx("COMMIT", async (conn) => {
      await conn.query("INSERT INTO approvals VALUES (?, 'ana')", [id]);
      expect(await env.client.completeToken(id, "from ana", { tx: conn })).toBe(true);
    });
    expect(await env.client.awaitResult(ns, "approval", "a1", { timeout: "20s" })).toBe("from ana");
    const [rows] = await env.db.pool.query<RowDataPacket[]>("SELECT by_whom FROM approvals");
    expect(rows.map((row) => String(row.by_whom))).toEqual(["ana"]);
  });

  it("an event published in a transaction that rolls back is never delivered", async () => {
    await env.client.runWorkflow(ns, "verify", "v1", null);
    await reached(env.client, ns, "verify", "v1", "event_awaited");
    await inTx("ROLLBACK", async (conn) => {
      expect(await env.client.publishEvent(ns, "verified", "rolled back", { key: "u-1", tx: conn })).toBe(true);
    });
    await inTx("COMMIT", async (conn) => {
      expect(await env.client.publishEvent(ns, "verified", "committed", { key: "u-1", tx: conn })).toBe(true);
    });
    expect(await env.client.awaitResult(ns, "verify", "v1", { timeout: "20s" })).toBe("committed");
  });
});

describe("the in-memory store", () => {
  it("refuses { tx } for completions and events, as it does for starts", async () => {
    const client = createStoreClient(createMemoryStore());
    const tx = { query: async () => [] };
    await expect(client.publishEvent("ns", "e", 1, { tx: tx as never })).rejects.toBeInstanceOf(ReplayError);
    await expect(client.completeToken("tok_AAAAAAAAAAAAAAAAAAAAAAAA", 1, { tx: tx as never })).rejects.toThrow(
      /no transactions/,
    );
  });
});
