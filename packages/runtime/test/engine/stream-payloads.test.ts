import { describe, expect, it } from "vitest";
import type { ActivityContext, Client, RunContext, StreamChunk } from "../../src/api.js";
import { aesGcmCodec, gzipCodec, PayloadCodecMissingError, type RunKey } from "../../src/index.js";
import { forEachStore } from "../support/helpers.js";
import { encodedNode, KEYS, offloadedCount, storeOf } from "../support/payloads.js";

/** Every chunk of the stream, following it to its end. */
async function readAll(client: Client, key: RunKey, stream: string): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of client.readStream(key.namespace, key.workflow, key.runId, stream, { follow: true })) {
    chunks.push(chunk);
  }
  return chunks;
}

/** The stream's chunk values as the store under the client's payload boundary holds them. */
async function storedValues(client: Client, key: RunKey, stream: string): Promise<(string | null)[]> {
  const read = await storeOf(client).readStream(key, stream, -1, 1000);
  return read.chunks.map((chunk) => chunk.valueText);
}

const DEADBEEF = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);

forEachStore((env) => {
  describe("stream chunks and the client's payload options", () => {
    it("are stored through the client's codecs, workflow's and activity's alike, and read back as written", async () => {
      const client = env.clientWith({ codecs: [gzipCodec({ above: 0 }), aesGcmCodec({ keys: KEYS, current: "k1" })] });
      await env.worker({
        client,
        namespace: "stream-codecs",
        workflows: {
          talk: async (ctx: RunContext) => {
            await ctx.writeStream("answer", "secret from the workflow");
            await ctx.execActivity("tokens", null);
            await ctx.closeStream("answer");
            return null;
          },
        },
        activities: {
          tokens: async (ctx: ActivityContext) => {
            await ctx.writeStream("answer", "secret token");
            await ctx.writeStream("answer", { raw: DEADBEEF });
            return null;
          },
        },
      });
      const key = { namespace: "stream-codecs", workflow: "talk", runId: "c1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, null);
      expect(await readAll(client, key, "answer")).toStrictEqual([
        { offset: 0, value: "secret from the workflow" },
        { offset: 1, value: "secret token", attempt: 1 },
        { offset: 2, value: { raw: DEADBEEF }, attempt: 1 },
      ]);
      const stored = await storedValues(client, key, "answer");
      expect(stored).toHaveLength(3);
      for (const text of stored) {
        expect(text).not.toMatch(/secret/);
        expect(encodedNode(JSON.parse(String(text)))).toMatchObject({ codecs: ["gzip", "aes-256-gcm"], key: "k1" });
      }
      // A client without the codecs cannot read the values.
      const plain = env.client.readStream(key.namespace, key.workflow, key.runId, "answer")[Symbol.asyncIterator]();
      await expect(plain.next()).rejects.toBeInstanceOf(PayloadCodecMissingError);
    });

    it("go to the payload store when large, and leave it with their run when purged", async () => {
      const client = env.clientWith({ offloadAbove: 1000 });
      await env.worker({
        client,
        namespace: "stream-offload",
        workflows: { gen: async (ctx: RunContext) => ctx.execActivity("big", null) },
        activities: {
          big: async (ctx: ActivityContext) => {
            await ctx.writeStream("doc", "x".repeat(5000));
            await ctx.writeStream("doc", "small");
            return null;
          },
        },
      });
      const key = { namespace: "stream-offload", workflow: "gen", runId: "o1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, null);
      expect(await readAll(client, key, "doc")).toEqual([
        { offset: 0, value: "x".repeat(5000), attempt: 1 },
        { offset: 1, value: "small", attempt: 1 },
      ]);
      const [large, small] = await storedValues(client, key, "doc");
      expect(encodedNode(JSON.parse(String(large)))).toMatchObject({ ref: { workflow: "gen", runId: "o1" } });
      expect(small).toBe('"small"');
      expect(await offloadedCount(client, key)).toBe(1);
      expect(await client.purgeRuns(key.namespace, { endedBefore: new Date(Date.now() + 60_000) })).toBe(1);
      expect(await offloadedCount(client, key)).toBe(0);
    });
  });
});
