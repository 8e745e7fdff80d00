import { randomBytes } from "node:crypto";
import { aesGcmCodec, gzipCodec, type PayloadOptions } from "@replaykit/runtime";
import { SHOP_SECRET_FIELDS } from "./replay_gen.js";

/** The environment variable with the shop's payload key: 32 bytes as 64 hex digits or base64, e.g. `openssl rand -hex 32`. */
export const SHOP_PAYLOAD_KEY_ENV = "SHOP_PAYLOAD_KEY";
/** The id stored with each payload the key encrypts: a new key gets a new id (docs/payloads.md, "Key rotation"). */
export const SHOP_KEY_ID = "shop-1";

/** How the shop stores payloads, and whether its key was made up for this process. */
export interface ShopPayloads {
  /** For createClient and createTestEnv: gzip then AES-256-GCM, and the manifest's secret fields. */
  readonly options: PayloadOptions;
  /** True when SHOP_PAYLOAD_KEY was not set: the key lives only as long as this process. */
  readonly generated: boolean;
}

/**
 * The shop's payload options: every payload compressed, then encrypted with SHOP_PAYLOAD_KEY, or
 * with a key generated for this process when it is not set (fine for the demo and the tests,
 * which read their runs back in the same process; a service must set it, or it cannot read its
 * runs after a restart). The card number is a secret field (SHOP_SECRET_FIELDS, from the manifest).
 */
export function shopPayloads(env: Readonly<Record<string, string | undefined>> = process.env): ShopPayloads {
  const given = env[SHOP_PAYLOAD_KEY_ENV];
  const generated = given === undefined || given === "";
  const key = generated ? randomBytes(32).toString("hex") : given;
  const codecs = [gzipCodec(), aesGcmCodec({ keys: { [SHOP_KEY_ID]: key }, current: SHOP_KEY_ID })];
  return { options: { codecs, secretFields: SHOP_SECRET_FIELDS }, generated };
}
