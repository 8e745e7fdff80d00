import { CorruptPayloadError, InvalidNameError, InvalidPayloadError } from "./errors.js";

/** Default largest payload, in bytes of UTF-8 JSON. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Serialises a payload to JSON text, refusing what JSON cannot carry faithfully:
 * BigInt, functions, symbols, cycles, a top-level `undefined`, non-finite numbers,
 * and anything over `maxBytes`. Throws InvalidPayloadError naming `field` and the path.
 */
export function encodePayload(field: string, value: unknown, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): string {
  if (value === undefined) throw new InvalidPayloadError(field, "", "it is undefined; use null for no value");
  checkJsonValue(field, value, "$", new Set());
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) {
    throw new InvalidPayloadError(
      field,
      "",
      `it is ${bytes} bytes of JSON, over the limit of ${maxBytes}; store large data elsewhere and pass a reference, or raise maxPayloadBytes`,
    );
  }
  return text;
}

function checkJsonValue(field: string, value: unknown, path: string, seen: Set<object>): void {
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
  if (seen.has(value)) throw new InvalidPayloadError(field, path, "it contains a cycle");
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkJsonValue(field, item, `${path}[${index}]`, seen);
  } else {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      checkJsonValue(field, item, `${path}.${key}`, seen);
    }
  }
  seen.delete(value);
}

/** Parses stored JSON text; NULL becomes undefined. Throws CorruptPayloadError naming `where`. */
export function decodePayload(text: string | Buffer | null | undefined, where: string): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(typeof text === "string" ? text : text.toString("utf8"));
  } catch (cause) {
    throw new CorruptPayloadError(where, cause);
  }
}

const MAX_NAME_BYTES = 255;

/** Checks a stored name: non-empty, at most 255 bytes of UTF-8, no "/". Throws InvalidNameError. */
export function validateName(argument: string, value: unknown): string {
  if (typeof value !== "string") throw new InvalidNameError(argument, value, `it is a ${typeof value}, not a string`);
  if (value.length === 0) throw new InvalidNameError(argument, value, "it is empty");
  if (value.includes("/")) throw new InvalidNameError(argument, value, 'it contains "/", which separates key parts');
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_NAME_BYTES) throw new InvalidNameError(argument, value, `it is ${bytes} bytes long`);
  return value;
}
