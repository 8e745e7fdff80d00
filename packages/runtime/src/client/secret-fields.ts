import type { Client } from "../api.js";
import { CodecStore } from "../payload/codec-store.js";
import { InvalidPayloadOptionsError } from "../payload-errors.js";

/**
 * Refuses a client that does not mark every one of `fields` secret (PayloadOptions.secretFields).
 * The code replaygen generates for a manifest with `secret: [...]` calls it before it starts a
 * run or a worker, so a field the manifest calls secret is never written in the clear by a
 * client created without it.
 *
 * @example
 * requireSecretFields(client, ["cardNumber"]); // throws InvalidPayloadOptionsError unless createClient({ secretFields: ["cardNumber"], codecs }) made it
 */
export function requireSecretFields(client: Client, fields: readonly string[]): void {
  const store = client.store;
  const marked = store instanceof CodecStore ? store.payloads.secretFields : [];
  const missing = fields.filter((field) => !marked.includes(field));
  if (missing.length === 0) return;
  const names = missing.map((field) => JSON.stringify(field)).join(", ");
  throw new InvalidPayloadOptionsError(
    "secretFields",
    `the manifest marks ${names} secret, but this client does not: create it with createClient(..., { codecs: [aesGcmCodec({ keys, current })], secretFields: [${fields.map((f) => JSON.stringify(f)).join(", ")}] }) (the generated <NAMESPACE>_SECRET_FIELDS)`,
  );
}
