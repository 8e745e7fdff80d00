import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InvalidPayloadOptionsError, PayloadKeyMissingError, PayloadTamperedError } from "../errors.js";
import { aesGcmCodec } from "./aes-gcm.js";
import { gzipCodec } from "./codec.js";

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const utf8 = (value: string) => new Uint8Array(Buffer.from(value, "utf8"));

describe("gzipCodec", () => {
  it("keeps payloads up to `above` bytes as they are behind a 0 byte, and gzips larger ones behind a 1 byte", async () => {
    const codec = gzipCodec({ above: 16 });
    const small = await codec.encode(utf8('{"a":1}'));
    expect([...small]).toEqual([0, ...utf8('{"a":1}')]);
    const large = utf8(JSON.stringify({ text: "x".repeat(5000) }));
    const packed = await codec.encode(large);
    expect(packed[0]).toBe(1);
    expect(packed.length).toBeLessThan(200);
    expect(text(gunzipSync(packed.subarray(1)))).toBe(text(large));
    expect(text(await codec.decode(packed))).toBe(text(large));
    expect(text(await codec.decode(small))).toBe('{"a":1}');
  });

  it("refuses a negative threshold", () => {
    expect(() => gzipCodec({ above: -1 })).toThrow(InvalidPayloadOptionsError);
  });
});

describe("aesGcmCodec", () => {
  it("writes [1][key id length][key id][12-byte nonce][ciphertext][16-byte tag], a fresh nonce each time", async () => {
    const codec = aesGcmCodec({ keys: { k1: K1 }, current: "k1" });
    const plain = utf8('{"card":"4111 1111 1111 1111"}');
    const [a, b] = [await codec.encode(plain), await codec.encode(plain)];
    expect([a[0], a[1], text(a.subarray(2, 4))]).toEqual([1, 2, "k1"]);
    expect(a.length).toBe(2 + 2 + 12 + plain.length + 16);
    expect(Buffer.from(a.subarray(4, 16)).equals(Buffer.from(b.subarray(4, 16)))).toBe(false);
    expect(Buffer.from(a).includes(Buffer.from("4111"))).toBe(false);
    expect(codec.keyId?.(a)).toBe("k1");
    expect(text(await codec.decode(a))).toBe(text(plain));
  });

  it("encrypts with the current key and still decrypts payloads of older keys it has (rotation)", async () => {
    const before = aesGcmCodec({ keys: { k1: K1 }, current: "k1" });
    const after = aesGcmCodec({ keys: { k1: K1, k2: K2 }, current: "k2" });
    const old = await before.encode(utf8("old"));
    const fresh = await after.encode(utf8("new"));
    expect(after.keyId?.(fresh)).toBe("k2");
    expect(text(await after.decode(old))).toBe("old");
    expect(text(await after.decode(fresh))).toBe("new");
  });

  it("names the key a payload needs when the codec lacks it", async () => {
    const encoded = await aesGcmCodec({ keys: { k2: K2 }, current: "k2" }).encode(utf8("x"));
    const error = await aesGcmCodec({ keys: { k1: K1 }, current: "k1" })
      .decode(encoded)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadKeyMissingError);
    expect(error).toMatchObject({ keyId: "k2", known: ["k1"], code: "PAYLOAD_KEY_MISSING" });
    expect((error as Error).message).toMatch(/key "k2", which this client does not have \(it has "k1"\)/);
  });

  it("refuses a payload whose ciphertext, nonce, tag or key id was changed", async () => {
    const codec = aesGcmCodec({ keys: { k1: K1, k9: K2 }, current: "k1" });
    const encoded = await codec.encode(utf8('{"amount":100}'));
    const flips = [20, 5, encoded.length - 1];
    for (const at of flips) {
      const tampered = Uint8Array.from(encoded);
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      await expect(codec.decode(tampered)).rejects.toBeInstanceOf(PayloadTamperedError);
    }
    // The key id is authenticated too: a row pointed at another key fails, not decrypts.
    const renamed = Uint8Array.from(encoded);
    renamed[3] = "9".charCodeAt(0);
    await expect(codec.decode(renamed)).rejects.toMatchObject({ name: "PayloadTamperedError", keyId: "k9" });
    await expect(codec.decode(encoded.subarray(0, 10))).rejects.toBeInstanceOf(PayloadTamperedError);
  });

  it("takes keys as bytes, hex or base64, and refuses one that is not 32 bytes or a current key it lacks", async () => {
    const hex = aesGcmCodec({ keys: { h: K1.toString("hex") }, current: "h" });
    const b64 = aesGcmCodec({ keys: { h: K1.toString("base64") }, current: "h" });
    expect(text(await b64.decode(await hex.encode(utf8("same key"))))).toBe("same key");
    expect(() => aesGcmCodec({ keys: { k: randomBytes(16) }, current: "k" })).toThrow(/key "k".*not 32 bytes/);
    expect(() => aesGcmCodec({ keys: { k: "not a key" }, current: "k" })).toThrow(InvalidPayloadOptionsError);
    expect(() => aesGcmCodec({ keys: { k1: K1 }, current: "k2" })).toThrow(/"k2" is not one of the keys \(k1\)/);
    expect(() => aesGcmCodec({ keys: {}, current: "k" })).toThrow(/there are none/);
  });
});
