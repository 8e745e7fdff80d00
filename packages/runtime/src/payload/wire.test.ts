import { describe, expect, it } from "vitest";
import { InvalidPayloadError } from "../errors.js";
import { decodePayload, encodePayload, wireText } from "../json.js";

const roundTrip = (value: unknown) => decodePayload(encodePayload("input", value), "test");

describe("the wire form of payloads", () => {
  it('stores a Uint8Array as {"$wire": {"$bytes": base64}} and a Buffer as {"$wire": {"$buffer": base64}}, and gives each back as its own type', () => {
    const text = encodePayload("input", { raw: new Uint8Array([0xde, 0xad, 0xbe, 0xef]), buf: Buffer.from("hi") });
    expect(JSON.parse(text)).toEqual({ raw: { $wire: { $bytes: "3q2+7w==" } }, buf: { $wire: { $buffer: "aGk=" } } });
    const back = decodePayload(text, "test") as { raw: Uint8Array; buf: Buffer };
    expect(back.raw).toStrictEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    expect(Buffer.isBuffer(back.buf)).toBe(true);
    expect(back.buf.toString("utf8")).toBe("hi");
  });

  it("carries bytes at any depth, empty ones and views into a larger buffer included", () => {
    const big = new Uint8Array(10).map((_, i) => i);
    const value = { a: [[{ b: big.subarray(3, 6) }]], empty: new Uint8Array(0), top: [Buffer.alloc(0)] };
    expect(roundTrip(value)).toStrictEqual({
      a: [[{ b: new Uint8Array([3, 4, 5]) }]],
      empty: new Uint8Array(0),
      top: [Buffer.alloc(0)],
    });
    expect(roundTrip(new Uint8Array([1, 2]))).toStrictEqual(new Uint8Array([1, 2]));
  });

  it("gives back user data that looks like the escape or a tag exactly as it was", () => {
    const value = {
      $bytes: "AAEC",
      nested: { $buffer: "aGk=" },
      $encoded: { v: 1, codecs: [], size: 3, data: "AAEC" },
      $$double: 1,
      $: "dollar",
      " $": "not escaped",
      list: [{ $ref: "#/x" }],
    };
    const text = encodePayload("input", value);
    expect(text.startsWith('{"$wire":{"$$bytes":"AAEC"')).toBe(true);
    expect(text).toContain('"$$$double":1');
    expect(text).not.toContain('{"$encoded":');
    expect(roundTrip(value)).toStrictEqual(value);
    expect(roundTrip({ deep: [{ $wire: { $bytes: "AAEC" } }] })).toStrictEqual({
      deep: [{ $wire: { $bytes: "AAEC" } }],
    });
  });

  it("reads a payload stored before the wire form existed exactly as it was, $ keys and $bytes-looking objects included", () => {
    // Written by JSON.stringify, as replaykit stored every payload before bytes were supported.
    const before = {
      $$x: 1,
      $ref: "#/a",
      file: { $bytes: "AAEC" },
      copy: { $buffer: "aGk=" },
      list: [{ $$deeper: { $bytes: "AQ==" } }],
      $: null,
    };
    const text = JSON.stringify(before);
    expect(decodePayload(text, "test")).toStrictEqual(before);
    expect(decodePayload(JSON.stringify({ result: before, attempts: 1 }), "test")).toStrictEqual({
      result: before,
      attempts: 1,
    });
  });

  it("marks only the parts that differ from their JSON, so payload text embedded in other text reads the same", () => {
    const input = { name: "cat.png", png: new Uint8Array([0x89, 0x50]), meta: { $ref: "x", size: 2 } };
    const text = encodePayload("input", input);
    expect(JSON.parse(text)).toEqual({
      name: "cat.png",
      png: { $wire: { $bytes: "iVA=" } },
      meta: { $wire: { $$ref: "x", size: 2 } },
    });
    // As the engine embeds an activity's result in its response event.
    const event = `{"result":${text},"attempts":2}`;
    expect(decodePayload(event, "test")).toStrictEqual({ result: input, attempts: 2 });
    expect(wireText({ result: input, attempts: 2 })).toBe(event);
  });

  it("keeps the order of members, and a member named __proto__, of an object with $ keys", () => {
    const value = JSON.parse('{"z":1,"$a":2,"__proto__":{"$b":3},"m":4}') as Record<string, unknown>;
    const back = roundTrip(value) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(["z", "$a", "__proto__", "m"]);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toEqual({ $b: 3 });
  });

  it("writes a value without bytes or $ keys exactly as JSON.stringify does", () => {
    const value = { at: new Date(0), list: [1, "two", null, { deep: ["x€😀"] }], n: -1.5e-7, $gone: undefined };
    expect(encodePayload("input", value)).toBe(JSON.stringify(value));
    expect(wireText(value)).toBe(JSON.stringify(value));
  });

  it("refuses other typed arrays and ArrayBuffers, saying to pass a Uint8Array", () => {
    for (const value of [new Int16Array(2), new ArrayBuffer(4), new DataView(new ArrayBuffer(2))]) {
      const error = (() => {
        try {
          encodePayload("input", { value });
          return undefined;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect((error as Error).message).toMatch(/\$\.value.*Uint8Array/);
    }
  });

  it("counts the stored bytes of a payload with bytes against the limit", () => {
    const bytes = new Uint8Array(300);
    // 300 bytes are 400 characters of base64, plus the envelope and the tag.
    expect(() => encodePayload("input", bytes, 399)).toThrow(/it is 423 bytes of JSON, over the limit of 399/);
    expect(encodePayload("input", bytes, 423)).toHaveLength(423);
  });
});
