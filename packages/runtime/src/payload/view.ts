import { randomBytes } from "node:crypto";
import { PayloadCodecMissingError, PayloadKeyMissingError } from "../payload-errors.js";
import type { EncodedNode, OffloadedRef } from "./encoded.js";

/*
 * Payloads for people: what an operator's tool (the inspector, the replaykit CLI) may open. A
 * client's reads decode every payload or throw; a view's reads open what it may and leave the
 * rest *sealed*: a placeholder that says what the payload is (encrypted with key k1, 3.2 KiB) in
 * the place of its value, so one encrypted payload never hides the rest of a run.
 */

/** What a view opens; everything else is sealed. */
export interface PayloadViewOptions {
  /**
   * Open payloads encrypted with a key (their node records a key id) with the client's codecs;
   * default false: they stay sealed. Compression alone (gzip) is always undone: any client can.
   */
  readonly decrypt?: boolean;
  /** Open the values of secret fields (PayloadOptions.secretFields); default false. Needs decrypt too. */
  readonly secrets?: boolean;
  /** Load offloaded payloads from the payload store; default false: they stay sealed, with their size (see PayloadView.load). */
  readonly offloaded?: boolean;
}

/**
 * Why a payload is sealed: "encrypted" (a key is needed: not asked to decrypt, or the key is
 * missing), "encoded" (a codec this client lacks), "secret" (a secret field), "offloaded" (in
 * the payload store, not loaded), "unreadable" (tampered, or its bytes are missing).
 */
export type SealReason = "encrypted" | "encoded" | "secret" | "offloaded" | "unreadable";

/** A payload a view left sealed, in the place of its value. */
export interface SealedPayload {
  readonly reason: SealReason;
  /** Size of the stored bytes (after the codecs). */
  readonly size: number;
  /** The codecs it was encoded with, in order. */
  readonly codecs: readonly string[];
  /** The key it was encrypted with. */
  readonly key?: string;
  /** Where its bytes are, when it was offloaded. */
  readonly ref?: OffloadedRef;
  /** Why it could not be opened, when it could not. */
  readonly problem?: string;
}

/** The key of a sealed payload's placeholder in decoded JSON. */
const SEALED_TAG = "$sealed";

/**
 * How a view seals: the placeholder it puts in decoded JSON carries a nonce of this view, so
 * that user data shaped like a placeholder is never taken for one.
 */
export class Sealer {
  readonly options: PayloadViewOptions;
  readonly #nonce: string;

  constructor(options: PayloadViewOptions, nonce = randomBytes(12).toString("base64url")) {
    this.options = options;
    this.#nonce = nonce;
  }

  /** A sealer that also opens what `more` allows, whose placeholders this one recognises too. */
  allowing(more: PayloadViewOptions): Sealer {
    return new Sealer({ ...this.options, ...more }, this.#nonce);
  }

  /** Why the view leaves `node` sealed without trying it; undefined when it may open it. */
  refusal(node: EncodedNode): SealReason | undefined {
    if (node.secret === true && this.options.secrets !== true) return "secret";
    if (node.key !== undefined && this.options.decrypt !== true) return "encrypted";
    if (node.ref !== undefined && this.options.offloaded !== true) return "offloaded";
    return undefined;
  }

  /** Why opening `node` failed, as a reason to seal it with. */
  failure(node: EncodedNode, error: unknown): SealReason {
    if (error instanceof PayloadKeyMissingError) return "encrypted";
    if (error instanceof PayloadCodecMissingError) return node.key === undefined ? "encoded" : "encrypted";
    return "unreadable";
  }

  /** The JSON text that stands for `node` sealed. */
  sealedText(node: EncodedNode, reason: SealReason, problem?: string): string {
    const { size, codecs, key, ref } = node;
    const sealed = {
      nonce: this.#nonce,
      reason,
      size,
      codecs,
      ...(key === undefined ? {} : { key }),
      ...(ref === undefined ? {} : { ref }),
      ...(problem === undefined ? {} : { problem }),
    };
    return JSON.stringify({ [SEALED_TAG]: sealed });
  }

  /** The sealed payload a decoded value is, if this view sealed it. */
  sealedOf(value: unknown): SealedPayload | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== SEALED_TAG) return undefined;
    const inner = (value as Record<string, unknown>)[SEALED_TAG];
    if (typeof inner !== "object" || inner === null) return undefined;
    const { nonce, ...sealed } = inner as SealedPayload & { nonce?: unknown };
    return nonce === this.#nonce ? sealed : undefined;
  }
}
