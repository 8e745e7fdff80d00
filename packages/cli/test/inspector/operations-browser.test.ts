import { mkdirSync } from "node:fs";
import path from "node:path";
import { createWorker, type RunContext, type Worker } from "@replaykit/runtime";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { type Shop, shopActivities, shopWorkflows, silent, startShop, until } from "../replaykit/fixture.js";
import { ARTIFACTS, type Browser, launchChromium } from "./browser.js";

let shop: Shop;
let more: Worker;
let inspector: Inspector;
let browser: Browser;
let page: Page;

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const at = (pathAndQuery: string) => new URL(pathAndQuery, inspector.url).toString();

/** The shop's workflows, and a parent that waits for a child that starts a grandchild. */
const workflows = {
  ...shopWorkflows,
  root: async (ctx: RunContext) => ctx.runChild("mid", `${ctx.runId}-mid`, null),
  mid: async (ctx: RunContext) => {
    await ctx.startChild("leaf", `${ctx.runId}-leaf`, null);
    return ctx.awaitSignal("go", "1h");
  },
  leaf: async () => "leaf",
};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  shop = await startShop(inject("mysqlUrl"));
  // Serves queue "jobs" (one start an hour: the runs after the first are held back) and the family.
  more = createWorker({
    client: shop.client,
    namespace: "shop",
    workflows,
    activities: shopActivities,
    logger: silent,
    maxPollIntervalMs: 100,
    cacheSize: 0,
    queues: { jobs: { concurrency: 4, rateLimit: { limit: 1, period: "1h" } } },
  });
  await more.start();
  const { client } = shop;
  await client.runWorkflow("shop", "order", "op-pause", { cents: 1 });
  for (const n of [1, 2, 3]) await client.runWorkflow("shop", "broken", `broken-${n}`, null);
  for (const n of [1, 2]) await client.runWorkflow("shop", "order", `job-${n}`, { cents: n }, { queue: "jobs" });
  await client.runWorkflow("shop", "root", "fam", null);
  await client.createSchedule("shop", {
    id: "nightly",
    workflow: "order",
    cron: "0 3 * * *",
    timezone: "Europe/Paris",
    input: { cents: 5 },
  });
  await until(async () => (await client.countRuns({ namespace: "shop" })).statuses.stuck === 3, "three stuck runs");
  await until(async () => (await client.getRun("shop", "leaf", "fam-mid-leaf"))?.status === "completed", "the leaf");
  inspector = await startInspector({ client, port: 0 });
  browser = await launchChromium();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await inspector?.close();
  await more?.stop();
  await shop?.close();
});

