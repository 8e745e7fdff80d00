import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePayload, encodePayload } from "../json.js";
import { aesGcmCodec } from "./aes-gcm.js";
import { gzipCodec, type PayloadCodec } from "./codec.js";
import { ENCODED_MARK } from "./encoded.js";
import { resolvePayloadOptions } from "./options.js";
import type { PayloadStore } from "./payload-store.js";
import { PayloadPipeline } from "./pipeline.js";

/** Runs per combination; FC_RUNS raises it for a longer local fuzzing session. */
const RUNS = Number(process.env.FC_RUNS ?? 60);

const aes = aesGcmCodec({ keys: { k1: randomBytes(32) }, current: "k1" });
const gzip = gzipCodec({ above: 8 });
const CODECS: Record<string, PayloadCodec[]> = {
  none: [],
  gzip: [gzip],
  aes: [aes],
  "gzip+aes": [gzip, aes],
  "aes+gzip": [aes, gzip],
};
const OFFLOAD: Record<string, number> = {
  "never offloaded": Number.POSITIVE_INFINITY,
  "all offloaded": 0,
  "above 64 B": 64,
};

/** Keys, some of which look like the wire form's tags and escapes. */
const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("$bytes", "$buffer", "$encoded", "$", "$$x", "card", "__proto__"),
  fc.string({ maxLength: 4 }).map((s) => `$${s}`),
);

/** Leaves: unicode text (lone surrogates too), numbers, bytes of both kinds. */
const leaf = fc.oneof(
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
);

const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(key, tie("value"), { maxKeys: 4, noNullPrototype: true }),
})).value;

/** Deep nesting: a chain of arrays and objects hundreds of levels down, with bytes at the bottom. */
const deep = fc.tuple(fc.integer({ min: 50, max: 400 }), fc.uint8Array({ maxLength: 8 })).map(([depth, bytes]) => {
  let value: unknown = bytes;
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { [`$k${level}`]: value };
  return value;
});

const payload = fc.oneof(tree, deep);

function memoryStore(): PayloadStore & { readonly size: number } {
  const bytes = new Map<string, Uint8Array>();
  return {
    get size() {
      return bytes.size;
    },
    put: async (ref, data) => void bytes.set(`${ref.workflow}/${ref.runId}/${ref.id}`, Uint8Array.from(data)),
    get: async (ref) => bytes.get(`${ref.workflow}/${ref.runId}/${ref.id}`),
    delete: async () => {},
  };
}

const owner = { namespace: "ns", workflow: "wf", runId: "r-1" };

describe("payloads through codecs and offload (property-based)", () => {
  for (const [codecsName, codecs] of Object.entries(CODECS)) {
    for (const [offloadName, offloadAbove] of Object.entries(OFFLOAD)) {
      it(`round-trips random payloads with codecs ${codecsName}, ${offloadName}`, async () => {
        const store = memoryStore();
        const pipeline = new PayloadPipeline(resolvePayloadOptions({ codecs, offloadAbove }, store));
        await fc.assert(
          fc.asyncProperty(payload, async (value) => {
            const text = encodePayload("input", value);
            const stored = await pipeline.encode(text, owner);
            if (codecs.length > 0 || offloadAbove === 0) expect(stored.startsWith(ENCODED_MARK)).toBe(true);
            else if (offloadAbove === Number.POSITIVE_INFINITY) expect(stored).toBe(text);
            expect(await pipeline.decode(stored, owner)).toBe(text);
            expect(decodePayload(await pipeline.decode(stored, owner), "test")).toStrictEqual(value);
          }),
          { numRuns: RUNS },
        );
        if (offloadAbove === 0) expect(store.size).toBeGreaterThan(0);
      });
    }
  }

  it("round-trips random payloads with secret fields encoded on their own, inside an encrypted payload", async () => {
    const pipeline = new PayloadPipeline(
      resolvePayloadOptions(
        { codecs: [gzip, aes], secretFields: ["card", "$bytes"], offloadAbove: 200 },
        memoryStore(),
      ),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (value) => {
        const text = encodePayload("input", value);
        expect(await pipeline.decode(await pipeline.encode(text, owner), owner)).toBe(text);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
