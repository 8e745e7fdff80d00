import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { isHeld, releaseHeld, type Shop, startShop, until } from "../replaykit/fixture.js";
import { type Browser, launchChromium } from "./browser.js";

/*
 * A run's streams on its page: run "chat-1" streams an answer from an activity whose first
 * attempt fails (a chunk, a reset, the answer again, one chunk holding markup), and keeps the
 * stream open until signal "more", whose handling writes one more chunk and ends the run.
 */

const XSS = "<script>window.__xss = 3</script>";
let shop: Shop;
let inspector: Inspector;

const runPath = "/run?ns=shop&wf=chat&id=chat-1";
const page = async (path: string) => {
  const response = await fetch(new URL(path, inspector.url));
  return { status: response.status, body: await response.text() };
};
const waitingFor = (runId: string) => async () =>
  (await shop.client.describeRun("shop", "chat", runId))?.waitingFor.signals.length === 1;

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  await shop.client.runWorkflow("shop", "chat", "chat-1", { note: XSS });
  await until(waitingFor("chat-1"), "chat-1 to wait for more");
  inspector = await startInspector({ client: shop.client, port: 0 });
});
afterAll(async () => {
  await inspector?.close();
  await shop?.close();
});

describe("a run's streams on the inspector's run page", () => {
  it("lists each stream with its chunks, attempts and resets, escaped, and marks an open one to follow", async () => {
    const { status, body } = await page(runPath);

    expect(status).toBe(200);
    const streams = body.slice(body.indexOf('<section class="streams"'));
    expect(streams).toMatch(/^<section class="streams" data-follow="1"><h2>Streams<\/h2>/);
    expect(streams).toContain('<b class="mono">answer</b> <span class="badge status-running">open</span> 4 chunks');
    expect(streams).toMatch(/<td class="num">0<\/td><td>1<\/td><td class="mono">&quot;Hello &quot;<\/td>/);
    expect(streams).toMatch(/<tr class="reset"><td class="num">1<\/td><td>1<\/td><td>reset: drop what attempt 1 wrote/);
    expect(streams).toMatch(
      /<td class="num">3<\/td><td>2<\/td><td class="mono">&quot;&lt;script&gt;window.__xss = 3&lt;\/script&gt;&quot;/,
    );
    expect(body).not.toContain(XSS);
  });

  it("shows a stream closed, with the workflow's own chunk, once its run ended", async () => {
    const client = shop.client;
    await client.signalRun("shop", "chat", "chat-1", "more", "yes", "more-http");
    await until(async () => (await client.getRun("shop", "chat", "chat-1"))?.status === "completed", "chat-1 to end");

    const { body } = await page(`${runPath}&partial=1`);

    expect(body).toContain('<section class="streams"><h2>Streams</h2>');
    expect(body).toContain('<b class="mono">answer</b> <span class="badge">closed</span> 5 chunks');
    expect(body).toMatch(
      /<td class="num">4<\/td><td>workflow<\/td><td class="mono">\{&quot;more&quot;:&quot;yes&quot;\}<\/td>/,
    );
    expect(await client.listStreams("shop", "chat", "chat-1")).toEqual([{ key: "answer", chunks: 5, closed: true }]);
  });
});

describe("a run's streams in Chromium", () => {
  let browser: Browser;
  let tab: Page;

  beforeAll(async () => {
    await shop.client.runWorkflow("shop", "chat", "chat-2", { note: "world", hold: true });
    await until(async () => isHeld("chat-2"), "chat-2's second attempt to stream");
    browser = await launchChromium();
    tab = await browser.context.newPage();
  });
  afterAll(async () => {
    releaseHeld("chat-2");
    await browser?.close();
  });

  it("shows chunks an activity writes while the page is open, without a reload, until the stream closes", async () => {
    await tab.goto(`${inspector.url}run?ns=shop&wf=chat&id=chat-2`);
    const stream = tab.locator('details.stream[data-key="answer"]');
    expect(await stream.locator("summary").innerText()).toMatch(/answer\s+open\s+3 chunks/);
    expect(await stream.locator("tr.reset").count()).toBe(1);
    await tab.evaluate(() => {
      (globalThis as unknown as { marker: string }).marker = "same document";
    });

    releaseHeld("chat-2"); // the activity writes a chunk and stops again: no history event announces it
    await stream.locator("tbody tr", { hasText: "world" }).waitFor();
    expect(await stream.locator("summary").innerText()).toMatch(/answer\s+open\s+4 chunks/);

    releaseHeld("chat-2");
    await until(waitingFor("chat-2"), "chat-2 to wait for more");
    await shop.client.signalRun("shop", "chat", "chat-2", "more", "please", "more-browser");
    await tab.locator('details.stream[data-key="answer"] summary', { hasText: "closed" }).waitFor();
    expect(await stream.locator("summary").innerText()).toMatch(/answer\s+closed\s+5 chunks/);
    expect(await stream.locator("tbody tr").last().innerText()).toMatch(/4\s+workflow\s+\{"more":"please"\}/);
    expect(await tab.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe("same document");
  });
});
