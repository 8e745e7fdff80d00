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

const progress = async (batchId: string, token: string | null = inspector.token, namespace = "shop") => {
  const headers: Record<string, string> = token === null ? {} : { "x-replaykit-token": token };
  const answer = await send(inspector, "GET", `/api/bulk-progress?ns=${namespace}&id=${batchId}`, headers);
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

  it("shows a batch's progress after the inspector is started again, read from the store: finished, or cut short and not running", async () => {
    const started = await act(inspector, "bulk", {
      namespace: "shop",
      filter: { workflow: "order", prefix: "keep-" },
      action: "pause",
    });
    const finished = String(started.answer.batchId);
    await until(async () => (await progress(finished)).finished === true, "the pause to finish");
    // A batch whose caller stopped after its first round of 100 runs, one run left to do.
    for (let i = 0; i < 101; i++) {
      await shop.client.runWorkflow("shop", "order", `c-${String(i).padStart(3, "0")}`, { cents: i });
    }
    const stop = new Error("the caller stopped");
    const cut = { batchId: "cut-1", action: "pause", filter: { workflow: "order", runIdPrefix: "c-" } } as const;
    const stopping = () => {
      throw stop;
    };
    await expect(shop.client.bulk("shop", { ...cut, onProgress: stopping })).rejects.toBe(stop);

    await inspector.close();
    inspector = await startInspector({ client: shop.client, port: 0 });
    expect(await progress(finished)).toMatchObject({
      status: 200,
      ok: true,
      batchId: finished,
      action: "pause",
      matched: 1,
      done: 1,
      finished: true,
      running: false,
    });
    expect(await progress("cut-1")).toMatchObject({
      status: 200,
      action: "pause",
      matched: 101,
      done: 100,
      skipped: 0,
      failed: 0,
      finished: false,
      running: false,
    });
    expect((await progress("cut-1", null)).status).toBe(401);
    expect((await progress("cut-1", inspector.token, "elsewhere")).status).toBe(404);
  });
});
