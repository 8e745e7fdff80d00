import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { aesGcmCodec, gzipCodec, NonRetryableError } from "../../src/index.js";
import { forEachStore, waitFor } from "../support/helpers.js";
import { KEYS, storedTexts } from "../support/payloads.js";

// The operator rules read payloads (a reset the signals its kept steps consumed and the first
// failure, a terminate the children its run waits for): through a client's codecs they read the
// decoded payloads, and what they copy stays encoded.
forEachStore((env) => {
  describe("run controls on runs whose payloads a client's codecs encode", () => {
    const codecs = () => [gzipCodec(), aesGcmCodec({ keys: KEYS, current: "k1" })];

    it("a bulk reset goes back to the first failing step, and the signal a kept step consumed is not delivered again", async () => {
      const ns = "codec-reset";
      const client = env.clientWith({ codecs: codecs() });
      let fail = true;
      await env.worker({
        client,
        namespace: ns,
        workflows: {
          order: async (ctx: RunContext) => {
            const first = await ctx.awaitSignal("item", "1h");
            const checked = await ctx.execActivity("check", first);
            return [checked, await ctx.awaitSignal("item", "1h")];
          },
        },
        activities: {
          check: async (_ctx: ActivityContext, _backends: unknown, item: string) => {
            if (fail) throw new NonRetryableError("not yet");
            return `checked ${item}`;
          },
        },
      });
      const key = { namespace: ns, workflow: "order", runId: "o-1" };
      await client.runWorkflow(ns, "order", "o-1", null);
      await client.signalRun(ns, "order", "o-1", "item", "first-item", "s-1");
      await waitFor(async () => (await client.getRun(ns, "order", "o-1"))?.status === "failed");
      fail = false;
      const reset = await client.bulk(ns, { filter: { workflow: "order", status: "failed" }, action: "reset" });
      expect(reset).toMatchObject({ matched: 1, done: 1, failed: 0 });
      await client.signalRun(ns, "order", "o-1", "item", "second-item", "s-2");
      expect(await client.awaitResult(ns, "order", "o-1", { timeout: "10s" })).toEqual([
        "checked first-item",
        "second-item",
      ]);
      const texts = await storedTexts(client, key);
      expect(texts.filter((text) => text.includes("first-item") || text.includes("second-item"))).toEqual([]);
    });

    it("terminating a parent cancels the child it waits for", async () => {
      const ns = "codec-terminate";
      const client = env.clientWith({ codecs: codecs() });
      await env.worker({
        client,
        namespace: ns,
        workflows: {
          parent: async (ctx: RunContext) => ctx.runChild("child", "c-1", { note: "private" }),
          child: async (ctx: RunContext) => ctx.awaitSignal("never", "1h"),
        },
        activities: {},
      });
      await client.runWorkflow(ns, "parent", "p-1", null);
      await waitFor(async () => (await client.describeRun(ns, "child", "c-1"))?.waitingFor.signals.length === 1);
      expect(await client.terminateRun(ns, "parent", "p-1", "operator")).toBe(true);
      await waitFor(async () => (await client.getRun(ns, "child", "c-1"))?.status === "cancelled");
    });
  });
});
