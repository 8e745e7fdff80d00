import { describe, expect, it } from "vitest";
import { isTokenId, newTokenId } from "./id.js";
import { tokenUrl, verifySignature } from "./url.js";

const id = "tok_abcdefghijklmnopqrstuvwx";
const signatureOf = (url: string) => new URL(url).searchParams.get("sig");

describe("token ids", () => {
  it("carry 144 random bits in a URL-safe form, never twice the same", () => {
    const ids = new Set(Array.from({ length: 1000 }, newTokenId));
    expect(ids.size).toBe(1000);
    for (const made of ids) expect(isTokenId(made)).toBe(true);
    expect(isTokenId("tok_short")).toBe(false);
    expect(isTokenId(`${id}/x`)).toBe(false);
  });
});

describe("tokenUrl", () => {
  it("appends the id to the base URL's path, keeps its query, and signs the id", () => {
    const url = tokenUrl(id, { baseUrl: "https://app.example.com/hooks/tokens/?tenant=7", secret: "s" });
    expect(url).toMatch(/^https:\/\/app\.example\.com\/hooks\/tokens\/tok_abcdefghijklmnopqrstuvwx\?tenant=7&sig=/);
    expect(verifySignature(id, signatureOf(url), "s")).toBe(true);
    expect(tokenUrl(id, { baseUrl: "https://a.example", secret: "s", action: "fail" })).toMatch(/\/fail\?sig=/);
  });

  it("signs with the first of several secrets, which all verify", () => {
    const url = tokenUrl(id, { baseUrl: "https://a.example", secret: ["new", "old"] });
    expect(verifySignature(id, signatureOf(url), "new")).toBe(true);
    expect(
      verifySignature(id, signatureOf(tokenUrl(id, { baseUrl: "https://a.example", secret: "old" })), ["new", "old"]),
    ).toBe(true);
    expect(verifySignature(id, signatureOf(url), "old")).toBe(false);
  });

  it("refuses what it cannot sign: no token id, no secret, no absolute base URL", () => {
    expect(() => tokenUrl("order-7", { baseUrl: "https://a.example", secret: "s" })).toThrow(/not a token id/);
    expect(() => tokenUrl(id, { baseUrl: "https://a.example", secret: [] })).toThrow(/non-empty/);
    expect(() => tokenUrl(id, { baseUrl: "/tokens", secret: "s" })).toThrow(/absolute URL/);
  });

  it("verifies no signature of another id, a cut one, or none", () => {
    const signature = signatureOf(tokenUrl(id, { baseUrl: "https://a.example", secret: "s" }));
    expect(verifySignature("tok_bbcdefghijklmnopqrstuvwx", signature, "s")).toBe(false);
    expect(verifySignature(id, signature?.slice(1) ?? "", "s")).toBe(false);
    expect(verifySignature(id, null, "s")).toBe(false);
  });
});
