import { randomBytes } from "node:crypto";
import type { SealedPayload } from "@replaykit/runtime";

/*
 * How payloads that a payload view left sealed (encrypted, secret, offloaded: see payloadView in
 * the runtime) are shown: as a few words in the place of the value, `encrypted (key k1, 3.2 KiB)`,
 * for people; as {"$sealed": {...}} for scripts.
 */

/** Recognises the sealed payloads of one view (PayloadView.sealedOf). */
export type SealedOf = (value: unknown) => SealedPayload | undefined;

/** "812 B", "3.2 KiB", "1.0 MiB". */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `encrypted (key k1, 3.2 KiB)`, `secret (hidden)`, `offloaded (1.0 MiB)`, `encoded (codec xor, 80 B)`, `unreadable (...)`. */
export function sealedText(sealed: SealedPayload): string {
  const key = sealed.key === undefined ? [] : [`key ${sealed.key}`];
  const size = sizeText(sealed.size);
  switch (sealed.reason) {
    case "secret":
      return "secret (hidden)";
    case "encoded":
      return `encoded (codec ${sealed.codecs.join("+")}, ${size})`;
    case "encrypted":
    case "offloaded":
    case "unreadable":
      return `${sealed.reason} (${[...key, size].join(", ")})`;
    default:
      return sealed.reason satisfies never;
  }
}

/** One piece of a value's JSON text: text, or a sealed payload in its place. */
export type JsonPart = string | SealedPayload;

/**
 * The JSON text of `value` (pretty with `space`), cut where a sealed payload stands, so that each
 * surface can show those its own way (text in a terminal, an element in a page).
 */
export function jsonParts(value: unknown, sealedOf: SealedOf, space?: number): JsonPart[] {
  const found: SealedPayload[] = [];
  // A mark no value can hold: its nonce is drawn for this call.
  const mark = `\u0001${randomBytes(6).toString("hex")}:`;
  const replacer = (_key: string, item: unknown) => {
    const sealed = sealedOf(item);
    if (sealed === undefined) return item;
    found.push(sealed);
    return `${mark}${found.length - 1}\u0001`;
  };
  const text = JSON.stringify(value, replacer, space) ?? String(value);
  if (found.length === 0) return [text];
  const quoted = JSON.stringify(mark).slice(1, -1);
  const pattern = new RegExp(`"${escapeRegExp(quoted)}(\\d+)\\\\u0001"`, "g");
  const parts: JsonPart[] = [];
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) parts.push(text.slice(at, match.index));
    parts.push(found[Number(match[1])] as SealedPayload);
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/** JSON for people: each sealed payload as its words, unquoted. */
export function peopleJson(value: unknown, sealedOf: SealedOf, space?: number): string {
  return jsonParts(value, sealedOf, space)
    .map((part) => (typeof part === "string" ? part : sealedText(part)))
    .join("");
}

/** peopleJson on one line, cut at `width` characters with an ellipsis ("-" for no value). */
export function peopleLine(value: unknown, sealedOf: SealedOf, width = 60): string {
  const text = value === undefined ? "-" : peopleJson(value, sealedOf);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The first sealed payload in `value`, depth first; undefined when it has none. */
export function firstSealed(value: unknown, sealedOf: SealedOf): SealedPayload | undefined {
  const sealed = sealedOf(value);
  if (sealed !== undefined || typeof value !== "object" || value === null) return sealed;
  for (const item of Object.values(value)) {
    const found = firstSealed(item, sealedOf);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A JSON.stringify replacer for scripts: each sealed payload as {"$sealed": {reason, size, codecs, key?, ref?}}. */
export function scriptReplacer(sealedOf: SealedOf): (key: string, value: unknown) => unknown {
  return (_key, value) => {
    const sealed = sealedOf(value);
    return sealed === undefined ? value : { $sealed: sealed };
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
