import type { Server } from "node:http";
import { type Client, createClient, type Worker } from "@replaykit/runtime";
import { createScratchDatabase, type ScratchDatabase } from "@replaykit/runtime/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { ANSWER, FakeModel } from "../src/model.js";
import { createAgentServer, listen } from "../src/page.js";
import { runAnswer } from "../src/replay_gen.js";
import { startAgentWorker } from "../src/worker.js";
import { type Browser, launchChromium } from "./browser.js";

/*
 * The answer page in Chromium against a real MariaDB: a worker runs the agent with a fake model
 * slow enough (a token each 60 ms, the first attempt failing after 14) for the page to be
 * watched while it streams. Every text the answer element showed is recorded by a
 * MutationObserver that the page gets before its own script runs.
 */

let db: ScratchDatabase;
let client: Client;
let worker: Worker;
let http: Server;
let base: string;
let browser: Browser;
let page: Page;
const closing = new AbortController();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** What the functions run in the page use of it (the tests compile without the DOM's types). */
interface InPage {
  seenTexts: string[];
  document: {
    getElementById(id: string): { textContent: string | null } | null;
    body: { dataset: Record<string, string | undefined> };
  };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void };
}
const RECORD_TEXTS = () => {
  const inPage = globalThis as unknown as InPage;
  const seen: string[] = [];
  inPage.seenTexts = seen;
  new inPage.MutationObserver(() => {
    const text = inPage.document.getElementById("answer")?.textContent ?? "";
    if (seen[seen.length - 1] !== text) seen.push(text);
  }).observe(inPage.document, { subtree: true, childList: true, characterData: true });
};
const seenTexts = () => page.evaluate(() => (globalThis as unknown as InPage).seenTexts);
const answerText = () => page.locator("#answer").innerText();
const untilDone = () => page.waitForSelector("body[data-state=done]", { timeout: 30_000 });

beforeAll(async () => {
  db = await createScratchDatabase(inject("mysqlUrl"));
  client = createClient({ pool: db.pool });
  await client.migrate();
  const model = new FakeModel({ paceMs: 60, failFirstAttemptAfter: 14 });
  worker = await startAgentWorker(client, { model }, { maxPollIntervalMs: 100, logger: quiet });
  http = createAgentServer(createClient({ pool: db.pool }), closing.signal);
  base = await listen(http);
  browser = await launchChromium();
});
beforeEach(async () => {
  page = await browser.context.newPage();
  await page.addInitScript(RECORD_TEXTS);
});
afterAll(async () => {
  await browser?.close();
  closing.abort();
  await new Promise((resolve) => http?.close(resolve));
  await worker?.stop();
  await db?.drop();
});

describe("the answer page in Chromium", () => {
  it("shows the answer word by word as it streams, rewinds it when the first attempt fails, and ends with the whole answer", async () => {
    await runAnswer(client, "q-live", { question: "How do I return <b>shoes</b>?" });
    await page.goto(`${base}?q=q-live`);
    await untilDone();

    const texts = await seenTexts();
    expect(await answerText()).toBe(ANSWER);
    expect(await page.locator(".question").innerText()).toBe("How do I return <b>shoes</b>?");
    expect(await page.getAttribute("body", "data-rewinds")).toBe("1");
    // Every text shown was a beginning of the answer, and it grew a word at a time.
    expect(texts.every((text) => ANSWER.startsWith(text))).toBe(true);
    const grew = texts.filter((text, index) => index > 0 && text.length > (texts[index - 1] ?? "").length);
    expect(grew.length).toBeGreaterThan(20);
    // The rewind: the half answer of attempt 1 was taken back to nothing, then written anew.
    const rewound = texts.findIndex((text, index) => index > 0 && text.length < (texts[index - 1] ?? "").length);
    expect(rewound).toBeGreaterThan(0);
    expect(texts[rewound]).toBe("");
    expect((texts[rewound - 1] ?? "").length).toBeGreaterThan(0);
  });

  it("after a reload mid-answer, shows what it had and asks only for the events after the last one, without repeating text", async () => {
    const requested: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/answer?")) requested.push(request.url());
    });
    await runAnswer(client, "q-reload", { question: "Can I return a gift?" });
    await page.goto(`${base}?q=q-reload`);
    // Reload once the second attempt has streamed a few words: the reset is behind the page then.
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as InPage;
      return (
        document.body.dataset.rewinds === "1" && (document.getElementById("answer")?.textContent ?? "").length > 20
      );
    });
    await page.reload();
    // The first text the reloaded page shows is what it had, not a first word.
    const shownAtReload = (await seenTexts()).find((text) => text !== "") ?? "";
    await untilDone();

    expect(await answerText()).toBe(ANSWER);
    expect(ANSWER.startsWith(shownAtReload) && shownAtReload.length > 20).toBe(true);
    expect(requested).toHaveLength(2);
    expect(new URL(requested[0] ?? "").searchParams.get("lastEventId")).toBeNull();
    const resumedAfter = Number(new URL(requested[1] ?? "").searchParams.get("lastEventId"));
    expect(resumedAfter).toBeGreaterThan(14);
    // The resumed page never showed a text that was not a beginning of the answer (a repeat would be).
    expect((await seenTexts()).every((text) => ANSWER.startsWith(text))).toBe(true);
  });
});
