import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { type Shop, startShop } from "../replaykit/fixture.js";
import { act, send } from "./send.js";

let shop: Shop;
let inspector: Inspector;
const nightly = { namespace: "shop", schedule: "nightly" };

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  await shop.client.runWorkflow("shop", "order", "s-0", { cents: 1 });
  const base = { workflow: "order", input: { cents: 3 } };
  await shop.client.createSchedule("shop", { ...base, id: "nightly", cron: "0 3 * * *", timezone: "Europe/Paris" });
  await shop.client.createSchedule("shop", { ...base, id: "hourly", cron: "0 * * * *" });
  inspector = await startInspector({ client: shop.client, port: 0 });
});
afterAll(async () => {
  await inspector?.close();
  await shop?.close();
});

const page = async () => (await send(inspector, "GET", "/schedules?ns=shop")).body;
const row = (body: string, id: string) =>
  body.slice(body.indexOf(`<tr data-schedule="${id}">`)).split("</tr>")[0] ?? "";

describe("the schedules page", () => {
  it("shows each schedule's cron, time zone, next tick and state, with no last run before a tick", async () => {
    const body = await page();
    const [next] = (await shop.client.listSchedules("shop")).filter((s) => s.id === "nightly").map((s) => s.nextTick);
    const line = row(body, "nightly");
    expect(line).toContain("0 3 * * *");
    expect(line).toContain("Europe/Paris");
    expect(line).toContain(`datetime="${next?.toISOString()}"`);
    expect(line).toMatch(/<td class="last-run">-<\/td>/);
    expect(line).toContain("active");
    expect(row(body, "hourly")).toContain("UTC");
  });

  it("refuses pause, resume, trigger and delete without the token", async () => {
    for (const action of ["schedule-pause", "schedule-resume", "schedule-trigger", "schedule-delete"]) {
      expect([action, (await act(inspector, action, nightly, null)).status]).toEqual([action, 401]);
    }
    expect((await shop.client.listSchedules("shop")).map((s) => [s.id, s.paused, s.lastRunId])).toEqual([
      ["hourly", false, undefined],
      ["nightly", false, undefined],
    ]);
  });

  it("triggers a schedule and links its last run", async () => {
    const { status, answer } = await act(inspector, "schedule-trigger", nightly);
    expect([status, answer.message]).toEqual([200, expect.stringMatching(/^schedule nightly triggered: run nightly@/)]);
    const [runId] = (await shop.client.listSchedules("shop")).filter((s) => s.id === "nightly").map((s) => s.lastRunId);
    expect(row(await page(), "nightly")).toContain(
      `href="/run?ns=shop&amp;wf=order&amp;id=${encodeURIComponent(runId ?? "")}"`,
    );
  });

  it("pauses and resumes a schedule, showing its state and the action that undoes it", async () => {
    expect((await act(inspector, "schedule-pause", nightly)).status).toBe(200);
    const paused = row(await page(), "nightly");
    expect(paused).toContain("status-paused");
    expect(paused).toContain('data-action="schedule-resume"');
    expect((await act(inspector, "schedule-resume", nightly)).status).toBe(200);
    expect(row(await page(), "nightly")).toContain('data-action="schedule-pause"');
  });

  it("deletes a schedule once, then answers 404", async () => {
    expect((await act(inspector, "schedule-delete", { ...nightly, schedule: "hourly" })).status).toBe(200);
    expect((await act(inspector, "schedule-delete", { ...nightly, schedule: "hourly" })).status).toBe(404);
    expect((await act(inspector, "schedule-pause", { ...nightly, schedule: "hourly" })).status).toBe(404);
    expect(await page()).not.toContain('data-schedule="hourly"');
  });
});
