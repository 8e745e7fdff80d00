/*
 * The wire form of a payload: JSON, plus bytes. A value is stored as the JSON text of its wire
 * form, which is the value itself (JSON.stringify of it, as before bytes were supported) except
 * where it must differ; only there is it marked (docs/payloads.md has the layout):
 *
 *   - a Uint8Array is {"$wire": {"$bytes": "<base64>"}}, a Node Buffer {"$wire": {"$buffer": "<base64>"}}
 *     (standard base64 with padding; both decode to bytes, each to its own type in JavaScript);
 *   - an object with a key that begins with "$" is {"$wire": <the object>}, where every key that
 *     begins with "$", at any depth, gets one more "$" in front ("$ref" is stored as "$$ref"), and
 *     every Uint8Array or Buffer below is its bare tag {"$bytes": ...} or {"$buffer": ...}.
 *
 * Reading undoes the escapes and the tags inside a {"$wire": ...} envelope only: JSON outside
 * one is read as it is, so a payload stored before this form existed (keys such as "$$x" or an
 * object {"$bytes": "..."} of the user's) reads back unchanged. The envelope of a value does not
 * depend on the JSON around it, so payload text may be embedded in other payload text (an
 * activity's result in its response event) and still read the same.
 */

/** The key of the one-key object that marks a value whose wire form differs from its JSON. */
export const WIRE_TAG = "$wire";
/** How every envelope begins in stored text; it cannot occur inside a JSON string. */
export const WIRE_MARK = '{"$wire":';
/** The tag of a Uint8Array inside an envelope. */
export const BYTES_TAG = "$bytes";
/** The tag of a Node Buffer inside an envelope. */
export const BUFFER_TAG = "$buffer";

const DOLLAR = 36;

/** True when the key must be escaped in the wire form (it begins with "$"). */
export function isEscapedKey(key: string): boolean {
  return key.charCodeAt(0) === DOLLAR;
}

/**
 * The wire form of a value already checked by encodePayload: JSON as it is, bytes and objects
 * with "$" keys in envelopes. toJSON is followed as JSON.stringify follows it (called with the
 * member's key).
 */
export function toWire(value: unknown, key = ""): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) return { [WIRE_TAG]: bytesToWire(value) };
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return toWire(toJSON.call(value, key), key);
  if (Array.isArray(value)) return value.map((item, index) => toWire(item, String(index)));
  const record = value as Record<string, unknown>;
  if (hasEscapedKey(record)) return { [WIRE_TAG]: toEnveloped(record, key) };
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(record)) {
    const item = record[name];
    if (item !== undefined) setOwn(out, name, toWire(item, name));
  }
  return out;
}

/** True when an object has a member that JSON keeps (not undefined) under a key that begins with "$". */
export function hasEscapedKey(record: Record<string, unknown>): boolean {
  for (const name of Object.keys(record)) if (isEscapedKey(name) && record[name] !== undefined) return true;
  return false;
}

/** A value inside an envelope: every "$" key escaped, bytes as their bare tags. */
function toEnveloped(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) return bytesToWire(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return toEnveloped(toJSON.call(value, key), key);
  if (Array.isArray(value)) return value.map((item, index) => toEnveloped(item, String(index)));
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[name];
    if (item === undefined) continue;
    setOwn(out, isEscapedKey(name) ? `$${name}` : name, toEnveloped(item, name));
  }
  return out;
}

function bytesToWire(bytes: Uint8Array): Record<string, string> {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return { [Buffer.isBuffer(bytes) ? BUFFER_TAG : BYTES_TAG]: base64 };
}

/**
 * The value of parsed stored JSON: every {"$wire": ...} envelope opened (tags become bytes,
 * escaped keys lose their extra "$"), everything else as it is. Changes `parsed` in place where
 * it can (it is fresh from JSON.parse).
 */
export function fromWire(parsed: unknown): unknown {
  if (typeof parsed !== "object" || parsed === null) return parsed;
  if (Array.isArray(parsed)) {
    for (let index = 0; index < parsed.length; index++) parsed[index] = fromWire(parsed[index]);
    return parsed;
  }
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === WIRE_TAG) return fromEnveloped(record[WIRE_TAG]);
  for (const key of keys) setOwn(record, key, fromWire(record[key]));
  return record;
}

/** The value inside an envelope: tagged objects become bytes again, escaped keys lose their extra "$". */
function fromEnveloped(parsed: unknown): unknown {
  if (typeof parsed !== "object" || parsed === null) return parsed;
  if (Array.isArray(parsed)) {
    for (let index = 0; index < parsed.length; index++) parsed[index] = fromEnveloped(parsed[index]);
    return parsed;
  }
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  const bytes = keys.length === 1 ? bytesOfTag(keys[0] as string, record) : undefined;
  if (bytes !== undefined) return bytes;
  // Rebuilt rather than changed in place, so that the members keep their order.
  const out: Record<string, unknown> = {};
  for (const key of keys) setOwn(out, unescapeKey(key), fromEnveloped(record[key]));
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
 * "$$x" is the user's "$x". A key with a single "$" is a tag this version does not know (an
 * encoded payload's "$encoded" inside a secret field's place, say): it is kept as it is.
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
