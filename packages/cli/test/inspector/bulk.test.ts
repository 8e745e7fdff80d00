import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Inspector, startInspector } from "../../src/inspector/index.js";
import { type Shop, startShop, until } from "../replaykit/fixture.js";
import { act, send } from "./send.js";

let shop: Shop;
let inspector: Inspector;
const filter = { workflow: "order", prefix: "b-" };

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  for (let i = 0; i < 12; i++) await shop.client.runWorkflow("shop", "order", `b-${i}`, { cents: i });
  await shop.client.runWorkflow("shop", "order", "keep-1", { cents: 1 });
  inspector = await startInspector({ client: shop.client, port: 0 });
});
afterAll(async () => {
  await inspector?.close();
  await shop?.close();
});

const progress = async (batchId: string, token: string | null = inspector.token) => {
  const headers: Record<string, string> = token === null ? {} : { "x-replaykit-token": token };
  const answer = await send(inspector, "GET", `/api/bulk-progress?id=${batchId}`, headers);
  return { status: answer.status, ...JSON.parse(answer.body) };
};

describe("bulk actions from a filtered list", () => {
  it("refuses to count, start or report a bulk without the token", async () => {
    expect((await act(inspector, "bulk-count", { namespace: "shop", filter }, null)).status).toBe(401);
    expect((await act(inspector, "bulk", { namespace: "shop", filter, action: "cancel" }, null)).status).toBe(401);
    expect((await progress("any", null)).status).toBe(401);
    expect((await shop.client.countRuns({ namespace: "shop" })).statuses.cancelled ?? 0).toBe(0);
  });

  it("counts what the filters select, for the confirmation", async () => {
    const { status, answer } = await act(inspector, "bulk-count", { namespace: "shop", filter });
    expect([status, answer.count]).toEqual([200, 12]);
    const all = await act(inspector, "bulk-count", { namespace: "shop", filter: {} });
    expect(all.answer.count).toBe(13);
    expect((await act(inspector, "bulk-count", { namespace: "shop", filter: { status: "lost" } })).status).toBe(400);
  });

  it("refuses an unknown action, and a terminate without a reason", async () => {
    expect((await act(inspector, "bulk", { namespace: "shop", filter, action: "explode" })).status).toBe(400);
    expect((await act(inspector, "bulk", { namespace: "shop", filter, action: "terminate" })).status).toBe(400);
  });

  it("runs the bulk after answering, and reports its progress until it finished", async () => {
    const { status, answer } = await act(inspector, "bulk", { namespace: "shop", filter, action: "cancel" });
    expect(status).toBe(202);
    const batchId = String(answer.batchId);
    await until(async () => (await progress(batchId)).finished === true, "the bulk to finish");
    expect(await progress(batchId)).toMatchObject({
      ok: true,
      action: "cancel",
      matched: 12,
      done: 12,
      skipped: 0,
      failed: 0,
    });
    await until(
      async () => (await shop.client.countRuns({ namespace: "shop" })).statuses.cancelled === 12,
      "12 runs cancelled",
    );
    expect((await shop.client.getRun("shop", "order", "keep-1"))?.status).toBe("running");
    expect((await progress("unknown")).status).toBe(404);
  });
});
