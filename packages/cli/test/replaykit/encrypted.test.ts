import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CARD, KEY, KEY_ENV, startEncryptedShop, writeCodecConfig } from "./encrypted-fixture.js";
import { replaykit, type Shop } from "./fixture.js";

let shop: Shop;
let env: Record<string, string>;
let config: string;

beforeAll(async () => {
  shop = await startEncryptedShop(inject("mysqlUrl"));
  env = { REPLAY_MYSQL_URL: shop.db.url, REPLAY_NAMESPACE: "shop" };
  config = writeCodecConfig();
});
afterAll(() => shop.close());

describe("replaykit on encrypted payloads", () => {
  it("shows an encrypted payload as its key and size without the keys, never its ciphertext", async () => {
    const shown = await replaykit(["runs", "show", "order", "e-1"], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/input\s+encrypted \(key k1, \d+(\.\d)? (B|KiB)\)/);
    expect(shown.stdout).not.toContain("4200");
    expect(shown.stdout).not.toContain(CARD);
    const json = JSON.parse((await replaykit(["runs", "show", "order", "e-1", "--json"], env)).stdout);
    expect(json.run.input).toEqual({ $sealed: expect.objectContaining({ reason: "encrypted", key: "k1" }) });
  });

  it("decodes with the keys of --codec-config, or of the file REPLAY_CODEC_CONFIG names, and still hides the secret field", async () => {
    const withKeys = { ...env, [KEY_ENV]: KEY };
    const shown = await replaykit(["runs", "show", "order", "e-1", "--codec-config", config], withKeys);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/"cents":4200/);
    expect(shown.stdout).toContain('"cardNumber":secret (hidden)');
    expect(shown.stdout).toContain('"picker": "zoe"');
    expect(shown.stdout).not.toContain(CARD);
    const fromEnv = await replaykit(["runs", "history", "order", "e-1"], { ...withKeys, REPLAY_CODEC_CONFIG: config });
    expect(fromEnv.stdout).toContain("secret (hidden)");
    expect(fromEnv.stdout).not.toContain(CARD);
  });

  it("shows the secret field only with --show-secrets too", async () => {
    const args = ["runs", "show", "order", "e-1", "--codec-config", config, "--show-secrets"];
    const shown = await replaykit(args, { ...env, [KEY_ENV]: KEY });
    expect(shown.stdout).toContain(CARD);
  });

  it("says which member of the codec config is wrong, with the file, and how to fix it", async () => {
    const unset = await replaykit(["runs", "show", "order", "e-1", "--codec-config", config], env);
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toContain(`keys.k1 names the environment variable ${KEY_ENV}, which is not set`);
    const missing = await replaykit(["runs", "list", "--codec-config", "/nonexistent/codecs.json"], env);
    expect(missing.stderr).toMatch(/cannot read the codec config \/nonexistent\/codecs\.json/);
  });
});
