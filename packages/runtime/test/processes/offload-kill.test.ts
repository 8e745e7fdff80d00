import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type EncodedNode, filePayloadStore, type MySqlClient } from "../../src/index.js";
import { runFolder } from "../../src/payload/payload-store.js";
import { waitFor } from "../support/helpers.js";
import type { OffloadConfig } from "./offload-main.js";
import { useProcessDatabase } from "./setup.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..", "..", "..", "..");
const run = { namespace: "offload-kill", workflow: "report", runId: "r-1" };

const env = useProcessDatabase();
let dir = "";
let client: MySqlClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "replaykit-offload-kill-"));
  client = createClient({ pool: env.db.pool }, { payloadStore: filePayloadStore(dir), offloadAbove: 1024 });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

/** Starts offload-main.ts and resolves with the process and its stdout so far, once it is ready. */
async function start(identity: string, hangAfterPut: boolean): Promise<{ child: ChildProcess; out: () => string }> {
  const config: OffloadConfig = { url: env.db.url, dir, identity, leaseMs: 1500, hangAfterPut };
  const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "offload-main.ts")], {
    cwd: REPO_ROOT,
    env: { ...process.env, REPLAYKIT_OFFLOAD: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  let out = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    out += chunk;
  });
  await waitFor(() => out.includes("READY"), 60_000, `worker ${identity} to start`);
  return { child, out: () => out };
}

/** The offloaded payloads the run's stored events refer to. */
async function references(): Promise<string[]> {
  const events = await client.getHistory(run.namespace, run.workflow, run.runId, { raw: true, iteration: "all" });
  return events.flatMap((event) => {
    const node = (event.payload as { $encoded?: EncodedNode } | null)?.$encoded;
    return node?.ref ? [node.ref.sha256] : [];
  });
}

const filesOfRun = () => readdir(path.join(dir, runFolder(run))).catch(() => [] as string[]);

describe("a worker SIGKILLed between writing offloaded bytes and committing the step", { timeout: 120_000 }, () => {
  it("leaves no reference to missing bytes; the next worker finishes the run, and purge reclaims the orphan", async () => {
    const killed = await start("killed", true);
    await client.runWorkflow(run.namespace, run.workflow, run.runId, null);
    await waitFor(() => killed.out().includes("PUT_DONE"), 60_000, "the offloaded bytes to be written");
    const exited = new Promise((resolve) => killed.child.once("exit", resolve));
    killed.child.kill("SIGKILL");
    await exited;
    const orphan = /PUT_DONE ([0-9a-f]{64})/.exec(killed.out())?.[1];
    expect(await filesOfRun()).toEqual([orphan]);
    expect(await references()).toEqual([]);

    await start("survivor", false);
    expect(await client.awaitResult(run.namespace, run.workflow, run.runId, { timeout: "60s" })).toBe(36 + 1 + 4000);
    const referenced = await references();
    expect(referenced).toHaveLength(1);
    const files = await filesOfRun();
    for (const sha256 of referenced) expect(files).toContain(sha256);
    expect(files.sort()).toEqual([orphan, ...referenced].sort());

    expect(await client.purgeRuns(run.namespace, { endedBefore: new Date(Date.now() + 60_000) })).toBe(1);
    expect(await filesOfRun()).toEqual([]);
  });
});
