import { startInspector } from "@replaykit/cli/inspector";
import { describe, expect, it } from "vitest";
import { planOrders } from "../src/demo/plan.js";
import { awaitOrderResult, runOrder, signalOrderWarehouseReady } from "../src/replay_gen.js";
import { untilWaitingForWarehouse, useShop } from "./helpers.js";

const shop = useShop();

describe("the demo's inspector", () => {
  it("never shows a card number of the demo's orders, not even to a request with the token", async () => {
    await shop.startWorker();
    // An order of the demo whose card is charged (one the warehouse answers): its number is in the charge too.
    const order = planOrders(20, 3000).find((planned) => planned.readyAfterMs !== undefined);
    if (order === undefined) throw new Error("the demo plans no order the warehouse answers");
    const { orderId, cardNumber, cents, address } = order;
    await runOrder(shop.client, orderId, { orderId, cardNumber, cents, address, warehouseTimeout: "1m" });
    await untilWaitingForWarehouse(shop.client, orderId);
    await signalOrderWarehouseReady(shop.client, orderId, { picker: "ann" }, `ready-${orderId}`);
    expect(await awaitOrderResult(shop.client, orderId, { timeout: "20s" })).toMatchObject({ status: "shipped" });

    const inspector = await startInspector({ client: shop.client, port: 0, namespace: "shop" });
    try {
      const url = `${inspector.url}run?ns=shop&wf=order&id=${encodeURIComponent(orderId)}`;
      const closed = await (await fetch(url)).text();
      expect(closed).toContain("encrypted (key shop-1,");
      const opened = await (
        await fetch(`${url}&partial=1`, { headers: { "x-replaykit-token": inspector.token } })
      ).text();
      expect(opened).toContain(JSON.stringify(orderId).replace(/"/g, "&quot;"));
      expect(opened).toContain("secret (hidden)");
      for (const page of [closed, opened]) expect(page).not.toContain(cardNumber);
    } finally {
      await inspector.close();
    }
  });
});
