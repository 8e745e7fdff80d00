import { describe, expect, it } from "vitest";
import { parseTagFilter, tagText } from "./tags.js";

describe("the runs page's tag filter", () => {
  it("reads pairs separated by spaces or commas, numbers and booleans as such, quoted values as text", () => {
    expect(parseTagFilter(' customer=c-1, tier=2 vip=true plan="1" note=a=b ')).toEqual({
      customer: "c-1",
      tier: 2,
      vip: true,
      plan: "1",
      note: "a=b",
    });
    expect(parseTagFilter("")).toEqual({});
  });

  it("refuses a pair without a key or an equals sign, saying how to write one", () => {
    expect(() => parseTagFilter("customer")).toThrow(/invalid tag filter "customer": write key=value/);
    expect(() => parseTagFilter("=x")).toThrow(/invalid tag filter "=x"/);
  });

  it("writes a tag back so that it reads as the same value", () => {
    for (const [key, value] of [
      ["tier", 2],
      ["plan", "2"],
      ["vip", false],
      ["c", "c-1"],
    ] as const) {
      expect(parseTagFilter(tagText(key, value))).toEqual({ [key]: value });
    }
  });
});