describe("the inspector's operations in Chromium", () => {
  it("refuses pause and schedule actions without the token, then pauses with it", async () => {
    await page.goto(at("/run?ns=shop&wf=order&id=op-pause"));
    await page.getByRole("button", { name: "Pause run" }).click();
    await page.locator("#action-result.failed", { hasText: "a valid token is needed" }).waitFor();
    await page.goto(at("/schedules?ns=shop"));
    await page.getByRole("button", { name: "Trigger" }).click();
    await page.locator("#action-result.failed", { hasText: "a valid token is needed" }).waitFor();
    expect((await shop.client.getRun("shop", "order", "op-pause"))?.paused).toBe(false);
    expect((await shop.client.listSchedules("shop"))[0]?.lastRunId).toBeUndefined();
    await page.goto(at("/run?ns=shop&wf=order&id=op-pause"));
    await page.fill("#token", inspector.token);
    await page.getByRole("button", { name: "Pause run" }).click();
    await page.locator("#action-result.ok", { hasText: "paused" }).waitFor();
    await page.getByRole("button", { name: "Unpause run" }).waitFor();
    await shot("run-controls");
    expect((await shop.client.getRun("shop", "order", "op-pause"))?.paused).toBe(true);
  });

  it("shows the schedules page, triggers a schedule and links its run", async () => {
    await page.goto(at("/schedules?ns=shop"));
    const row = page.locator('tr[data-schedule="nightly"]');
    expect(await row.innerText()).toMatch(
      /0 3 \* \* \*\s+Europe\/Paris\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+-\s+active/,
    );
    await page.getByRole("button", { name: "Trigger" }).click();
    await page.locator("#action-result.ok", { hasText: "schedule nightly triggered" }).waitFor();
    await row.locator("td.last-run a").waitFor();
    await shot("schedules");
    await row.locator("td.last-run a").click();
    await page.waitForURL(/id=nightly%40/);
  });

  it("shows the queues page with the runs held back by the rate limit", async () => {
    await until(
      async () => (await shop.client.countRuns({ namespace: "shop", queue: "jobs" })).queued === 1,
      "a job held back",
    );
    await page.goto(at("/queues?ns=shop"));
    const jobs = page.locator('section.queue[data-queue="jobs"]');
    expect(await jobs.locator(".queue-runs").innerText()).toBe("1 queued · 0 active · 1 waiting");
    expect(await jobs.locator(".held-back").innerText()).toMatch(/at its rate limit: 1 start in the last 1h 0m/);
    await shot("queues");
  });

  it("shows a run's parent and children as a tree to navigate", async () => {
    await page.goto(at("/run?ns=shop&wf=mid&id=fam-mid"));
    const tree = page.locator("ul.tree");
    expect(await tree.innerText()).toMatch(
      /root\/fam running\s+mid\/fam-mid running this run\s+leaf\/fam-mid-leaf completed started/,
    );
    await shot("run-tree");
    await tree.getByRole("link", { name: "leaf/fam-mid-leaf" }).click();
    await page.waitForURL(/wf=leaf&id=fam-mid-leaf/);
    await page.locator("ul.tree").getByRole("link", { name: "root/fam" }).click();
    await page.waitForURL(/wf=root&id=fam$/);
  });

  it("groups the stuck runs by error in the triage view", async () => {
    await page.goto(at("/triage?ns=shop"));
    const group = page.locator("tr.error-group", { hasText: "NonDeterminismError" });
    expect(await group.locator("td").first().innerText()).toBe("3");
    await shot("triage");
    await group.getByRole("link", { name: /all stuck broken runs/ }).click();
    await page.waitForURL(/status=stuck/);
    expect(await page.locator("table.runs tbody tr").count()).toBe(3);
  });

  it("cancels 50 runs from a filtered list after a confirmation with the count, with a progress bar", async () => {
    for (let i = 0; i < 50; i++)
      await shop.client.runWorkflow("shop", "order", `bulk-${String(i).padStart(2, "0")}`, { cents: i });
    await page.goto(at("/?ns=shop&prefix=bulk-"));
    await page.locator("details#bulk > summary").click();
    await page.selectOption("#bulk-action", "cancel");
    await page.getByRole("button", { name: "Review" }).click();
    await page.locator("#bulk-question", { hasText: "cancel 50 runs that these filters select?" }).waitFor();
    await shot("bulk-confirm");
    expect((await shop.client.countRuns({ namespace: "shop" })).statuses.cancelled ?? 0).toBe(0);
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.locator("#bulk-status", { hasText: "50 of 50: 50 done, 0 skipped, 0 failed (finished)" }).waitFor();
    expect(
      await page
        .locator("#bulk-bar")
        .evaluate((bar) => [(bar as unknown as { value: number }).value, (bar as unknown as { max: number }).max]),
    ).toEqual([50, 50]);
    await page.locator("#action-result.ok", { hasText: "bulk cancel finished: 50 done" }).waitFor();
    await shot("bulk-done");
    await until(
      async () => (await shop.client.countRuns({ namespace: "shop" })).statuses.cancelled === 50,
      "50 runs cancelled",
    );
    expect((await shop.client.getRun("shop", "order", "op-pause"))?.status).toBe("running");
  });
});
