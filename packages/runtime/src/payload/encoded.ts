/*
 * The stored form of an encoded payload: a JSON object with the single member "$encoded", so
 * that it can stand wherever JSON can, also inside a payload a store composes (a child's result
 * in its parent's inbox). docs/payloads.md describes it for readers in other languages:
 *
 *   {"$encoded":{"v":1,"codecs":["gzip","aes-256-gcm"],"key":"k1","size":3277,"data":"<base64>"}}
 *   {"$encoded":{"v":1,"codecs":[],"size":900000,"ref":{"workflow":"w","runId":"r","sha256":"<hex>"}}}
 *
 * No user key can be "$encoded" in stored text written by this version (the wire form escapes
 * "$" keys inside an envelope: payload/wire.ts), and the text
 * `{"$encoded":` cannot occur inside a JSON string (its quotes would be escaped), so a search
 * for it finds encoded nodes and nothing else.
 */

export const ENCODED_TAG = "$encoded";
/** How every encoded node begins in stored text. */
export const ENCODED_MARK = '{"$encoded":';
export const ENCODED_VERSION = 1;

/** Where the bytes of an offloaded payload are: under the run that wrote them, by their SHA-256. */
export interface OffloadedRef {
  readonly workflow: string;
  readonly runId: string;
  /** SHA-256 of the stored bytes, lowercase hex: their name in the payload store, and their check. */
  readonly sha256: string;
}

/** What the "$encoded" member holds. */
export interface EncodedNode {
  readonly v: number;
  /** The codecs applied to the payload's UTF-8 JSON, in order (decoding goes backwards). */
  readonly codecs: readonly string[];
  /** The key the last keyed codec used (see PayloadCodec.keyId), in the clear for operators. */
  readonly key?: string;
  /** Size of the stored bytes (after the codecs). */
  readonly size: number;
  /** The stored bytes as base64, when they are inline. */
  readonly data?: string;
  /** Where the stored bytes are, when they were offloaded. */
  readonly ref?: OffloadedRef;
  /** A field marked secret, encoded on its own inside its payload (see PayloadOptions.secretFields). */
  readonly secret?: true;
}

/**
 * What decodePayload returns for stored text that holds encoded nodes: only the store boundary
 * (CodecStore), which has the codecs, turns it into the value. Serialised, it is its stored form.
 */
export class EncodedValue {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** True when stored text holds an encoded node. */
export function holdsEncoded(text: string): boolean {
  return text.includes(ENCODED_MARK);
}

/** The stored text of an encoded node. */
export function encodedText(node: EncodedNode): string {
  return `${ENCODED_MARK}${JSON.stringify(node)}}`;
}

/** The node of a parsed `{"$encoded": {...}}` object; undefined for anything else. */
export function encodedNodeOf(value: unknown): EncodedNode | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== ENCODED_TAG) return undefined;
  const node = (value as Record<string, unknown>)[ENCODED_TAG];
  if (typeof node !== "object" || node === null) return undefined;
  const { codecs, size } = node as Record<string, unknown>;
  if (!Array.isArray(codecs) || typeof size !== "number") return undefined;
  return node as EncodedNode;
}
