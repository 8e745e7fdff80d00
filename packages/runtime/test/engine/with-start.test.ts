import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { type MySqlClient, ReplayError, RunEndedError } from "../../src/index.js";
import { forEachStore, historyOf, rejectionOf, shape } from "../support/helpers.js";

/** Collects `item` signals until `close`; `add` updates append too and answer the count. */
async function basket(ctx: RunContext, owner: string): Promise<{ owner: string; items: string[] }> {
  const items: string[] = [];
  let closed = false;
  ctx.onUpdate("add", (item: string) => {
    items.push(item);
    return items.length;
  });
  ctx.onUpdate("close", () => {
    closed = true;
  });
  void (async () => {
    for (;;) items.push((await ctx.awaitSignal("item", "1h")) as string);
  })();
  await ctx.condition(() => closed);
  return { owner, items };
}

forEachStore((env) => {
  describe("signalWithStart", () => {
    it("starts the run when it does not exist and delivers the signal; to a run that exists it only signals (signal_with_start)", async () => {
      await env.worker({ namespace: "sws", workflows: { basket }, activities: {} });
      expect(await env.client.signalWithStart("sws", "basket", "b1", "ann", "item", "apple", "i1")).toBe(true);
      expect(await env.client.signalWithStart("sws", "basket", "b1", "bob", "item", "pear", "i2")).toBe(true);
      expect(await env.client.signalWithStart("sws", "basket", "b1", "bob", "item", "pear", "i2")).toBe(false);
      expect(await env.client.executeUpdate("sws", "basket", "b1", "add", "plum")).toBe(3);
      await env.client.executeUpdate("sws", "basket", "b1", "close", null);
      expect(await env.client.awaitResult("sws", "basket", "b1", { timeout: "10s" })).toEqual({
        owner: "ann",
        items: ["apple", "pear", "plum"],
      });
      await expect(env.client.signalWithStart("sws", "basket", "b1", "ann", "item", "fig", "i3")).rejects.toThrow(
        RunEndedError,
      );
    });

    it.runIf(env.kind === "mariadb")(
      "joins the caller's transaction: nothing is started or sent when it rolls back",
      async () => {
        await env.worker({ namespace: "sws-tx", workflows: { basket }, activities: {} });
        const { pool } = env.client as MySqlClient;
        const write = async (commit: boolean) => {
          const tx = await pool.getConnection();
          try {
            await tx.query("BEGIN");
            await env.client.signalWithStart("sws-tx", "basket", "b1", "ann", "item", "apple", "i1", { tx });
            await tx.query(commit ? "COMMIT" : "ROLLBACK");
          } finally {
            tx.release();
          }
        };
        await write(false);
        expect(await env.client.getRun("sws-tx", "basket", "b1")).toBeUndefined();
        await write(true);
        expect(await env.client.executeUpdate("sws-tx", "basket", "b1", "add", "pear", { timeout: "20s" })).toBe(2);
      },
    );
  });

  describe("updateWithStart", () => {
    it("starts the run when it does not exist and answers with the update's result; to a run that exists it only updates", async () => {
      await env.worker({ namespace: "uws", workflows: { basket }, activities: {} });
      expect(await env.client.updateWithStart("uws", "basket", "b1", "ann", "add", "apple")).toBe(1);
      expect(await env.client.updateWithStart("uws", "basket", "b1", "bob", "add", "pear")).toBe(2);
      const remote = env.clientWith({});
      expect(await remote.updateWithStart("uws", "basket", "b2", "cy", "add", "fig", { timeout: "20s" })).toBe(1);
      await env.client.executeUpdate("uws", "basket", "b1", "close", null);
      expect(await env.client.awaitResult("uws", "basket", "b1", { timeout: "10s" })).toEqual({
        owner: "ann",
        items: ["apple", "pear"],
      });
      expect(shape(await historyOf(env.client, "uws", "basket", "b2")).slice(0, 3)).toEqual([
        "created",
        "signal_request item#0",
        "update_accepted add#0",
      ]);
    });

    it("refuses { tx }: the result it waits for cannot come before the transaction commits", async () => {
      const tx = { query: async () => [] };
      const refused = await rejectionOf(
        env.client.updateWithStart("uws", "basket", "b9", null, "add", "x", { tx } as never),
      );
      expect(refused).toBeInstanceOf(ReplayError);
      expect(refused.message).toContain("updateWithStart takes no { tx }");
      expect(await env.client.getRun("uws", "basket", "b9")).toBeUndefined();
    });
  });
});
