import { CorruptPayloadError, PayloadCodecMissingError, PayloadMissingError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { parseStoredPayload } from "../json.js";
import {
  ENCODED_MARK,
  ENCODED_VERSION,
  type EncodedNode,
  encodedNodeOf,
  encodedText,
  holdsEncoded,
  type OffloadedRef,
} from "./encoded.js";
import type { ResolvedPayloadOptions } from "./options.js";
import { sha256Hex } from "./payload-store.js";
import { type PayloadViewOptions, Sealer } from "./view.js";
import { isEscapedKey } from "./wire.js";

/** Encoded payloads inside encoded payloads are opened this deep at most (a secret field inside a payload is 2). */
const MAX_NESTING = 8;

/**
 * What a client does to payload text on its way to the store and back (docs/payloads.md):
 * secret fields encoded on their own, then the codecs in order, then the bytes inline or, above
 * `offloadAbove`, in the payload store (written before the text that references them is). Text
 * stays as it is when there is nothing to do: no codecs, no secret field, and small.
 */
export class PayloadPipeline {
  readonly #options: ResolvedPayloadOptions;
  readonly #names: readonly string[];
  /** Each secret field with how its key appears in stored JSON text. */
  readonly #secrets: readonly { readonly field: string; readonly mark: string }[];
  /** Below this many UTF-16 units, text cannot be over offloadAbove bytes of UTF-8. */
  readonly #smallBelow: number;
  /** Set on a view (see viewing): what it may not open is sealed instead of read. */
  readonly sealer: Sealer | undefined;

  constructor(options: ResolvedPayloadOptions, sealer?: Sealer) {
    this.#options = options;
    this.sealer = sealer;
    this.#names = options.codecs.map((codec) => codec.name);
    this.#secrets = options.secretFields.map((field) => ({
      field,
      mark: `${JSON.stringify(isEscapedKey(field) ? `$${field}` : field)}:`,
    }));
    // Nothing is large without a payload store to offload to.
    this.#smallBelow = options.payloadStore === undefined ? Number.POSITIVE_INFINITY : options.offloadAbove / 3;
  }

  /**
   * The same pipeline for an operator's tool: it writes as this one, and reads what `options`
   * allow, sealing the rest (see payload/view.ts) instead of throwing.
   */
  viewing(options: PayloadViewOptions | Sealer): PayloadPipeline {
    return new PayloadPipeline(this.#options, options instanceof Sealer ? options : new Sealer(options));
  }

  /** The field names whose values are encoded on their own (PayloadOptions.secretFields). */
  get secretFields(): readonly string[] {
    return this.#options.secretFields;
  }

  /** True when `text` is stored as it is: no codec (secret fields need one too), and not large. */
  passes(text: string): boolean {
    return this.#options.codecs.length === 0 && !this.#large(text);
  }

  /**
   * The stored text of payload text of run `owner`: encoded, and its bytes offloaded under
   * `owner` when `offload` and they are large.
   */
  async encode(text: string, owner: RunKey, offload = true): Promise<string> {
    if (this.#options.codecs.length === 0 && (!offload || !this.#large(text))) return text;
    const plain = this.#secrets.length > 0 ? await this.#encodeSecrets(text) : text;
    const { node, bytes } = await this.#applyCodecs(plain);
    const store = this.#options.payloadStore;
    if (!offload || store === undefined || bytes.length <= this.#options.offloadAbove) {
      return encodedText({ ...node, data: base64(bytes) });
    }
    const sha256 = sha256Hex(bytes);
    // The bytes first: a reference is written only after what it names.
    await store.put({ ...owner, id: sha256 }, bytes);
    return encodedText({ ...node, ref: { workflow: owner.workflow, runId: owner.runId, sha256 } });
  }

  /**
   * The payload text that stored text stands for, every encoded payload in it decoded. `reader`
   * is the run whose row it is: an offloaded payload is looked for under the run that wrote it,
   * then under the reader (a fork keeps copies of its source's).
   */
  async decode(text: string, reader: RunKey | undefined, depth = 0): Promise<string> {
    if (!holdsEncoded(text)) return text;
    const where = `a payload of run ${reader?.runId ?? "-"}`;
    if (depth >= MAX_NESTING) throw new CorruptPayloadError(where, new Error("encoded payloads are nested too deep"));
    const parsed = parseStoredPayload(text, where);
    const node = text.startsWith(ENCODED_MARK) ? encodedNodeOf(parsed) : undefined;
    // A whole encoded payload (the common case): its decoded text, exactly as it was written.
    if (node) return this.#openNode(node, reader, depth);
    // Encoded payloads inside other JSON (a child's result in its parent's inbox, a secret field).
    return JSON.stringify(await this.#openWithin(parsed, reader, depth));
  }

  /** The offloaded payloads `text` refers to, as stored (for copying them to a fork). */
  offloadedIn(value: unknown, found: OffloadedRef[] = []): OffloadedRef[] {
    const node = encodedNodeOf(value);
    if (node?.ref) found.push(node.ref);
    else if (typeof value === "object" && value !== null) {
      for (const item of Object.values(value)) this.offloadedIn(item, found);
    }
    return found;
  }

  /** The bytes of an offloaded payload, checked against their hash; looked for under the run that wrote them, then `reader`. */
  async fetch(ref: OffloadedRef, reader: RunKey | undefined): Promise<Uint8Array> {
    const store = this.#options.payloadStore;
    const namespace = reader?.namespace;
    if (store === undefined || namespace === undefined) {
      throw new PayloadMissingError(
        ref.sha256,
        ref.runId,
        "this client has no payload store (offloadAbove: Infinity?)",
      );
    }
    const owner = { namespace, workflow: ref.workflow, runId: ref.runId, id: ref.sha256 };
    let bytes = await store.get(owner);
    if (bytes === undefined && reader && (reader.workflow !== ref.workflow || reader.runId !== ref.runId)) {
      bytes = await store.get({ ...reader, id: ref.sha256 });
    }
    if (bytes === undefined) {
      throw new PayloadMissingError(ref.sha256, ref.runId, `it is not in ${store.description ?? "the payload store"}`);
    }
    if (sha256Hex(bytes) !== ref.sha256) {
      throw new PayloadMissingError(ref.sha256, ref.runId, "the stored bytes do not match their hash");
    }
    return bytes;
  }

  /** Copies offloaded bytes of another run to `target`, which refers to them too (a fork). */
  async copyTo(ref: OffloadedRef, target: RunKey): Promise<void> {
    const bytes = await this.fetch(ref, target);
    await this.#options.payloadStore?.put({ ...target, id: ref.sha256 }, bytes);
  }

  #large(text: string): boolean {
    return text.length > this.#smallBelow && Buffer.byteLength(text, "utf8") > this.#options.offloadAbove;
  }

  /** The payload text an encoded node stands for, decoded further; on a view, sealed where it may not or cannot be opened. */
  async #openNode(node: EncodedNode, reader: RunKey | undefined, depth: number): Promise<string> {
    const sealer = this.sealer;
    if (sealer === undefined) return this.decode(await this.#open(node, reader), reader, depth + 1);
    const refusal = sealer.refusal(node);
    if (refusal !== undefined) return sealer.sealedText(node, refusal);
    try {
      return await this.decode(await this.#open(node, reader), reader, depth + 1);
    } catch (error) {
      return sealer.sealedText(node, sealer.failure(node, error), (error as Error).message ?? String(error));
    }
  }

  /** The UTF-8 JSON text an encoded node stands for. */
  async #open(node: EncodedNode, reader: RunKey | undefined): Promise<string> {
    let bytes: Uint8Array;
    if (node.data !== undefined) bytes = Buffer.from(node.data, "base64");
    else if (node.ref !== undefined) bytes = await this.fetch(node.ref, reader);
    else throw new PayloadMissingError("-", reader?.runId ?? "-", "an encoded payload has neither data nor ref");
    for (const name of [...node.codecs].reverse()) {
      const codec = this.#options.decoders.get(name);
      if (codec === undefined) throw new PayloadCodecMissingError(name, [...this.#options.decoders.keys()]);
      bytes = await codec.decode(bytes);
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  }

  /** `value` (parsed JSON) with every encoded node in it replaced by the JSON it stands for. */
  async #openWithin(value: unknown, reader: RunKey | undefined, depth: number): Promise<unknown> {
    if (typeof value !== "object" || value === null) return value;
    const node = encodedNodeOf(value);
    if (node) return JSON.parse(await this.#openNode(node, reader, depth)) as unknown;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) setOwn(record, key, await this.#openWithin(record[key], reader, depth));
    return record;
  }

  /** Text with the value of every secret field encoded on its own (see PayloadOptions.secretFields). */
  async #encodeSecrets(text: string): Promise<string> {
    const present = this.#secrets.filter((secret) => text.includes(secret.mark));
    if (present.length === 0) return text;
    const keys = new Set(present.map((secret) => (isEscapedKey(secret.field) ? `$${secret.field}` : secret.field)));
    const tree: unknown = JSON.parse(text);
    await this.#encodeFields(tree, keys);
    return JSON.stringify(tree);
  }

  async #encodeFields(value: unknown, keys: ReadonlySet<string>): Promise<void> {
    if (typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) await this.#encodeFields(item, keys);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (keys.has(key)) setOwn(record, key, { $encoded: await this.#secretNode(JSON.stringify(item)) });
      else await this.#encodeFields(item, keys);
    }
  }

  /** A secret field's value, encoded with the codecs and kept inline (never offloaded: it is small). */
  async #secretNode(text: string): Promise<EncodedNode> {
    const { node, bytes } = await this.#applyCodecs(text);
    return { ...node, data: base64(bytes), secret: true };
  }

  /** The bytes of `text` through every codec in order, and the node that records them (without the bytes). */
  async #applyCodecs(text: string): Promise<{ node: EncodedNode; bytes: Uint8Array }> {
    let bytes: Uint8Array = Buffer.from(text, "utf8");
    let key: string | undefined;
    for (const codec of this.#options.codecs) {
      bytes = await codec.encode(bytes);
      key = codec.keyId?.(bytes) ?? key;
    }
    const keyPart = key === undefined ? {} : { key };
    return { node: { v: ENCODED_VERSION, codecs: this.#names, ...keyPart, size: bytes.length }, bytes };
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Sets an own member, also one named "__proto__" (which JSON.parse makes an own member too). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
