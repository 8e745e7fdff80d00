import type { SealedPayload } from "@replaykit/runtime";
import { describe, expect, it } from "vitest";
import { firstSealed, jsonParts, peopleJson, peopleLine, scriptReplacer, sealedText, sizeText } from "./sealed.js";

const encrypted: SealedPayload = { reason: "encrypted", size: 3277, codecs: ["gzip", "aes-256-gcm"], key: "k1" };
const secret: SealedPayload = { reason: "secret", size: 40, codecs: ["aes-256-gcm"], key: "k1" };
/** Sealed payloads as a view reads them: objects this test marks as such. */
const placeholders = new Map<unknown, SealedPayload>();
const seal = (sealed: SealedPayload) => {
  const stand = { sealed: true };
  placeholders.set(stand, sealed);
  return stand;
};
const sealedOf = (value: unknown) => placeholders.get(value);

describe("sealed payloads as people and scripts see them", () => {
  it("say what they are in a few words: encrypted with which key and how large, secret, offloaded, encoded", () => {
    expect(sealedText(encrypted)).toBe("encrypted (key k1, 3.2 KiB)");
    expect(sealedText(secret)).toBe("secret (hidden)");
    expect(sealedText({ reason: "offloaded", size: 1048590, codecs: [] })).toBe("offloaded (1.0 MiB)");
    expect(sealedText({ reason: "encoded", size: 80, codecs: ["xor-42"] })).toBe("encoded (codec xor-42, 80 B)");
    expect(sizeText(1023)).toBe("1023 B");
  });

  it("stand in the place of their value in JSON for people, unquoted, and as {$sealed} for scripts", () => {
    const value = { orderId: "o-1", cardNumber: seal(secret), list: [seal(encrypted)] };
    expect(peopleJson(value, sealedOf)).toBe(
      '{"orderId":"o-1","cardNumber":secret (hidden),"list":[encrypted (key k1, 3.2 KiB)]}',
    );
    expect(peopleJson(seal(encrypted), sealedOf)).toBe("encrypted (key k1, 3.2 KiB)");
    expect(peopleLine(value, sealedOf, 20)).toBe('{"orderId":"o-1","c…');
    expect(JSON.parse(JSON.stringify(value, scriptReplacer(sealedOf)))).toEqual({
      orderId: "o-1",
      cardNumber: { $sealed: secret },
      list: [{ $sealed: encrypted }],
    });
    expect(jsonParts(value, sealedOf, 2)).toHaveLength(5);
    expect(firstSealed([{ a: 1 }, value], sealedOf)).toEqual(secret);
  });

  it("leave data that merely looks like the marks they are cut at as it is", () => {
    const value = { text: "\u0001abc:0\u0001", other: '"\\u0001' };
    expect(peopleJson(value, sealedOf)).toBe(JSON.stringify(value));
  });
});
