import { describe, expect, it } from "vitest";
import { InvalidNameError, InvalidPayloadError } from "./errors.js";
import { decodePayload, encodePayload, MAX_PAYLOAD_DEPTH, validateName } from "./json.js";

function refusal(value: unknown): InvalidPayloadError {
  try {
    encodePayload("input", value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return error as InvalidPayloadError;
  }
  throw new Error("the payload was accepted");
}

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe("encodePayload", () => {
  it("refuses a 10,000-deep object with InvalidPayloadError, not a RangeError", () => {
    const error = refusal(nested(10_000));
    expect(error.message).toContain(`nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    expect(error.message).toContain("$.a.a.a");
  });

  it("takes nesting up to the limit and gives it back unchanged", () => {
    const value = nested(MAX_PAYLOAD_DEPTH - 1);
    expect(decodePayload(encodePayload("input", value), "test")).toEqual(value);
  });

  it("refuses a toJSON that returns a BigInt or throws, naming the path", () => {
    expect(refusal({ price: { toJSON: () => 10n } }).message).toMatch(/\$\.price\.toJSON\(\).*BigInt/);
    const throwing = refusal({
      when: {
        toJSON() {
          throw new Error("no date");
        },
      },
    });
    expect(throwing.message).toContain("$.when");
    expect(throwing.message).toContain("its toJSON() threw: no date");
  });

  it("refuses a getter that throws, naming the path", () => {
    const value = {
      get secret(): string {
        throw new Error("locked");
      },
    };
    const error = refusal({ outer: value });
    expect(error.message).toContain("$.outer.secret");
    expect(error.message).toContain("reading it threw: locked");
  });

  it("refuses Map, Set and class instances whose content JSON would drop, saying how to convert", () => {
    expect(refusal({ m: new Map([["a", 1]]) }).message).toMatch(/\$\.m.*Map.*Object\.fromEntries/);
    expect(refusal([new Set([1])]).message).toMatch(/\$\[0\].*Set.*\[\.\.\.set\]/);
    class Point {
      constructor(readonly x: number) {}
    }
    expect(refusal({ p: new Point(1) }).message).toMatch(/Point.*toJSON/);
  });

  it("keeps what JSON carries faithfully: plain objects, arrays, Dates (toJSON), null-prototype objects", () => {
    const bare = Object.assign(Object.create(null) as object, { k: 1 });
    const text = encodePayload("input", { at: new Date(0), list: [1, "two", null], bare });
    expect(JSON.parse(text)).toEqual({ at: "1970-01-01T00:00:00.000Z", list: [1, "two", null], bare: { k: 1 } });
  });
});

describe("validateName", () => {
  it("refuses lone UTF-16 surrogates, which UTF-8 storage would turn into the same U+FFFD", () => {
    for (const name of ["a\uD800", "\uDC00b", "x\uDBFFy"]) {
      expect(() => validateName("runId", name)).toThrow(InvalidNameError);
      expect(() => validateName("runId", name)).toThrow("lone UTF-16 surrogate");
    }
  });

  it("takes a well-formed pair (an emoji) and says a missing name is missing", () => {
    expect(validateName("runId", "order-😀")).toBe("order-😀");
    expect(() => validateName("runId", undefined)).toThrow("it is missing");
    expect(() => validateName("runId", 7)).toThrow("it is a number, not a string");
  });
});
