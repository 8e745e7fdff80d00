import { beforeAll, describe, expect, it } from "vitest";
import type { QueueOptions } from "../../src/api.js";
import { WorkerProcess } from "./children.js";
import { useProcessDatabase } from "./setup.js";
import { createSpansTable, maxOverlap, spansOf } from "./spans.js";

const env = useProcessDatabase();

beforeAll(async () => {
  await createSpansTable(env.db.pool);
});

/**
 * Two workers of `concurrency` runs each (a `mailer` run holds one `mail` attempt at a time),
 * both serving activity queue "mail" with `limits`.
 */
async function workers(namespace: string, limits: QueueOptions, concurrency = 4) {
  return Promise.all(
    [0, 1].map((i) =>
      WorkerProcess.start({
        url: env.db.url,
        namespace,
        identity: `${namespace}-w${i}`,
        leaseMs: 1500,
        concurrency,
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
    // Each worker runs at most 2 attempts at once and both together 4: 3 at once is reached only
    // with both taking part, and more than 3 only if the queue's limit is not held across them.
    const procs = await workers("aqc", { concurrency: 3 }, 2);
    await mailAll("aqc", 24, 150);
    const spans = await spansOf(env.db.pool, "aqc-");
    expect(spans).toHaveLength(24);
    const open = (span: (typeof spans)[number]) => ({ ...span, endedAt: span.endedAt ?? Number.POSITIVE_INFINITY });
    expect(maxOverlap(spans.map(open))).toBe(3);
    for (const worker of ["aqc-w0", "aqc-w1"]) {
      expect(maxOverlap(spans.filter((span) => span.worker === worker).map(open))).toBeLessThanOrEqual(2);
    }
    expect(new Set(spans.map((span) => span.worker))).toEqual(new Set(["aqc-w0", "aqc-w1"]));
    for (const proc of procs) expect((await proc.terminate()).code).toBe(0);
  });

  it("start at most rateLimit attempts per sliding window, across two workers", async () => {
    const procs = await workers("aqr", { rateLimit: { limit: 4, period: "1s" } });
    await mailAll("aqr", 16, 0);
    const starts = (await spansOf(env.db.pool, "aqr-")).map((span) => span.startedAt).sort((a, b) => a - b);
    expect(starts).toHaveLength(16);
    // Slots are granted at most 4 a second; each attempt writes its start a little after its
    // grant (on a loaded machine up to a few hundred ms), so the 5th start after any start is
    // at least the period after it, less that delay. Without the limit all 16 start at once.
    for (let i = 0; i + 4 < starts.length; i++) {
      expect((starts[i + 4] ?? 0) - (starts[i] ?? 0)).toBeGreaterThanOrEqual(1000 - 300);
    }
    expect((starts[12] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(3 * 1000 - 300);
    for (const proc of procs) expect((await proc.terminate()).code).toBe(0);
  });
});
