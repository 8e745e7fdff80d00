import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { type Shop, startShop, until } from "../replaykit/fixture.js";
import { act, send } from "./send.js";

let shop: Shop;
let inspector: Inspector;
const run = (runId: string) => ({ namespace: "shop", workflow: "order", runId });
const awaiting = (runId: string) => async () =>
  (await shop.client.describeRun("shop", "order", runId))?.waitingFor.signals.length === 1;

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  for (const runId of ["ra-1", "ra-2"]) await shop.client.runWorkflow("shop", "order", runId, { cents: 7 });
  for (const runId of ["ra-1", "ra-2"]) await until(awaiting(runId), `${runId} to wait`);
  inspector = await startInspector({ client: shop.client, port: 0 });
});
afterAll(async () => {
  await inspector?.close();
  await shop?.close();
});

describe("the run page's controls", () => {
  it("refuses pause, unpause, terminate and reset without the token, and changes nothing", async () => {
    const asks = [
      ["pause", {}],
      ["unpause", {}],
      ["terminate", { reason: "no" }],
      ["reset", { toStep: 0 }],
    ] as const;
    for (const [action, extra] of asks) {
      for (const token of [null, "not-the-token-at-all"]) {
        const { status, answer } = await act(inspector, action, { ...run("ra-1"), ...extra }, token);
        expect([action, status, answer.error]).toEqual([action, 401, expect.stringMatching(/a valid token is needed/)]);
      }
    }
    const after = await shop.client.describeRun("shop", "order", "ra-1");
    expect([after?.status, after?.paused, after?.iteration]).toEqual(["running", false, 0]);
  });

  it("pauses and unpauses a run, saying so, and the page offers the opposite button", async () => {
    expect((await act(inspector, "pause", run("ra-1"))).answer).toMatchObject({
      ok: true,
      message: expect.stringMatching(/paused/),
    });
    expect((await shop.client.getRun("shop", "order", "ra-1"))?.paused).toBe(true);
    expect((await act(inspector, "pause", run("ra-1"))).status).toBe(409);
    const page = await send(inspector, "GET", "/run?ns=shop&wf=order&id=ra-1");
    expect(page.body).toContain('data-action="unpause"');
    expect(page.body).not.toContain('data-action="pause"');
    expect((await act(inspector, "unpause", run("ra-1"))).status).toBe(200);
    expect((await shop.client.getRun("shop", "order", "ra-1"))?.paused).toBe(false);
    expect((await act(inspector, "unpause", run("ra-1"))).status).toBe(409);
  });

  it("resets a run to a step of its own: same id, next iteration", async () => {
    expect((await act(inspector, "reset", { ...run("ra-2"), toStep: "x" })).status).toBe(400);
    const { status, answer } = await act(inspector, "reset", { ...run("ra-2"), toStep: "1" });
    expect([status, answer.message]).toEqual([200, expect.stringMatching(/reset to step 1: iteration 1/)]);
    await until(awaiting("ra-2"), "ra-2 to wait again");
    expect((await shop.client.getRun("shop", "order", "ra-2"))?.iteration).toBe(1);
  });

  it("terminates a run only with a reason, then says it had ended", async () => {
    expect((await act(inspector, "terminate", { ...run("ra-2"), reason: " " })).status).toBe(400);
    const { status } = await act(inspector, "terminate", { ...run("ra-2"), reason: "customer left" });
    expect(status).toBe(200);
    const ended = await shop.client.getRun("shop", "order", "ra-2");
    expect(ended?.status).toBe("terminated");
    expect((await act(inspector, "terminate", { ...run("ra-2"), reason: "again" })).status).toBe(409);
    const page = await send(inspector, "GET", "/run?ns=shop&wf=order&id=ra-2");
    expect(page.body).toContain("status-terminated");
    expect(page.body).not.toContain('id="terminate-form"');
    expect((await act(inspector, "pause", run("missing"))).status).toBe(404);
  });

  it("offers the signal names the run awaits or received, not a placeholder of the demo", async () => {
    const page = await send(inspector, "GET", "/run?ns=shop&wf=order&id=ra-1");
    expect(page.body).toMatch(/<datalist id="signal-names"><option value="warehouseReady"><\/option><\/datalist>/);
    expect(page.body).toContain('name="signal" required list="signal-names" value="warehouseReady"');
  });
});
