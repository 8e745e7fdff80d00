import { beforeAll, describe, expect, it } from "vitest";
import type { QueueOptions } from "../../src/api.js";
import { WorkerProcess } from "./children.js";
import { useProcessDatabase } from "./setup.js";
import { createSpansTable, maxOverlap, spansOf } from "./spans.js";

const env = useProcessDatabase();

beforeAll(async () => {
  await createSpansTable(env.db.pool);
});

/** Two workers of 4 runs each, both serving activity queue "mail" with `limits`. */
async function workers(namespace: string, limits: QueueOptions) {
  return Promise.all(
    [0, 1].map((i) =>
      WorkerProcess.start({
        url: env.db.url,
        namespace,
        identity: `${namespace}-w${i}`,
        leaseMs: 1500,
        concurrency: 4,
        queues: { mail: limits },
      }),
    ),
  );
}

async function mailAll(namespace: string, count: number, ms: number): Promise<void> {
  const ids = Array.from({ length: count }, (_, i) => `${namespace}-${String(i).padStart(3, "0")}`);
  for (const id of ids) await env.client.runWorkflow(namespace, "mailer", id, { ms, key: "k" });
  for (const id of ids) await env.client.awaitResult(namespace, "mailer", id, { timeout: "60s" });
}

describe("activity queues across worker processes", { timeout: 180_000 }, () => {
  it("never run more than `concurrency` attempts at once, across two workers", async () => {
    const procs = await workers("aqc", { concurrency: 2 });
    await mailAll("aqc", 24, 150);
    const spans = await spansOf(env.db.pool, "aqc-");
    expect(spans).toHaveLength(24);
    expect(maxOverlap(spans.map((span) => ({ ...span, endedAt: span.endedAt ?? Number.POSITIVE_INFINITY })))).toBe(2);
    expect(new Set(spans.map((span) => span.worker)).size).toBe(2);
    for (const proc of procs) expect((await proc.terminate()).code).toBe(0);
  });

  it("start at most rateLimit attempts per sliding window, across two workers", async () => {
    const procs = await workers("aqr", { rateLimit: { limit: 4, period: "1s" } });
    await mailAll("aqr", 16, 0);
    const starts = (await spansOf(env.db.pool, "aqr-")).map((span) => span.startedAt);
    expect(starts).toHaveLength(16);
    // A slot is granted a few ms before its attempt writes its start: 50 ms of that jitter is allowed.
    for (const at of starts) {
      expect(starts.filter((other) => other >= at && other < at + 950).length).toBeLessThanOrEqual(4);
    }
    for (const proc of procs) expect((await proc.terminate()).code).toBe(0);
  });
});
