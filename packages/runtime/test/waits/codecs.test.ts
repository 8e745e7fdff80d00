import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/api.js";
import { aesGcmCodec } from "../../src/index.js";
import { forEachStore } from "../support/helpers.js";
import { encodedNode, KEYS, storedPayloads } from "../support/payloads.js";
import { reached, tokenIdOf } from "./support.js";

forEachStore((env) => {
  describe("tokens and events through a client with codecs", () => {
    it("give the run the completion and the event's data decoded, and store them encoded", async () => {
      const ns = "waits-codec";
      const client = env.clientWith({ codecs: [aesGcmCodec({ keys: KEYS, current: "k1" })] });
      await env.worker({
        client,
        namespace: ns,
        workflows: {
          both: async (ctx: RunContext) => {
            const { id } = await ctx.createToken({ timeout: "1h" });
            const approved = await ctx.awaitToken(id);
            const paid = await ctx.waitForEvent("paid", { key: ctx.runId, timeout: "20s", lookback: "1h" });
            return { approved, paid };
          },
        },
        activities: {},
      });
      const key = { namespace: ns, workflow: "both", runId: "c-1" };
      // Published first: the wait receives it by looking back.
      await client.publishEvent(ns, "paid", { amount: 12, card: "4242" }, { key: "c-1" });
      await client.runWorkflow(ns, "both", "c-1", null);
      const id = await tokenIdOf(client, ns, "both", "c-1");
      await reached(client, ns, "both", "c-1", "token_awaited");
      expect(await client.completeToken(id, { by: "ana" })).toBe(true);
      expect(await client.awaitResult(ns, "both", "c-1", { timeout: "20s" })).toEqual({
        approved: { by: "ana" },
        paid: { amount: 12, card: "4242" },
      });
      const stored = await storedPayloads(client, key);
      expect(encodedNode(stored.get(`token_completed ${id}#0`)).codecs).toEqual(["aes-256-gcm"]);
      expect(encodedNode(stored.get("event_received paid#0")).codecs).toEqual(["aes-256-gcm"]);
    });

    it("let a trigger make the run id from the decoded data, and start the run with it", async () => {
      const ns = "trig-codec";
      const client = env.clientWith({ codecs: [aesGcmCodec({ keys: KEYS, current: "k1" })] });
      await env.worker({
        client,
        namespace: ns,
        workflows: { welcome: async (_ctx: RunContext, user: { id: string }) => `hello ${user.id}` },
        activities: {},
        triggers: { welcome: { event: "user.signup", runId: (user: { id: string }) => `welcome-${user.id}` } },
      });
      await client.publishEvent(ns, "user.signup", { id: "u7" });
      expect(await client.awaitResult(ns, "welcome", "welcome-u7", { timeout: "20s" })).toBe("hello u7");
      const stored = await storedPayloads(client, { namespace: ns, workflow: "welcome", runId: "welcome-u7" });
      expect(encodedNode(stored.get("created #0")).codecs).toEqual(["aes-256-gcm"]);
    });
  });
});
