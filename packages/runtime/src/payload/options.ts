import { InvalidPayloadOptionsError } from "../errors.js";
import { GZIP_CODEC, gzipCodec, type PayloadCodec } from "./codec.js";
import { type PayloadStore, TablePayloadStore } from "./payload-store.js";

/** Payloads above this many bytes (as stored, after the codecs) are offloaded by default: 256 KiB. */
export const DEFAULT_OFFLOAD_ABOVE = 256 * 1024;

/** How a client stores payloads: `createClient({ pool }, { codecs, payloadStore, offloadAbove })`. Workers use their client's. */
export interface PayloadOptions {
  /** Applied in order to the UTF-8 JSON of every payload (e.g. [gzipCodec(), aesGcmCodec(...)]); default none. */
  readonly codecs?: readonly PayloadCodec[] | undefined;
  /** Where payloads above `offloadAbove` go; default tablePayloadStore() (the client's own database). */
  readonly payloadStore?: PayloadStore | undefined;
  /**
   * Payloads above this many bytes, as stored (after the codecs), go to the payload store and
   * the event keeps a reference; default 256 KiB. Infinity turns offloading off.
   */
  readonly offloadAbove?: number | undefined;
  /**
   * Field names whose values are secret in every payload of this client (at any depth). Such a
   * value is encrypted on its own inside its payload, so tools that decode payloads can still
   * hide it. It needs an encrypting codec (one with keyId, e.g. aesGcmCodec): without one, the
   * client refuses to be created.
   */
  readonly secretFields?: readonly string[] | undefined;
}

/** The options, checked, with their defaults; `table` is the store's own payload table, if it has one. */
export interface ResolvedPayloadOptions {
  readonly codecs: readonly PayloadCodec[];
  /** Every codec a payload may name, by name: the configured ones, and gzip. */
  readonly decoders: ReadonlyMap<string, PayloadCodec>;
  readonly payloadStore: PayloadStore | undefined;
  readonly offloadAbove: number;
  readonly secretFields: readonly string[];
}

/** Checks the options and fills in the defaults. Throws InvalidPayloadOptionsError. */
export function resolvePayloadOptions(
  options: PayloadOptions,
  table: PayloadStore | undefined,
): ResolvedPayloadOptions {
  const codecs = checkCodecs(options.codecs ?? []);
  const decoders = new Map<string, PayloadCodec>([[GZIP_CODEC, gzipCodec()]]);
  for (const codec of codecs) decoders.set(codec.name, codec);
  const offloadAbove = options.offloadAbove ?? DEFAULT_OFFLOAD_ABOVE;
  if (!(offloadAbove === Number.POSITIVE_INFINITY || (Number.isInteger(offloadAbove) && offloadAbove >= 0))) {
    throw new InvalidPayloadOptionsError(
      "offloadAbove",
      `${String(offloadAbove)}: use a whole number of bytes, or Infinity to never offload`,
    );
  }
  const given = options.payloadStore;
  if (given !== undefined && !isPayloadStore(given)) {
    throw new InvalidPayloadOptionsError("payloadStore", "it is not a PayloadStore { put, get, delete }");
  }
  const payloadStore = given === undefined || given instanceof TablePayloadStore ? table : given;
  if (given instanceof TablePayloadStore && table === undefined) {
    throw new InvalidPayloadOptionsError(
      "payloadStore",
      "this store has no payload table; pass filePayloadStore(dir) or another PayloadStore",
    );
  }
  const secretFields = checkSecretFields(options.secretFields ?? [], codecs);
  return { codecs, decoders, payloadStore, offloadAbove, secretFields };
}

function checkCodecs(codecs: readonly PayloadCodec[]): readonly PayloadCodec[] {
  if (!Array.isArray(codecs)) throw new InvalidPayloadOptionsError("codecs", "it is not an array of PayloadCodec");
  const names = new Set<string>();
  for (const [index, codec] of codecs.entries()) {
    const { name, encode, decode } = (codec ?? {}) as Partial<PayloadCodec>;
    if (typeof name !== "string" || name === "" || typeof encode !== "function" || typeof decode !== "function") {
      throw new InvalidPayloadOptionsError(`codecs[${index}]`, "it is not a PayloadCodec { name, encode, decode }");
    }
    if (names.has(name))
      throw new InvalidPayloadOptionsError(`codecs[${index}]`, `the name ${JSON.stringify(name)} is taken twice`);
    names.add(name);
  }
  return [...codecs];
}

function checkSecretFields(fields: readonly string[], codecs: readonly PayloadCodec[]): readonly string[] {
  if (!Array.isArray(fields) || fields.some((field) => typeof field !== "string" || field === "")) {
    throw new InvalidPayloadOptionsError("secretFields", "use an array of field names (non-empty strings)");
  }
  if (fields.length > 0 && !codecs.some((codec) => typeof codec.keyId === "function")) {
    throw new InvalidPayloadOptionsError(
      "secretFields",
      `fields ${fields.map((f) => JSON.stringify(f)).join(", ")} are secret, but no codec encrypts: a secret is never stored in the clear, so add one, e.g. codecs: [aesGcmCodec({ keys, current })]`,
    );
  }
  return [...new Set(fields)];
}

function isPayloadStore(value: unknown): value is PayloadStore {
  if (typeof value !== "object" || value === null) return false;
  const { put, get, delete: remove } = value as Record<string, unknown>;
  return typeof put === "function" && typeof get === "function" && typeof remove === "function";
}
