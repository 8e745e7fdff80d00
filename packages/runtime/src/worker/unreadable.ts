import {
  CorruptPayloadError,
  PayloadCodecMissingError,
  PayloadKeyMissingError,
  PayloadMissingError,
  PayloadTamperedError,
} from "../errors.js";

/**
 * True for an error that says a stored payload of the run cannot be read: corrupt, encoded with
 * a key or codec this worker lacks, tampered with, or offloaded bytes missing. Trying again
 * would not help, and failing the run would lose it: the run is parked (stuck), so that it is
 * resumed once the key, codec or bytes are back.
 */
export function isUnreadablePayload(error: unknown): boolean {
  return (
    error instanceof CorruptPayloadError ||
    error instanceof PayloadKeyMissingError ||
    error instanceof PayloadCodecMissingError ||
    error instanceof PayloadTamperedError ||
    error instanceof PayloadMissingError
  );
}
