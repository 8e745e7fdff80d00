import type { SerializedError } from "./errors.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, decodePayload, encodePayload } from "./json.js";

/** Causes kept below an error; deeper ones are summarised. */
const MAX_CAUSE_DEPTH = 8;
/** Characters kept of a message or stack, so an error always fits where results fit. */
const MAX_ERROR_TEXT = 16 * 1024;
/** Bytes of JSON an error's details may take. */
const MAX_DETAILS_BYTES = DEFAULT_MAX_PAYLOAD_BYTES / 4;

/**
 * Turns anything thrown into a SerializedError, keeping its cause chain (Error causes and
 * already serialised ones alike), bounded in depth, guarded against cycles, and with long
 * messages and stacks cut, so that any error can be stored and shown.
 */
export function serializeError(value: unknown): SerializedError {
  return serializeAt(value, 0, new Set());
}

function serializeAt(value: unknown, depth: number, seen: Set<unknown>): SerializedError {
  if (typeof value === "object" && value !== null) {
    if (seen.has(value))
      return { name: "CircularCause", message: "the cause chain leads back to an error already in it" };
    seen.add(value);
  }
  if (!(value instanceof Error) && !isSerializedError(value)) return nonError(value);
  const read = (field: string): unknown => {
    try {
      return (value as unknown as Record<string, unknown>)[field];
    } catch (error) {
      return `(reading ${field} threw: ${String(error)})`;
    }
  };
  const stack = read("stack");
  const code = read("code");
  const cause = read("cause");
  const details = read("details");
  const serialized: SerializedError = {
    name: cut(String(read("name")), 200),
    message: cut(String(read("message")), MAX_ERROR_TEXT),
    ...(typeof stack === "string" ? { stack: cut(stack, MAX_ERROR_TEXT) } : {}),
    ...(typeof code === "string" ? { code: cut(code, 200) } : {}),
    ...(details === undefined ? {} : { details: storedDetails(details) }),
  };
  if (cause === undefined) return serialized;
  const next =
    depth + 1 >= MAX_CAUSE_DEPTH
      ? { name: "CauseChainTooDeep", message: `causes below ${MAX_CAUSE_DEPTH} levels are left out` }
      : serializeAt(cause, depth + 1, seen);
  return { ...serialized, cause: next };
}

/** A SerializedError read back from storage (an ActivityFailure's failure, say) is kept as it is. */
function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.name === "string" && typeof record.message === "string";
}

function nonError(value: unknown): SerializedError {
  let message: string;
  try {
    message = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    message = Object.prototype.toString.call(value);
  }
  return { name: "NonErrorThrown", message: `a non-Error value was thrown: ${cut(message, MAX_ERROR_TEXT)}` };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters cut)`;
}

/**
 * An error's details as they will read back from storage (a Date becomes its text, bytes stay
 * bytes), so the workflow sees the same value live and in replay; a note when they cannot be stored.
 */
function storedDetails(details: unknown): unknown {
  try {
    return decodePayload(encodePayload("error details", details, MAX_DETAILS_BYTES), "error details");
  } catch (error) {
    return `(the details could not be stored: ${(error as Error).message})`;
  }
}
