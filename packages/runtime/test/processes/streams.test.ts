import { describe, expect, it } from "vitest";
import type { StreamChunk } from "../../src/index.js";
import { waitFor } from "../support/helpers.js";
import { WorkerProcess } from "./children.js";
import type { ChildConfig } from "./config.js";
import { useProcessDatabase } from "./setup.js";
import { auditChunks } from "./stream-checks.js";

const LEASE_MS = 1500;

const env = useProcessDatabase();

function config(namespace: string, identity: string): ChildConfig {
  return { url: env.db.url, namespace, identity, leaseMs: LEASE_MS };
}

/** Follows a stream in this process (polling: the writers are in other processes) until it ends. */
function follow(namespace: string, runId: string, key: string) {
  const chunks: StreamChunk[] = [];
  const done = (async () => {
    for await (const chunk of env.client.readStream(namespace, "answer", runId, key, { follow: true })) {
      chunks.push(chunk);
    }
  })();
  return { chunks, done };
}

const tokensOf = (seq: number, n: number) => Array.from({ length: n }, (_, i) => `${seq}:${i}`);

describe("streams written in worker processes", { timeout: 120_000 }, () => {
  it("reach a reader in another process at dense offsets, each of four parallel writers in its own order", async () => {
    const ns = "stream-procs";
    const worker = await WorkerProcess.start(config(ns, "w0"));
    await env.client.runWorkflow(ns, "answer", "p1", { n: 150, pauseMs: 0, writers: 4 });
    const reader = follow(ns, "p1", "answer");
    await reader.done;
    expect(await env.client.awaitResult(ns, "answer", "p1", { timeout: "30s" })).toBe(600);
    const audit = auditChunks(reader.chunks);
    expect(audit).toMatchObject({ dense: true, resets: 0, duplicates: [] });
    expect(reader.chunks).toHaveLength(600);
    for (const seq of [0, 1, 2, 3]) {
      const own = reader.chunks.map((chunk) => chunk.value).filter((value) => String(value).startsWith(`${seq}:`));
      expect(own).toEqual(tokensOf(seq, 150));
    }
    expect((await worker.terminate()).code).toBe(0);
    expect(worker.unhandled).toEqual([]);
  });

  it("rewind a SIGKILLed worker's attempt with a reset before the next attempt's chunks, never a chunk twice", async () => {
    const ns = "stream-kill";
    const first = await WorkerProcess.start(config(ns, "w0"));
    await env.client.runWorkflow(ns, "answer", "k1", { n: 80, pauseMs: 20, writers: 1 });
    const reader = follow(ns, "k1", "answer");
    await waitFor(() => reader.chunks.length >= 15, 30_000, "15 chunks of the first attempt");
    expect((await first.kill()).signal).toBe("SIGKILL");
    const second = await WorkerProcess.start(config(ns, "w1"));
    await reader.done;
    expect(await env.client.awaitResult(ns, "answer", "k1", { timeout: "30s" })).toBe(80);

    const audit = auditChunks(reader.chunks);
    expect(audit).toMatchObject({ dense: true, duplicates: [] });
    expect(audit.surviving).toEqual(tokensOf(0, 80));
    const reset = reader.chunks.findIndex((chunk) => chunk.reset);
    expect(reader.chunks[reset]).toEqual({ offset: reset, value: undefined, attempt: 1, reset: true });
    expect(reader.chunks.slice(0, reset).every((chunk) => chunk.attempt === 1)).toBe(true);
    expect(reader.chunks.slice(reset + 1).every((chunk) => chunk.attempt === 2)).toBe(true);
    expect((await second.terminate()).code).toBe(0);
    expect(second.unhandled).toEqual([]);
  });
});
