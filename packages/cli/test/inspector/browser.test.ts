import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Shop, startShop, until } from "../replaykit/fixture.js";
import { ARTIFACTS, type Browser, launchChromium } from "./browser.js";
import { startUi, type UiProcess } from "./ui-process.js";

const XSS = '<script>window.__xss = 1</script><img src="x" onerror="window.__xss = 2">';

let shop: Shop;
let ui: UiProcess;
let browser: Browser;
let page: Page;

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const runUrl = (workflow: string, runId: string) => `${ui.url}run?ns=shop&wf=${workflow}&id=${runId}`;
const awaiting = (runId: string) => async () =>
  (await shop.client.describeRun("shop", "order", runId))?.waitingFor.signals.length === 1;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  shop = await startShop(inject("mysqlUrl"));
  const { client } = shop;
  await client.runWorkflow("shop", "order", "order-live", { cents: 1999 });
  await client.runWorkflow("shop", "order", "order-cancel", { cents: 500 });
  await client.runWorkflow("shop", "order", "order-xss", { cents: 1, note: XSS });
  await client.runWorkflow("shop", "broken", "broken-1", null);
  await client.runWorkflow("shop", "flaky", "flaky-1", null);
  await until(async () => (await client.getRun("shop", "broken", "broken-1"))?.status === "stuck", "a stuck run");
  for (const runId of ["order-live", "order-cancel", "order-xss"]) await until(awaiting(runId), `${runId} to wait`);
  ui = await startUi(shop.db.url);
  browser = await launchChromium();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await shop?.close();
});

describe("the inspector in Chromium", () => {
  it("lists runs with counts per status, and filters to the stuck ones", async () => {
    await page.goto(ui.url);
    expect(await page.locator("table.runs tbody tr").count()).toBe(5);
    expect(await page.locator(".count-row").innerText()).toMatch(/stuck\s*1/);
    await shot("runs");
    await page.selectOption("#filter-status", "stuck");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=stuck/);
    expect(await page.locator("table.runs tbody tr").allInnerTexts()).toEqual([expect.stringMatching(/broken-1/)]);
    await shot("runs-stuck");
    await page.getByRole("link", { name: "broken-1" }).click();
    await page.waitForURL(/id=broken-1/);
    expect(await page.locator("section.error").innerText()).toMatch(
      /NonDeterminismError: run broken-1: command charge#0 disagrees/,
    );
  });

  it("shows a run started elsewhere on the runs page without a reload", async () => {
    await page.goto(ui.url);
    await page.locator("#live-state", { hasText: "live" }).waitFor();
    await shop.client.runWorkflow("shop", "order", "order-new", { cents: 42 });
    await page.locator("table.runs tbody tr", { hasText: "order-new" }).waitFor();
    expect(await page.locator(".count-row").innerText()).toMatch(/all\s*6/);
  });

  it("shows a new step appear live, without reloading, while the run advances", async () => {
    await page.goto(runUrl("order", "order-live"));
    await page.locator("#live-state", { hasText: "live" }).waitFor();
    expect(await page.locator("tr.step").count()).toBe(2);
    expect(await page.locator("section.waiting").innerText()).toMatch(/signal "warehouseReady" \(until /);
    await page.evaluate(() => {
      (globalThis as unknown as { marker: string }).marker = "same document";
    });
    await shop.client.signalRun("shop", "order", "order-live", "warehouseReady", { picker: "ann" }, "evt-1");
    await page.locator('tr.step[data-step="2"]', { hasText: "shipped" }).waitFor();
    await page.locator("#live .badge.status-completed").waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe("same document");
    expect(await page.locator("section.signals").innerText()).toContain('"picker": "ann"');
    await shot("run-completed-live");
  });

  it("cancels a run only with the token", async () => {
    await page.goto(runUrl("order", "order-cancel"));
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.locator("#action-result.failed", { hasText: "a valid token is needed" }).waitFor();
    expect((await shop.client.getRun("shop", "order", "order-cancel"))?.cancelRequested).toBe(false);
    await page.fill("#token", ui.token);
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.locator("#action-result.ok", { hasText: "cancel of order/order-cancel requested" }).waitFor();
    await page.locator("#live .badge.status-cancelled").waitFor();
    expect((await shop.client.getRun("shop", "order", "order-cancel"))?.status).toBe("cancelled");
    await shot("run-cancelled");
  });

  it("shows a payload holding <script> as text and never runs it", async () => {
    await page.goto(runUrl("order", "order-xss"));
    await page.locator("#live-state", { hasText: "live" }).waitFor();
    expect(await page.locator(".io pre").first().innerText()).toContain(XSS.replaceAll('"', '\\"'));
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator(".io img").count()).toBe(0);
    await shot("run-script-payload");
  });

  it("says what a run with a failing activity waits for, with its last error", async () => {
    await until(
      async () =>
        ((await shop.client.describeRun("shop", "flaky", "flaky-1"))?.waitingFor.activities[0]?.failedAttempts ?? 0) >=
        2,
      "flaky-1 to fail twice",
    );
    await page.goto(runUrl("flaky", "flaky-1"));
    const waiting = await page.locator("section.waiting").innerText();
    expect(waiting).toMatch(
      /activity trim#0: \d+ attempts failed, the last with TypeError: input\.card\.trim is not a function/,
    );
    await shot("run-failing-activity");
  });
});
