import { createWorker, type Worker } from "@replaykit/runtime";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { type Shop, shopActivities, shopWorkflows, silent, startShop, until } from "../replaykit/fixture.js";
import { send } from "./send.js";

let shop: Shop;
let jobs: Worker;
let inspector: Inspector;

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  // A worker that serves queue "jobs": one start an hour, so the runs after the first wait for the window.
  jobs = createWorker({
    client: shop.client,
    namespace: "shop",
    workflows: shopWorkflows,
    activities: shopActivities,
    logger: silent,
    maxPollIntervalMs: 100,
    queues: { jobs: { concurrency: 5, keyConcurrency: 2, rateLimit: { limit: 1, period: "1h" } } },
  });
  await jobs.start();
  for (const [runId, concurrencyKey] of [
    ["q-1", "t1"],
    ["q-2", "t1"],
    ["q-3", "t2"],
  ] as const) {
    await shop.client.runWorkflow("shop", "order", runId, { cents: 1 }, { queue: "jobs", concurrencyKey });
  }
  await until(async () => {
    const counts = await shop.client.countRuns({ namespace: "shop", queue: "jobs" });
    return counts.waiting === 1 && counts.queued === 2;
  }, "one run of jobs to start and two to be held back");
  inspector = await startInspector({ client: shop.client, port: 0 });
});
afterAll(async () => {
  await inspector?.close();
  await jobs?.stop();
  await shop?.close();
});

describe("the queues page", () => {
  it("shows a queue's limits, its runs by state, the rate window and why runs are held back", async () => {
    const { status, body } = await send(inspector, "GET", "/queues?ns=shop");
    expect(status).toBe(200);
    const text = body.replace(/<[^>]+>/g, "");
    expect(text).toContain("concurrency 5 · 2 per key · 1 start per 1h 0m");
    expect(text).toContain("2 queued · 0 active · 1 waiting");
    expect(text).toMatch(/1 of 1 starts in the last 1h 0m; the oldest leaves it at \d{4}-/);
    expect(text).toMatch(/Held back:at its rate limit: 1 start in the last 1h 0m; the next start at \d{4}-/);
    expect(body).toContain('href="/?ns=shop&amp;queue=jobs&amp;status=running"');
  });

  it("shows the runs per concurrency key", async () => {
    const { body } = await send(inspector, "GET", "/queues?ns=shop&partial=1");
    const row = (key: string) =>
      (body.split(`<tr data-key="${key}">`)[1]?.split("</tr>")[0] ?? "")
        .replace(/<[^>]+>/g, " ")
        .trim()
        .split(/\s+/);
    const t1 = row("t1");
    const t2 = row("t2");
    // key, runs queued, active, waiting, attempts holding, attempts waiting: q-1 or q-2 started, q-3 (t2) waits in the queue.
    expect(t1.length + t2.length).toBe(12);
    expect(Number(t1[1]) + Number(t2[1])).toBe(2);
    expect(Number(t1[3]) + Number(t2[3])).toBe(1);
  });

  it("says so when a namespace has no queue", async () => {
    await shop.client.runWorkflow("other", "order", "o-1", { cents: 1 });
    const { body } = await send(inspector, "GET", "/queues?ns=other");
    expect(body).toContain("No queues in namespace other");
    expect(body).toContain('<option value="other" selected>other</option>');
  });
});
