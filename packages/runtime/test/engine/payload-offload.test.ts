import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { aesGcmCodec, s3PayloadStore } from "../../src/index.js";
import { FAKE_S3_CREDENTIALS, type FakeS3, startFakeS3 } from "../../src/payload/fixtures/fake-s3.js";
import { replayHistory } from "../../src/testing/index.js";
import { forEachStore } from "../support/helpers.js";
import { encodedNode, KEYS, offloadedCount, storedPayloads, storedTexts } from "../support/payloads.js";

const MiB = 1024 * 1024;
const later = () => new Date(Date.now() + 60_000);
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let s3: FakeS3;
beforeAll(async () => {
  s3 = await startFakeS3();
});
afterAll(async () => {
  await s3.close();
});

forEachStore((env) => {
  describe("offloaded payloads", () => {
    it("go to the payload store just above offloadAbove, and stay in the row at it and just below", async () => {
      const client = env.clientWith({ offloadAbove: 100 });
      await env.worker({
        client,
        namespace: "threshold",
        workflows: {
          three: async (ctx: RunContext) => {
            const results = [];
            // An activity_response payload is {"result":"<text>","attempts":1}: 26 bytes around the text.
            for (const length of [73, 74, 75])
              results.push(((await ctx.execActivity("text", length)) as string).length);
            return results;
          },
        },
        activities: { text: async (_ctx: ActivityContext, _b: unknown, length: number) => "x".repeat(length) },
      });
      const key = { namespace: "threshold", workflow: "three", runId: "t-1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, null);
      expect(await client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" })).toEqual([
        73, 74, 75,
      ]);
      const stored = await storedPayloads(client, key);
      expect(JSON.stringify(stored.get("activity_response text#0"))).toHaveLength(99);
      expect(JSON.stringify(stored.get("activity_response text#1"))).toHaveLength(100);
      const node = encodedNode(stored.get("activity_response text#2"));
      expect(node).toMatchObject({ codecs: [], size: 101, ref: { workflow: "three", runId: "t-1" } });
      expect(node.ref?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(await offloadedCount(client, key)).toBe(1);
    });

    it("take a 20 MiB activity result out of the event row, replay it on another worker, and go with the run when purged", async () => {
      const client = env.clientWith({
        maxPayloadBytes: 64 * MiB,
        codecs: [aesGcmCodec({ keys: KEYS, current: "k1" })],
      });
      const big = randomBytes(15 * MiB);
      const workflows = {
        big: async (ctx: RunContext) => {
          const bytes = (await ctx.execActivity("fetch", null)) as Buffer;
          await ctx.awaitSignal("go", "1h");
          return { length: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
        },
      };
      const activities = { fetch: async () => big };
      const first = await env.worker({ client, namespace: "huge", workflows, activities });
      const key = { namespace: "huge", workflow: "big", runId: "h-1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, null);
      await waitForEvent(client, key, "signal_request");
      await first.stop();
      const second = await env.worker({ client, namespace: "huge", workflows, activities });
      await client.signalRun(key.namespace, key.workflow, key.runId, "go", null, "g-1");
      expect(await client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "60s" })).toEqual({
        length: big.length,
        sha256: sha(big),
      });
      expect(second.stats.workflowInvocations).toBe(1);
      const node = encodedNode((await storedPayloads(client, key)).get("activity_response fetch#0"));
      expect(node).toMatchObject({ codecs: ["aes-256-gcm"], key: "k1" });
      expect(node.size).toBeGreaterThan(20 * MiB);
      expect(Math.max(...(await storedTexts(client, key)).map((text) => text.length))).toBeLessThan(1024);
      expect(await offloadedCount(client, key)).toBe(1);
      const history = await client.getHistory(key.namespace, key.workflow, key.runId);
      await replayHistory({ workflows }, { ...key, events: history });
      expect(await client.purgeRuns("huge", { endedBefore: later() })).toBe(1);
      expect(await offloadedCount(client, key)).toBe(0);
    });

    it("are copied to a fork, which reads them after its source is purged", async () => {
      const client = env.clientWith({ offloadAbove: 64 });
      const workflows = {
        twice: async (ctx: RunContext) => [await ctx.execActivity("large", 1), await ctx.execActivity("large", 2)],
      };
      let calls = 0;
      const activities = {
        large: async (_c: ActivityContext, _b: unknown, n: number) => `${n}:${"y".repeat(200)}:${++calls}`,
      };
      const worker = await env.worker({ client, namespace: "fork-off", workflows, activities });
      await client.runWorkflow("fork-off", "twice", "src", null);
      const original = (await client.awaitResult("fork-off", "twice", "src", { timeout: "20s" })) as string[];
      await worker.stop();
      expect(await client.forkRun("fork-off", "twice", "src", { newRunId: "copy", fromStep: 1 })).toBe(true);
      expect(await client.purgeRuns("fork-off", { endedBefore: later() })).toBe(1);
      await env.worker({ client, namespace: "fork-off", workflows, activities });
      const copy = (await client.awaitResult("fork-off", "twice", "copy", { timeout: "20s" })) as string[];
      expect(copy).toEqual([original[0], `2:${"y".repeat(200)}:3`]);
      // The copy of the source's first result, its own second result, and its result (event and run row).
      expect(await offloadedCount(client, { namespace: "fork-off", workflow: "twice", runId: "copy" })).toBe(4);
    });

    it("of signals to a run that never started go with them when orphaned signals are purged", async () => {
      const client = env.clientWith({ offloadAbove: 64 });
      const key = { namespace: "orphan-off", workflow: "never", runId: "typo" };
      await client.signalRun(key.namespace, key.workflow, key.runId, "note", "n".repeat(500), "n-1");
      expect(await offloadedCount(client, key)).toBe(1);
      expect(await client.purgeOrphanedSignals(key.namespace, { olderThan: later() })).toBe(1);
      expect(await offloadedCount(client, key)).toBe(0);
    });

    it("go to an S3-compatible store and are deleted from it when the run is purged", async () => {
      const payloadStore = s3PayloadStore({ endpoint: s3.endpoint, bucket: `b-${env.kind}`, ...FAKE_S3_CREDENTIALS });
      const client = env.clientWith({ payloadStore, offloadAbove: 1024 });
      await env.worker({
        client,
        namespace: "s3",
        workflows: { report: async (ctx: RunContext) => ((await ctx.execActivity("render", null)) as string).length },
        activities: { render: async () => "z".repeat(5000) },
      });
      const key = { namespace: "s3", workflow: "report", runId: "r-1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, null);
      expect(await client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" })).toBe(5000);
      const objects = () => [...s3.objects.keys()].filter((id) => id.startsWith(`b-${env.kind}/`));
      expect(objects()).toHaveLength(1);
      expect(await offloadedCount(client, key)).toBe(0);
      expect(await client.purgeRuns("s3", { endedBefore: later() })).toBe(1);
      expect(objects()).toHaveLength(0);
    });
  });
});

async function waitForEvent(
  client: { getHistory(ns: string, wf: string, id: string): Promise<{ type: string }[]> },
  key: { namespace: string; workflow: string; runId: string },
  type: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const history = await client.getHistory(key.namespace, key.workflow, key.runId).catch(() => []);
    if (history.some((event) => event.type === type)) return;
    if (Date.now() > deadline) throw new Error(`no ${type} event in run ${key.runId} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
