/*
 * The wire form of a payload: JSON, plus bytes. A value is stored as the JSON text of its wire
 * form, which differs from the value only where it must (docs/payloads.md has the layout):
 *
 *   - a Uint8Array is the object {"$bytes": "<base64>"}, a Node Buffer {"$buffer": "<base64>"}
 *     (standard base64 with padding; both decode to bytes, each to its own type in JavaScript);
 *   - an object key that begins with "$" gets one more "$" in front ("$ref" is stored as
 *     "$$ref"), so that no user key is ever read as one of the tags above, or as "$encoded",
 *     the node of an encoded payload (see encoded.ts).
 *
 * A value with neither bytes nor "$" keys is its own wire form: JSON.stringify of it, as before.
 */

/** The tag of a Uint8Array's wire object. */
export const BYTES_TAG = "$bytes";
/** The tag of a Node Buffer's wire object. */
export const BUFFER_TAG = "$buffer";

const DOLLAR = 36;

/** True when the key must be escaped in the wire form (it begins with "$"). */
export function isEscapedKey(key: string): boolean {
  return key.charCodeAt(0) === DOLLAR;
}

/**
 * The wire form of a value already checked by encodePayload: bytes as tagged objects, "$" keys
 * escaped. toJSON is followed as JSON.stringify follows it (called with the member's key).
 */
export function toWire(value: unknown, key = ""): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) return bytesToWire(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return toWire(toJSON.call(value, key), key);
  if (Array.isArray(value)) return value.map((item, index) => toWire(item, String(index)));
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[name];
    if (item === undefined) continue;
    setOwn(out, isEscapedKey(name) ? `$${name}` : name, toWire(item, name));
  }
  return out;
}

function bytesToWire(bytes: Uint8Array): Record<string, string> {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return { [Buffer.isBuffer(bytes) ? BUFFER_TAG : BYTES_TAG]: base64 };
}

/**
 * The value of a parsed wire form: tagged objects become bytes again, escaped keys lose their
 * extra "$". Changes `parsed` in place where it can (it is fresh from JSON.parse); objects with
 * "$" keys are rebuilt, so that their members keep their order.
 */
export function fromWire(parsed: unknown): unknown {
  if (typeof parsed !== "object" || parsed === null) return parsed;
  if (Array.isArray(parsed)) {
    for (let index = 0; index < parsed.length; index++) parsed[index] = fromWire(parsed[index]);
    return parsed;
  }
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  const bytes = keys.length === 1 ? bytesOfTag(keys[0] as string, record) : undefined;
  if (bytes !== undefined) return bytes;
  if (!keys.some(isEscapedKey)) {
    for (const key of keys) record[key] = fromWire(record[key]);
    return record;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) setOwn(out, unescapeKey(key), fromWire(record[key]));
  return out;
}

/** The bytes of a one-key object {"$bytes": ...} or {"$buffer": ...}; undefined for anything else. */
function bytesOfTag(key: string, record: Record<string, unknown>): Uint8Array | undefined {
  const base64 = record[key];
  if (typeof base64 !== "string") return undefined;
  if (key === BYTES_TAG) return new Uint8Array(Buffer.from(base64, "base64"));
  if (key === BUFFER_TAG) return Buffer.from(base64, "base64");
  return undefined;
}

/**
 * "$$x" is the user's "$x". A key with a single "$" is a tag this version does not know, or a key
 * stored before keys were escaped: it is kept as it is.
 */
function unescapeKey(key: string): string {
  return key.charCodeAt(0) === DOLLAR && key.charCodeAt(1) === DOLLAR ? key.slice(1) : key;
}

/** Sets an own member, also one named "__proto__" (which plain assignment would turn into the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
