import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import {
  type ActivityFailure,
  aesGcmCodec,
  createClient,
  gzipCodec,
  InvalidPayloadOptionsError,
  NonDeterminismError,
  NonRetryableError,
  type PayloadCodec,
  PayloadCodecMissingError,
  PayloadTamperedError,
} from "../../src/index.js";
import { type RunHistory, replayHistory } from "../../src/testing/index.js";
import { forEachStore, waitFor } from "../support/helpers.js";
import { encodedNode, KEYS, storedPayloads, storedTexts, storeOf, tamperWithInput } from "../support/payloads.js";

const DEADBEEF = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
const aes = (current: "k1" | "k2" = "k1") => aesGcmCodec({ keys: KEYS, current });

/** A codec of the user's own (Temporal's feature uses one like it): every byte XORed, so stored bytes are not JSON. */
const xorCodec: PayloadCodec = {
  name: "xor-42",
  encode: async (bytes) => bytes.map((byte) => byte ^ 42),
  decode: async (bytes) => bytes.map((byte) => byte ^ 42),
};

forEachStore((env) => {
  // Temporal's features data_converter/binary, codec, json and empty, restated.
  describe("payloads as Temporal's data converter features test them", () => {
    it("binary: bytes round-trip through input, activity, signal, output, error details and result", async () => {
      await env.worker({
        namespace: "dc-binary",
        workflows: {
          echo: async (ctx: RunContext, input: { raw: Uint8Array }) => {
            const doubled = (await ctx.execActivity("double", input.raw)) as Buffer;
            const signal = (await ctx.awaitSignal("more", "1h")) as { bytes: Uint8Array };
            await ctx.emitOutput("seen", { doubled });
            const failure = await ctx.execActivity("refuse", null).catch((error: unknown) => error);
            const details = (failure as ActivityFailure).failure.details as { receipt: Uint8Array };
            return { input: input.raw, doubled, signalled: signal.bytes, receipt: details.receipt };
          },
        },
        activities: {
          double: async (_ctx: ActivityContext, _b: unknown, raw: Uint8Array) => Buffer.concat([raw, raw]),
          refuse: async () => {
            throw new NonRetryableError("declined", { details: { receipt: new Uint8Array([1, 2, 3]) } });
          },
        },
      });
      const key = { namespace: "dc-binary", workflow: "echo", runId: "b-1" };
      await env.client.runWorkflow(key.namespace, key.workflow, key.runId, { raw: DEADBEEF });
      await env.client.signalRun(key.namespace, key.workflow, key.runId, "more", { bytes: new Uint8Array([7]) }, "m-1");
      const result = (await env.client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" })) as {
        input: Uint8Array;
        doubled: Buffer;
      };
      expect(result).toStrictEqual({
        input: DEADBEEF,
        doubled: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef]),
        signalled: new Uint8Array([7]),
        receipt: new Uint8Array([1, 2, 3]),
      });
      const stored = await storedPayloads(env.client, key);
      expect(stored.get("created #0")).toEqual({ raw: { $wire: { $bytes: "3q2+7w==" } } });
      expect(stored.get("activity_response double#0")).toEqual({
        result: { $wire: { $buffer: "3q2+796tvu8=" } },
        attempts: 1,
      });
      const history = await env.client.getHistory(key.namespace, key.workflow, key.runId);
      expect(history.find((event) => event.type === "output")?.payload).toStrictEqual({ doubled: result.doubled });
    });

    it("codec: the stored payload is not plain JSON, and the result is still right, also through a child run", async () => {
      const client = env.clientWith({ codecs: [xorCodec, gzipCodec(), aes()] });
      await env.worker({
        client,
        namespace: "dc-codec",
        workflows: {
          parent: async (ctx: RunContext, input: { text: string }) => ctx.runChild("child", "c-1", input),
          child: async (ctx: RunContext, input: { text: string }) => ctx.execActivity("shout", input.text),
        },
        activities: { shout: async (_ctx: ActivityContext, _b: unknown, text: string) => `${text.toUpperCase()}!` },
      });
      const key = { namespace: "dc-codec", workflow: "parent", runId: "p-1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, { text: "received" });
      expect(await client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" })).toBe("RECEIVED!");
      const node = encodedNode((await storedPayloads(client, key)).get("created #0"));
      expect(node).toMatchObject({ v: 1, codecs: ["xor-42", "gzip", "aes-256-gcm"], key: "k1" });
      for (const text of await storedTexts(client, { ...key, workflow: "child", runId: "c-1" })) {
        expect(text).not.toMatch(/received|RECEIVED/i);
      }
      const streamed = [];
      for await (const event of client.stream({ namespace: key.namespace, runId: key.runId })) streamed.push(event);
      expect(streamed.map((event) => [event.type, event.payload]).filter(([type]) => type !== "child_request")).toEqual(
        [
          ["created", { text: "received" }],
          ["child_response", { runId: "c-1", status: "completed", result: "RECEIVED!" }],
          ["completed", { result: "RECEIVED!" }],
        ],
      );
      // A client without the codecs reads the names and times, not the values.
      const run = await env.client.getRun(key.namespace, key.workflow, key.runId).catch((error: unknown) => error);
      expect(run).toMatchObject({ name: "PayloadCodecMissingError", codec: "aes-256-gcm" });
      expect((await env.client.listNamespaces()).includes("dc-codec")).toBe(true);
    });

    it("a run stored before the wire form existed, with $ keys and a $bytes-looking object, reads and runs unchanged", async () => {
      const old = { $$x: 1, $ref: "#/a", file: { $bytes: "AAEC" }, list: [{ $buffer: "aGk=" }] };
      const key = { namespace: "dc-old", workflow: "echo", runId: "o-1" };
      // What replaykit wrote before bytes were supported: JSON.stringify of the input.
      await storeOf(env.client).createRun({ key, inputText: JSON.stringify(old), now: Date.now() });
      expect((await env.client.getRun(key.namespace, key.workflow, key.runId))?.input).toStrictEqual(old);
      await env.worker({
        namespace: "dc-old",
        workflows: { echo: async (ctx: RunContext, input: unknown) => ctx.execActivity("same", input) },
        activities: { same: async (_ctx: ActivityContext, _b: unknown, input: unknown) => input },
      });
      expect(await env.client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" })).toStrictEqual(
        old,
      );
      const history = await env.client.getHistory(key.namespace, key.workflow, key.runId);
      expect(history.find((event) => event.type === "activity_request")?.payload).toStrictEqual(old);
    });

    it("json: a JSON value is stored as plain JSON without codecs, and comes back equal", async () => {
      const value = { spec: true, count: 3, nested: { list: [1, "two", null], unicode: "Grüße, 世界 😀" } };
      await env.worker({
        namespace: "dc-json",
        workflows: { echo: async (_ctx: RunContext, input: unknown) => input },
        activities: {},
      });
      await env.client.runWorkflow("dc-json", "echo", "j-1", value);
      expect(await env.client.awaitResult("dc-json", "echo", "j-1", { timeout: "20s" })).toEqual(value);
      const key = { namespace: "dc-json", workflow: "echo", runId: "j-1" };
      expect((await storedTexts(env.client, key))[0]).toBe(JSON.stringify(value));
    });

    it("empty: no input, an activity with no result and no return value store null, encrypted too", async () => {
      const client = env.clientWith({ codecs: [aes()] });
      await env.worker({
        client,
        namespace: "dc-empty",
        workflows: {
          nothing: async (ctx: RunContext) => {
            await ctx.execActivity("noop", null);
          },
        },
        activities: { noop: async () => undefined },
      });
      await client.runWorkflow("dc-empty", "nothing", "e-1", null);
      expect(await client.awaitResult("dc-empty", "nothing", "e-1", { timeout: "20s" })).toBeNull();
      const run = await client.getRun("dc-empty", "nothing", "e-1");
      expect(run).toMatchObject({ status: "completed", input: null, result: null });
      const stored = await storedPayloads(client, { namespace: "dc-empty", workflow: "nothing", runId: "e-1" });
      expect(encodedNode(stored.get("completed #0")).key).toBe("k1");
      const history = await client.getHistory("dc-empty", "nothing", "e-1");
      expect(history.find((event) => event.type === "activity_response")?.payload).toEqual({
        result: null,
        attempts: 1,
      });
    });
  });

  describe("replay", () => {
    it("replays a decoded history, and a raw one kept as JSON in a file, decoding it with the codecs", async () => {
      const codecs = [gzipCodec({ above: 0 }), aes()];
      const client = env.clientWith({ codecs });
      const workflows = {
        sum: async (ctx: RunContext, input: { data: Uint8Array; $meta: string }) =>
          `${input.$meta}:${(await ctx.execActivity("sum", input.data)) as number}`,
      };
      await env.worker({
        client,
        namespace: "replay-raw",
        workflows,
        activities: {
          sum: async (_c: ActivityContext, _b: unknown, data: Uint8Array) => data.reduce((a, b) => a + b, 0),
        },
      });
      const key = { namespace: "replay-raw", workflow: "sum", runId: "r-1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, { data: new Uint8Array([1, 2, 3]), $meta: "m" });
      expect(await client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" })).toBe("m:6");
      const decoded = await client.getHistory(key.namespace, key.workflow, key.runId);
      await replayHistory({ workflows }, { ...key, events: decoded });
      const file = JSON.stringify({
        ...key,
        events: await client.getHistory(key.namespace, key.workflow, key.runId, { raw: true }),
      });
      const kept = JSON.parse(file) as RunHistory;
      await replayHistory({ workflows, raw: true, codecs }, kept);
      await expect(replayHistory({ workflows, raw: true }, kept)).rejects.toBeInstanceOf(PayloadCodecMissingError);
      const changed = { sum: async (ctx: RunContext) => ctx.execActivity("sum", new Uint8Array([1, 2, 4])) };
      await expect(replayHistory({ workflows: changed, raw: true, codecs }, kept)).rejects.toBeInstanceOf(
        NonDeterminismError,
      );
    });
  });

  describe("encryption keys", () => {
    it("rotate with runs in flight: old runs finish reading the old key, new payloads use the new one", async () => {
      const before = env.clientWith({ codecs: [aes("k1")] });
      const first = await env.worker({
        client: before,
        namespace: "rotate",
        workflows: { wait: async (ctx: RunContext, input: string) => `${input}+${await ctx.awaitSignal("go", "1h")}` },
        activities: {},
      });
      await before.runWorkflow("rotate", "wait", "old", "from-k1");
      await first.stop();
      const after = env.clientWith({ codecs: [aes("k2")] });
      await env.worker({
        client: after,
        namespace: "rotate",
        workflows: { wait: async (ctx: RunContext, input: string) => `${input}+${await ctx.awaitSignal("go", "1h")}` },
        activities: {},
      });
      await after.runWorkflow("rotate", "wait", "new", "from-k2");
      for (const runId of ["old", "new"]) await after.signalRun("rotate", "wait", runId, "go", runId, "s");
      expect(await after.awaitResult("rotate", "wait", "old", { timeout: "20s" })).toBe("from-k1+old");
      expect(await after.awaitResult("rotate", "wait", "new", { timeout: "20s" })).toBe("from-k2+new");
      const old = await storedPayloads(after, { namespace: "rotate", workflow: "wait", runId: "old" });
      expect(encodedNode(old.get("created #0")).key).toBe("k1");
      expect(encodedNode(old.get("signal_response go#0")).key).toBe("k2");
      const fresh = await storedPayloads(after, { namespace: "rotate", workflow: "wait", runId: "new" });
      expect(
        [...fresh.values()].filter((p) => p !== null && "$encoded" in (p as object)).map((p) => encodedNode(p).key),
      ).toEqual(["k2", "k2", "k2"]);
    });

    it("a missing key parks the run with PayloadKeyMissingError naming it, and a resume with the key finishes it", async () => {
      const workflows = {
        wait: async (ctx: RunContext, input: string) => `${input}/${await ctx.awaitSignal("go", "1h")}`,
      };
      const withK1 = env.clientWith({ codecs: [aesGcmCodec({ keys: { k1: KEYS.k1 }, current: "k1" })] });
      await withK1.runWorkflow("lost-key", "wait", "r-1", "secret");
      const onlyK2 = env.clientWith({ codecs: [aesGcmCodec({ keys: { k2: KEYS.k2 }, current: "k2" })] });
      const blind = await env.worker({ client: onlyK2, namespace: "lost-key", workflows, activities: {} });
      await onlyK2.signalRun("lost-key", "wait", "r-1", "go", "now", "s-1");
      const both = env.clientWith({ codecs: [aes("k2")] });
      await waitFor(async () => (await both.getRun("lost-key", "wait", "r-1"))?.status === "stuck");
      // The run's input needs k1: a client without it cannot read the run either, and says which key it needs.
      const run = await onlyK2.getRun("lost-key", "wait", "r-1").catch((error: unknown) => error);
      expect(run).toMatchObject({ name: "PayloadKeyMissingError", keyId: "k1" });
      const parked = await both.getRun("lost-key", "wait", "r-1");
      expect(parked).toMatchObject({ status: "stuck", error: { name: "PayloadKeyMissingError" } });
      expect(parked?.error?.message).toMatch(/encrypted with key "k1", which this client does not have/);
      await blind.stop();
      await env.worker({ client: both, namespace: "lost-key", workflows, activities: {} });
      await both.resumeRun("lost-key", "wait", "r-1");
      expect(await both.awaitResult("lost-key", "wait", "r-1", { timeout: "20s" })).toBe("secret/now");
    });

    it("a tampered ciphertext is refused with PayloadTamperedError: reads fail and the run is parked, not run on it", async () => {
      const client = env.clientWith({ codecs: [aes()] });
      const key = { namespace: "tamper", workflow: "wait", runId: "t-1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, { amount: 100 });
      await tamperWithInput(client, key);
      await expect(client.getHistory(key.namespace, key.workflow, key.runId)).rejects.toBeInstanceOf(
        PayloadTamperedError,
      );
      await env.worker({
        client,
        namespace: "tamper",
        workflows: { wait: async (_ctx: RunContext, input: { amount: number }) => input.amount },
        activities: {},
      });
      await expect(
        client.awaitResult(key.namespace, key.workflow, key.runId, { timeout: "20s" }),
      ).rejects.toMatchObject({
        failure: { name: "PayloadTamperedError" },
      });
      expect((await client.listRuns({ namespace: "tamper", status: "stuck" })).runs.map((run) => run.runId)).toEqual([
        "t-1",
      ]);
    });
  });

  describe("secret fields", () => {
    it("encrypt a marked field on its own inside its encrypted payload, and give it back to the code in the clear", async () => {
      const codec = aes();
      const client = env.clientWith({ codecs: [codec], secretFields: ["cardNumber"] });
      await env.worker({
        client,
        namespace: "secret",
        workflows: { pay: async (ctx: RunContext, input: unknown) => ctx.execActivity("charge", input) },
        activities: {
          charge: async (_ctx: ActivityContext, _b: unknown, input: { cardNumber: string }) => ({
            last4: input.cardNumber.slice(-4),
            cardNumber: input.cardNumber,
          }),
        },
      });
      const input = { order: 7, cardNumber: "4111 1111 1111 1111" };
      await client.runWorkflow("secret", "pay", "s-1", input);
      expect(await client.awaitResult("secret", "pay", "s-1", { timeout: "20s" })).toEqual({
        last4: "1111",
        cardNumber: "4111 1111 1111 1111",
      });
      const node = encodedNode(
        (await storedPayloads(client, { namespace: "secret", workflow: "pay", runId: "s-1" })).get("created #0"),
      );
      const outer = Buffer.from(await codec.decode(Buffer.from(node.data ?? "", "base64"))).toString();
      expect(outer).toMatch(
        /^\{"order":7,"cardNumber":\{"\$encoded":\{"v":1,"codecs":\["aes-256-gcm"\],"key":"k1",.*"secret":true\}\}\}$/,
      );
      expect(outer).not.toContain("4111");
    });

    it("are refused without an encrypting codec, before anything is stored", () => {
      expect(() => env.clientWith({ secretFields: ["cardNumber"] })).toThrow(InvalidPayloadOptionsError);
      expect(() =>
        createClient({ uri: "mysql://u@127.0.0.1:1/db", codecs: [gzipCodec()], secretFields: ["cvv"] }),
      ).toThrow(/fields "cvv" are secret, but no codec encrypts/);
    });
  });
});
