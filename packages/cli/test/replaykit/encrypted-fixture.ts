import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { aesGcmCodec, gzipCodec, type PayloadOptions } from "@replaykit/runtime";
import { type Shop, startShop, until } from "./fixture.js";

/** The card number of the encrypted shop's order: no page or output may show it unless asked for secrets. */
export const CARD = "4000056655665556";
/** The key id and key of the encrypted shop, and the environment variable the codec config reads the key from. */
export const KEY_ID = "k1";
export const KEY = "8f".repeat(32);
export const KEY_ENV = "TEST_PAYLOAD_KEY_K1";

export const encryptedPayloads = (): PayloadOptions => ({
  codecs: [gzipCodec(), aesGcmCodec({ keys: { [KEY_ID]: KEY }, current: KEY_ID })],
  secretFields: ["cardNumber"],
});

/** A codec config file for --codec-config, its key named by environment variable. */
export function writeCodecConfig(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "replaykit-codec-")), "codecs.json");
  writeFileSync(file, JSON.stringify({ keys: { [KEY_ID]: { env: KEY_ENV } }, current: KEY_ID }));
  return file;
}

/** The CLI's shop with encrypted payloads and a secret card number, and one order shipped (run e-1). */
export async function startEncryptedShop(serverUrl: string): Promise<Shop> {
  const shop = await startShop(serverUrl, "shop", encryptedPayloads());
  const { client } = shop;
  await client.runWorkflow("shop", "order", "e-1", { cents: 4200, cardNumber: CARD });
  await until(async () => (await client.describeRun("shop", "order", "e-1"))?.waitingFor.signals.length === 1, "e-1");
  await client.signalRun("shop", "order", "e-1", "warehouseReady", { picker: "zoe" }, "evt-e1");
  await until(async () => (await client.getRun("shop", "order", "e-1"))?.status === "completed", "e-1 to complete");
  return shop;
}
