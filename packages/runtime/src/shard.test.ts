import { describe, expect, it } from "vitest";
import { SHARD_COUNT, shardOf } from "./shard.js";

describe("shardOf", () => {
  it("matches the FNV-1a 32-bit reference values modulo 16384", () => {
    // Reference: FNV-1a("") = 0x811c9dc5, FNV-1a("a") = 0xe40c292c, FNV-1a("foobar") = 0xbf9cf968.
    expect(shardOf("")).toBe(0x811c9dc5 % SHARD_COUNT);
    expect(shardOf("a")).toBe(0xe40c292c % SHARD_COUNT);
    expect(shardOf("foobar")).toBe(0xbf9cf968 % SHARD_COUNT);
  });

  it("hashes the UTF-8 bytes, so 4-byte characters give a stable non-negative shard", () => {
    const shard = shardOf("run-😀-é");
    expect(shard).toBeGreaterThanOrEqual(0);
    expect(shard).toBeLessThan(SHARD_COUNT);
    expect(shardOf("run-😀-é")).toBe(shard);
  });
});
