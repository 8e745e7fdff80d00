import { CorruptPayloadError, InvalidNameError, InvalidPayloadError } from "./errors.js";
import { EncodedValue, holdsEncoded } from "./payload/encoded.js";
import { fromWire, isEscapedKey, toWire, WIRE_MARK } from "./payload/wire.js";

/** Default largest payload, in bytes of UTF-8 JSON. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Nesting deeper than this is refused: JSON.stringify would overflow the stack long before a database cared. */
export const MAX_PAYLOAD_DEPTH = 512;

/**
 * Serialises a payload to the JSON text of its wire form (payload/wire.ts: JSON, with bytes and
 * objects with "$" keys in {"$wire": ...} envelopes), refusing what JSON cannot carry faithfully: BigInt, functions,
 * symbols, cycles, a top-level `undefined`, non-finite numbers, Map, Set and other class
 * instances without toJSON (their content would be lost), a toJSON that throws or returns one
 * of those, getters that throw, nesting deeper than 512 levels, and anything over `maxBytes`.
 * Throws InvalidPayloadError naming `field` and the path of the value.
 */
export function encodePayload(field: string, value: unknown, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): string {
  if (value === undefined) throw new InvalidPayloadError(field, "", "it is undefined; use null for no value");
  const walk: Walk = { field, seen: new Set(), wire: false };
  checkJsonValue(walk, value, "$", 0);
  // A value without bytes or "$" keys is its own wire form: the common case costs nothing more.
  const text = JSON.stringify(walk.wire ? toWire(value) : value);
  const bytes = text.length * 3 <= maxBytes ? text.length : Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) {
    throw new InvalidPayloadError(
      field,
      "",
      `it is ${bytes} bytes of JSON, over the limit of ${maxBytes}; raise maxPayloadBytes (with offload on, large payloads go to the payload store: see docs/payloads.md), or store the data elsewhere and pass a reference`,
    );
  }
  return text;
}

/**
 * The wire text of a value that needs no checking (a SerializedError, a decoded history's
 * payload): what encodePayload gives for it.
 */
export function wireText(value: unknown): string {
  return JSON.stringify(toWire(value)) ?? "null";
}

/** One check of a payload: what it is for, the objects on the current path, and whether it needs the wire form. */
interface Walk {
  readonly field: string;
  readonly seen: Set<object>;
  /** Bytes or "$" keys (of members JSON keeps) were seen: the value is serialised through toWire. */
  wire: boolean;
}

function checkJsonValue(walk: Walk, value: unknown, path: string, depth: number): void {
  const { field, seen } = walk;
  switch (typeof value) {
    case "bigint":
      throw new InvalidPayloadError(field, path, "BigInt is not JSON; send it as a string");
    case "function":
      throw new InvalidPayloadError(field, path, "a function is not JSON");
    case "symbol":
      throw new InvalidPayloadError(field, path, "a symbol is not JSON");
    case "number":
      if (!Number.isFinite(value))
        throw new InvalidPayloadError(field, path, `${value} is not JSON; use null or a string`);
      return;
    case "object":
      break;
    default:
      return;
  }
  if (value === null) return;
  if (depth >= MAX_PAYLOAD_DEPTH) {
    throw new InvalidPayloadError(field, path, `it is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  }
  if (seen.has(value)) throw new InvalidPayloadError(field, path, "it contains a cycle");
  if (value instanceof Uint8Array) {
    walk.wire = true;
    return;
  }
  const toJSON = read(field, path, value, "toJSON");
  if (typeof toJSON === "function") {
    let json: unknown;
    try {
      json = toJSON.call(value, "");
    } catch (error) {
      throw new InvalidPayloadError(field, path, `its toJSON() threw: ${(error as Error).message ?? String(error)}`);
    }
    seen.add(value);
    checkJsonValue(walk, json, `${path}.toJSON()`, depth + 1);
    seen.delete(value);
    return;
  }
  refuseLossyObject(field, path, value);
  seen.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      checkJsonValue(walk, read(field, `${path}[${index}]`, value, String(index)), `${path}[${index}]`, depth + 1);
    }
  } else {
    for (const key of Object.keys(value)) {
      const item = read(field, `${path}.${key}`, value, key);
      if (item === undefined) continue;
      if (isEscapedKey(key)) walk.wire = true;
      checkJsonValue(walk, item, `${path}.${key}`, depth + 1);
    }
  }
  seen.delete(value);
}

/** Reads a property, turning a throwing getter into a clear refusal. */
function read(field: string, path: string, value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch (error) {
    throw new InvalidPayloadError(field, path, `reading it threw: ${(error as Error).message ?? String(error)}`);
  }
}

/** Plain objects and arrays only: a Map, Set, RegExp or class instance would silently become `{}`. */
function refuseLossyObject(field: string, path: string, value: object): void {
  if (Array.isArray(value)) return;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return;
  const kind = (proto as { constructor?: { name?: string } }).constructor?.name || "an object with a prototype";
  const hint =
    value instanceof Map
      ? "convert it, e.g. Object.fromEntries(map)"
      : value instanceof Set
        ? "convert it, e.g. [...set]"
        : ArrayBuffer.isView(value) || value instanceof ArrayBuffer
          ? "bytes travel as a Uint8Array (or a Buffer): convert it, e.g. new Uint8Array(buffer)"
          : "pass a plain object, or give the class a toJSON()";
  throw new InvalidPayloadError(field, path, `a ${kind} is not JSON: its content would be lost; ${hint}`);
}

/**
 * The value of stored payload text (its wire form, see encodePayload); NULL becomes undefined.
 * Text that holds encoded payloads (codecs, offload: payload/encoded.ts) becomes an
 * EncodedValue, which the client's store boundary decodes. Throws CorruptPayloadError naming `where`.
 */
export function decodePayload(stored: string | Buffer | null | undefined, where: string): unknown {
  if (stored === null || stored === undefined) return undefined;
  const text = typeof stored === "string" ? stored : stored.toString("utf8");
  if (holdsEncoded(text)) return new EncodedValue(text);
  const parsed = parseStoredPayload(text, where);
  // Only text with an envelope needs the wire form undone: other JSON is read as it is.
  return text.includes(WIRE_MARK) ? fromWire(parsed) : parsed;
}

/** The stored JSON as it is: wire envelopes and encoded payloads as their nodes. */
export function parseStoredPayload(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CorruptPayloadError(where, cause);
  }
}

const MAX_NAME_BYTES = 255;
/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks a stored name: non-empty, at most 255 bytes of UTF-8, no "/", and well-formed UTF-16
 * (a lone surrogate would be stored as U+FFFD, so two different names would collide).
 * Throws InvalidNameError.
 */
export function validateName(argument: string, value: unknown): string {
  if (typeof value !== "string")
    throw new InvalidNameError(
      argument,
      value,
      `it is ${value === undefined ? "missing" : `a ${typeof value}, not a string`}`,
    );
  if (value.length === 0) throw new InvalidNameError(argument, value, "it is empty");
  if (LONE_SURROGATE.test(value)) {
    throw new InvalidNameError(argument, value, "it contains a lone UTF-16 surrogate, which cannot be stored as UTF-8");
  }
  if (value.includes("/")) throw new InvalidNameError(argument, value, 'it contains "/", which separates key parts');
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_NAME_BYTES) throw new InvalidNameError(argument, value, `it is ${bytes} bytes long`);
  return value;
}
