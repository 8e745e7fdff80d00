/**
 * The errors of payload codecs and offloaded payloads (see payload/): part of the errors module,
 * which re-exports them. A payload that cannot be read parks its run (see worker/unreadable.ts):
 * once the key, codec or bytes are back, resumeRun replays it.
 */
import { ReplayError } from "./replay-error.js";

/** A payload was encrypted with a key this client does not have. The run is parked, not failed. */
export class PayloadKeyMissingError extends ReplayError {
  override name = "PayloadKeyMissingError";
  /** The id of the key the payload was encrypted with. */
  readonly keyId: string;
  /** The key ids the codec has. */
  readonly known: readonly string[];
  constructor(keyId: string, known: readonly string[]) {
    super(
      "PAYLOAD_KEY_MISSING",
      `a payload was encrypted with key ${JSON.stringify(keyId)}, which this client does not have (it has ${known.map((k) => JSON.stringify(k)).join(", ") || "none"}). Add the key to aesGcmCodec({ keys }) of every client and worker (keep old keys after a rotation), then resume the parked runs (resumeRun).`,
    );
    this.keyId = keyId;
    this.known = known;
  }
}

/** An encrypted payload failed authentication: it was changed after it was written. */
export class PayloadTamperedError extends ReplayError {
  override name = "PayloadTamperedError";
  readonly keyId: string;
  constructor(keyId: string, detail: string) {
    super(
      "PAYLOAD_TAMPERED",
      `a payload encrypted with key ${JSON.stringify(keyId)} failed authentication (${detail}): its stored bytes were changed after they were written, or key ${JSON.stringify(keyId)} now holds another secret than the one it was written with. Restore the row or the key; the payload is not used.`,
    );
    this.keyId = keyId;
  }
}

/** A payload was encoded with a codec this client does not have. The run is parked, not failed. */
export class PayloadCodecMissingError extends ReplayError {
  override name = "PayloadCodecMissingError";
  readonly codec: string;
  constructor(codec: string, known: readonly string[]) {
    super(
      "PAYLOAD_CODEC_MISSING",
      `a payload was encoded with codec ${JSON.stringify(codec)}, which this client does not have (it has ${known.map((k) => JSON.stringify(k)).join(", ") || "none"}). Pass it in createClient's codecs (every client and worker that reads these runs needs it).`,
    );
    this.codec = codec;
  }
}

/** The bytes of an offloaded payload are not in the payload store, or are not the bytes the reference names. */
export class PayloadMissingError extends ReplayError {
  override name = "PayloadMissingError";
  /** The SHA-256 of the bytes, as the reference names them. */
  readonly sha256: string;
  readonly runId: string;
  constructor(sha256: string, runId: string, detail: string) {
    super(
      "PAYLOAD_MISSING",
      `the offloaded payload ${sha256} of run ${runId} cannot be read: ${detail}. Give the client the payload store the run was written with (payloadStore), or restore the bytes there.`,
    );
    this.sha256 = sha256;
    this.runId = runId;
  }
}

/** createClient or createTestEnv got codecs, a payload store or limits it cannot use. */
export class InvalidPayloadOptionsError extends ReplayError {
  override name = "InvalidPayloadOptionsError";
  readonly option: string;
  constructor(option: string, reason: string) {
    super("INVALID_PAYLOAD_OPTIONS", `invalid ${option}: ${reason}`);
    this.option = option;
  }
}

/** A payload store (S3, say) refused or failed a request. Not a fault of the run: the step is tried again. */
export class PayloadStoreError extends ReplayError {
  override name = "PayloadStoreError";
  readonly operation: string;
  readonly status: number | undefined;
  constructor(store: string, operation: string, status: number | undefined, detail: string) {
    super(
      "PAYLOAD_STORE_FAILED",
      `${store} failed to ${operation}${status === undefined ? "" : ` (HTTP ${status})`}: ${detail}. Check the store's endpoint, bucket and credentials; the write is tried again.`,
    );
    this.operation = operation;
    this.status = status;
  }
}
