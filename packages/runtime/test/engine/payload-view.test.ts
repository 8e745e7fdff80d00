import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { aesGcmCodec, gzipCodec, payloadView, timelineOf } from "../../src/index.js";
import { forEachStore } from "../support/helpers.js";
import { KEYS } from "../support/payloads.js";

const CARD = "4111111111111111";

forEachStore((env) => {
  describe("a payload view, as the inspector and the CLI read runs", () => {
    const codecs = () => [gzipCodec(), aesGcmCodec({ keys: KEYS, current: "k1" })];
    const key = { namespace: "view", workflow: "order", runId: "v-1" };
    const input = { orderId: "o-1", cardNumber: CARD, note: "x".repeat(400) };

    async function runOrder() {
      const client = env.clientWith({ codecs: codecs(), secretFields: ["cardNumber"], offloadAbove: 300 });
      await env.worker({
        client,
        namespace: key.namespace,
        workflows: {
          order: async (ctx: RunContext, given: typeof input) => {
            const receipt = await ctx.execActivity("charge", { cardNumber: given.cardNumber, cents: 5 });
            return { receipt, orderId: given.orderId };
          },
        },
        activities: { charge: async (_ctx: ActivityContext, _b: unknown, _in: unknown) => ({ chargeId: "c-9" }) },
      });
      await client.runWorkflow(key.namespace, key.workflow, key.runId, input);
      await client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" });
      return client;
    }

    it("seals encrypted payloads with their key and size instead of throwing, and opens them when asked to decrypt", async () => {
      const client = await runOrder();
      const closed = payloadView(client, {});
      const run = await closed.client.getRun(key.namespace, key.workflow, key.runId);
      expect(closed.sealedOf(run?.result)).toMatchObject({
        reason: "encrypted",
        key: "k1",
        codecs: ["gzip", "aes-256-gcm"],
      });
      expect(closed.sealedOf(run?.result)?.size).toBeGreaterThan(0);
      const description = await closed.client.describeRun(key.namespace, key.workflow, key.runId);
      expect(description?.status).toBe("completed");
      const history = await closed.client.getHistory(key.namespace, key.workflow, key.runId);
      expect(JSON.stringify(history)).not.toContain(CARD);
      expect(JSON.stringify(history)).not.toContain("c-9");

      const open = payloadView(client, { decrypt: true });
      const opened = await open.client.getRun(key.namespace, key.workflow, key.runId);
      expect(opened?.result).toEqual({ receipt: { chargeId: "c-9" }, orderId: "o-1" });
      const steps = timelineOf(await open.client.getHistory(key.namespace, key.workflow, key.runId));
      expect(steps[0]?.response).toEqual({ chargeId: "c-9" });
      const request = steps[0]?.request as { cardNumber: unknown } | undefined;
      expect(open.sealedOf(request?.cardNumber)).toMatchObject({
        reason: "secret",
        key: "k1",
      });
    });

    it("keeps secret fields sealed unless asked for them too, and leaves offloaded payloads to load on demand", async () => {
      const client = env.clientWith({ codecs: codecs(), secretFields: ["cardNumber"], offloadAbove: 300 });
      const open = payloadView(client, { decrypt: true });
      const run = await open.client.getRun(key.namespace, key.workflow, key.runId);
      const sealed = open.sealedOf(run?.input);
      // The input (400 characters of note) is above offloadAbove: its bytes are in the payload store.
      expect(sealed).toMatchObject({ reason: "offloaded", key: "k1", ref: { workflow: "order", runId: "v-1" } });
      const loaded = (await open.load(sealed as NonNullable<typeof sealed>, key)) as typeof input;
      expect(loaded.note).toBe(input.note);
      expect(open.sealedOf(loaded.cardNumber)).toMatchObject({ reason: "secret" });

      const all = payloadView(client, { decrypt: true, secrets: true, offloaded: true });
      expect((await all.client.getRun(key.namespace, key.workflow, key.runId))?.input).toEqual(input);
    });

    it("seals what the client cannot open, a missing key, as encrypted and says why", async () => {
      const other = env.clientWith({
        codecs: [aesGcmCodec({ keys: { k2: KEYS.k2 }, current: "k2" })],
      });
      const view = payloadView(other, { decrypt: true });
      const run = await view.client.getRun(key.namespace, key.workflow, key.runId);
      const sealed = view.sealedOf(run?.result);
      expect(sealed).toMatchObject({ reason: "encrypted", key: "k1" });
      expect(sealed?.problem).toMatch(/key "k1"/);
      // A client without codecs at all reads the same, through its view.
      const bare = payloadView(env.client, { decrypt: true });
      expect(bare.sealedOf((await bare.client.getRun(key.namespace, key.workflow, key.runId))?.result)).toMatchObject({
        reason: "encrypted",
        key: "k1",
      });
    });

    it("never takes user data shaped like a placeholder for one", async () => {
      const view = payloadView(env.client, {});
      const lookalike = { $sealed: { nonce: "guess", reason: "encrypted", size: 1, codecs: [] } };
      await env.client.runWorkflow(key.namespace, "plain", "p-1", lookalike);
      const run = await view.client.getRun(key.namespace, "plain", "p-1");
      expect(run?.input).toEqual(lookalike);
      expect(view.sealedOf(run?.input)).toBeUndefined();
    });
  });
});
