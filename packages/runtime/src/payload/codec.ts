import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { InvalidPayloadOptionsError } from "../errors.js";

/**
 * Turns a payload's bytes into other bytes and back: compression, encryption, a KMS. A client
 * applies its codecs in order to the UTF-8 JSON of each payload it stores, and records their
 * names beside the result; reading, it applies the recorded codecs' `decode` in reverse order.
 *
 * @example
 * const client = createClient({ pool }, { codecs: [gzipCodec(), aesGcmCodec({ keys: { k1: key }, current: "k1" })] });
 */
export interface PayloadCodec {
  /** Recorded with every payload it encoded: renaming a codec makes those payloads unreadable. */
  readonly name: string;
  encode(bytes: Uint8Array): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Promise<Uint8Array>;
  /**
   * The id of the key that made `encoded` (an encrypting codec implements it): recorded in the
   * clear beside the payload, so operators see which key a payload needs. A codec with keyId
   * counts as encrypting for secret fields (PayloadOptions.secretFields).
   */
  keyId?(encoded: Uint8Array): string | undefined;
}

export const GZIP_CODEC = "gzip";
/** Payloads smaller than this are left as they are by default: compressing them costs more than it saves. */
export const DEFAULT_GZIP_ABOVE = 1024;

/** The first byte of gzipCodec's output: the rest is the payload as it was, or a gzip stream. */
const STORED = 0;
const GZIPPED = 1;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Compresses payloads larger than `above` bytes (default 1024) with gzip (node:zlib). Its output
 * is one flag byte (0: as it was, 1: gzip) and then the bytes. Payloads written with it can be
 * read by any client: every client knows this codec by its name, configured or not.
 */
export function gzipCodec(options: { readonly above?: number } = {}): PayloadCodec {
  const above = options.above ?? DEFAULT_GZIP_ABOVE;
  if (!Number.isInteger(above) || above < 0) {
    throw new InvalidPayloadOptionsError("gzipCodec above", `${String(above)}: use a whole number of bytes, 0 or more`);
  }
  return {
    name: GZIP_CODEC,
    async encode(bytes) {
      if (bytes.length <= above) return prefixed(STORED, bytes);
      return prefixed(GZIPPED, await gzipAsync(bytes));
    },
    async decode(bytes) {
      const body = bytes.subarray(1);
      if (bytes[0] === STORED) return body;
      if (bytes[0] === GZIPPED) return new Uint8Array(await gunzipAsync(body));
      throw new Error(`gzip payload with unknown flag byte ${String(bytes[0])}`);
    },
  };
}

function prefixed(flag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = flag;
  out.set(body, 1);
  return out;
}
