import { describe, expect, it } from "vitest";
import { InvalidTagsError } from "../errors.js";
import { checkTags, decodeTags, encodeTags, mergeTags, tagValueText } from "./tags.js";

describe("tags", () => {
  it("take strings, finite numbers and booleans under names", () => {
    expect(checkTags("tags", { customer: "c-1", seats: 5, trial: false })).toEqual({
      customer: "c-1",
      seats: 5,
      trial: false,
    });
  });

  it("refuse anything else, saying which tag and why", () => {
    const refused = [
      [null, /expected an object, got null/],
      [["a"], /expected an object/],
      [{ a: null }, /tag "a" is null/],
      [{ a: { b: 1 } }, /tag "a" is a object/],
      [{ a: Number.NaN }, /tag "a" is NaN/],
      [{ "a/b": 1 }, /contains "\/"/],
      [{ a: "x".repeat(300) }, /tag "a" is 302 bytes long as JSON/],
      [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])), /it has 33 tags/],
    ] as const;
    for (const [tags, message] of refused) {
      expect(() => checkTags("tags", tags)).toThrow(InvalidTagsError);
      expect(() => checkTags("tags", tags)).toThrow(message);
    }
  });

  it("are stored with sorted keys, keep their types as JSON values, and merge with the later value winning", () => {
    expect(encodeTags({ b: 1, a: "x" })).toBe('{"a":"x","b":1}');
    expect(tagValueText("1")).toBe('"1"');
    expect(tagValueText(1)).toBe("1");
    expect(decodeTags('{"a":"x"}', "test")).toEqual({ a: "x" });
    expect(decodeTags(null, "test")).toEqual({});
    expect(mergeTags({ a: 1, b: 2 }, { b: 3 }, { c: true })).toEqual({ a: 1, b: 3, c: true });
  });
});
