import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CARD, KEY, KEY_ENV, startEncryptedShop, writeCodecConfig } from "../replaykit/encrypted-fixture.js";
import type { Shop } from "../replaykit/fixture.js";
import { type Browser, launchChromium } from "./browser.js";
import { startUi, type UiProcess } from "./ui-process.js";

let shop: Shop;
let ui: UiProcess;
let browser: Browser;
let page: Page;

const runUrl = () => `${ui.url}run?ns=shop&wf=order&id=e-1`;

beforeAll(async () => {
  shop = await startEncryptedShop(inject("mysqlUrl"));
  ui = await startUi(shop.db.url, ["--codec-config", writeCodecConfig()], { [KEY_ENV]: KEY });
  browser = await launchChromium();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await shop?.close();
});

/** Everything the page holds as text, the closed history and step details included. */
const pageText = async () => (await page.locator("html").textContent()) ?? "";

describe("the inspector in Chromium on encrypted payloads", () => {
  it("shows an encrypted run as encrypted, with key and size, to a page opened without the token", async () => {
    await page.goto(runUrl());
    const input = await page.locator(".io section", { hasText: "Input" }).innerText();
    expect(input).toMatch(/encrypted \(key k1, \d+(\.\d)? (B|KiB)\)/);
    const text = await pageText();
    expect(text).not.toContain("4200");
    expect(text).not.toContain("zoe");
    expect(text).not.toContain(CARD);
  });

  it("shows its values to a page that carries the token, and keeps the card number hidden", async () => {
    // A new document (not the same one with a fragment added), as a link printed by `replaykit ui` opens.
    await page.goto("about:blank");
    await page.goto(`${runUrl()}#token=${ui.token}`);
    // The page is rendered without the token (a navigation cannot send it), then read again with it.
    await page.locator(".io section", { hasText: '"cents": 4200' }).waitFor();
    const input = await page.locator(".io section", { hasText: "Input" }).innerText();
    expect(input).toContain('"cardNumber": secret (hidden)');
    const text = await pageText();
    expect(text).toContain('"picker": "zoe"');
    expect(text).not.toContain(CARD);
  });
});
