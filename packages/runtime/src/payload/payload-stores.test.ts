import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidPayloadOptionsError, PayloadStoreError } from "../errors.js";
import { filePayloadStore } from "./file-store.js";
import { FAKE_S3_CREDENTIALS, type FakeS3, startFakeS3 } from "./fixtures/fake-s3.js";
import { type PayloadStore, runFolder, sha256Hex } from "./payload-store.js";
import { s3PayloadStore } from "./s3-store.js";

const run = { namespace: "shop", workflow: "order", runId: "o-1" };
const other = { namespace: "shop", workflow: "order", runId: "o-2" };
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text));

/** The contract of every PayloadStore: put, get, and delete by run. */
function behavesAsAPayloadStore(make: () => PayloadStore): void {
  it("gives back what was put under a ref, undefined for what was not, and takes the same put twice", async () => {
    const store = make();
    const bytes = bytesOf("a payload €");
    const ref = { ...run, id: sha256Hex(bytes) };
    await store.put(ref, bytes);
    await store.put(ref, bytes);
    expect(Buffer.from((await store.get(ref)) ?? []).toString()).toBe("a payload €");
    expect(await store.get({ ...other, id: ref.id })).toBeUndefined();
    expect(await store.get({ ...run, id: sha256Hex(bytesOf("never put")) })).toBeUndefined();
  });

  it("deletes every payload of a run, and only of that run", async () => {
    const store = make();
    const refs = ["one", "two", "three"].map((text) => ({ ...run, id: sha256Hex(bytesOf(text)), text }));
    for (const ref of refs) await store.put(ref, bytesOf(ref.text));
    const kept = { ...other, id: sha256Hex(bytesOf("kept")) };
    await store.put(kept, bytesOf("kept"));
    await store.delete(run);
    for (const ref of refs) expect(await store.get(ref)).toBeUndefined();
    expect(await store.get(kept)).toBeDefined();
    await store.delete(run);
  });
}

describe("filePayloadStore", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "replaykit-payloads-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  behavesAsAPayloadStore(() => filePayloadStore(dir));

  it("keeps a run's payloads in one folder named by the digest of its key, whatever its names hold", async () => {
    const store = filePayloadStore(dir);
    const odd = { namespace: "..", workflow: "a\\b", runId: "x".repeat(255) };
    const bytes = bytesOf("odd names");
    await store.put({ ...odd, id: sha256Hex(bytes) }, bytes);
    expect(await readdir(join(dir, runFolder(odd)))).toEqual([sha256Hex(bytes)]);
  });
});

describe("s3PayloadStore against a fake S3", () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3();
  });
  afterAll(async () => {
    await s3.close();
  });
  const store = (prefix = "replaykit/") =>
    s3PayloadStore({ endpoint: s3.endpoint, bucket: "payloads", prefix, ...FAKE_S3_CREDENTIALS });

  behavesAsAPayloadStore(() => store());

  it("stores objects as <prefix><run folder>/<sha256>, with signed requests", async () => {
    const bytes = bytesOf("signed");
    await store("p/").put({ ...run, id: sha256Hex(bytes) }, bytes);
    expect(s3.objects.get(`payloads/p/${runFolder(run)}/${sha256Hex(bytes)}`)?.toString()).toBe("signed");
  });

  it("says which request failed and why when the service refuses it", async () => {
    const wrong = s3PayloadStore({
      endpoint: s3.endpoint,
      bucket: "payloads",
      ...FAKE_S3_CREDENTIALS,
      secretAccessKey: "x",
    });
    const error = await wrong.put({ ...run, id: "00" }, bytesOf("x")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadStoreError);
    expect((error as Error).message).toMatch(
      /the S3 bucket payloads at 127\.0\.0\.1:\d+ failed to store a payload \(HTTP 403\): .*signature does not match/,
    );
    expect(() => s3PayloadStore({ endpoint: s3.endpoint, bucket: "", accessKeyId: "a", secretAccessKey: "b" })).toThrow(
      InvalidPayloadOptionsError,
    );
  });
});
