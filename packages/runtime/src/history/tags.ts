import { type InvalidNameError, InvalidTagsError } from "../errors.js";
import { decodePayload, validateName } from "../json.js";
import type { Tags, TagValue } from "./events.js";

/** The most tags a run has. */
export const MAX_TAGS = 32;
/** The longest a tag's value may be as JSON text (it is a key part of the tag index). */
export const MAX_TAG_VALUE_BYTES = 255;

/**
 * Checks tags as given by a caller or workflow code: a plain object of at most MAX_TAGS keys
 * (names as validateName has them), each a string, a finite number or a boolean of at most
 * MAX_TAG_VALUE_BYTES as JSON. Returns a frozen copy; throws InvalidTagsError naming `argument`.
 */
export function checkTags(argument: string, tags: unknown): Tags {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    throw new InvalidTagsError(argument, `expected an object, got ${tags === null ? "null" : typeof tags}`);
  }
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw new InvalidTagsError(argument, `it has ${entries.length} tags`);
  const checked: Record<string, TagValue> = {};
  for (const [key, value] of entries) {
    try {
      validateName("tag key", key);
    } catch (error) {
      throw new InvalidTagsError(argument, (error as InvalidNameError).message);
    }
    checked[key] = checkTagValue(argument, key, value);
  }
  return Object.freeze(checked);
}

function checkTagValue(argument: string, key: string, value: unknown): TagValue {
  const ok =
    typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
  if (!ok) throw new InvalidTagsError(argument, `tag ${JSON.stringify(key)} is ${describe(value)}`);
  const bytes = Buffer.byteLength(tagValueText(value), "utf8");
  if (bytes > MAX_TAG_VALUE_BYTES) {
    throw new InvalidTagsError(argument, `tag ${JSON.stringify(key)} is ${bytes} bytes long as JSON`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/** A tag's value as the tag index stores it: JSON text, so "1" and 1 are different values. */
export function tagValueText(value: TagValue): string {
  return JSON.stringify(value);
}

/** Tags as stored with the run and in a `tags_set` event: JSON with the keys sorted, so the text is stable. */
export function encodeTags(tags: Tags): string {
  const sorted: Record<string, TagValue> = {};
  for (const key of Object.keys(tags).sort()) sorted[key] = tags[key] as TagValue;
  return JSON.stringify(sorted);
}

/** A run's stored tags; {} when it has none. */
export function decodeTags(text: string | null | undefined, where: string): Tags {
  if (text === null || text === undefined) return {};
  return (decodePayload(text, where) as Tags | undefined) ?? {};
}

/** The tags after `updates` were set over `current`, in order (a later value of a key wins). */
export function mergeTags(current: Tags, ...updates: readonly Tags[]): Tags {
  return Object.assign({}, current, ...updates) as Tags;
}
