import { describe, expect, it } from "vitest";
import { awaitOrderResult, runOrder, signalOrderWarehouseReady } from "../src/replay_gen.js";
import type { OrderInput } from "../src/types.js";
import { eventsOf, untilWaitingForWarehouse, useShop } from "./helpers.js";

const shop = useShop();

const orderOf = (orderId: string): OrderInput => ({
  orderId,
  cardNumber: "4242424242424242",
  cents: 2500,
  address: `${orderId} Harbour Rd`,
  warehouseTimeout: "1m",
});

describe("orders across a worker restart", () => {
  it("complete on a second worker after the first stopped mid-run, charging each card once", async () => {
    const ids = ["restart-1", "restart-2", "restart-3"];
    const workerA = await shop.startWorker();
    for (const id of ids) expect(await runOrder(shop.client, id, orderOf(id))).toBe(true);
    for (const id of ids) await untilWaitingForWarehouse(shop.client, id);
    await workerA.stop();

    await shop.startWorker();
    for (const id of ids) await signalOrderWarehouseReady(shop.client, id, { picker: "bo" }, "warehouse-ready");

    for (const id of ids) {
      const result = await awaitOrderResult(shop.client, id, { timeout: "20s" });
      expect(result).toEqual({ status: "shipped", chargeId: `ch_${id}`, trackingId: `trk_${id}` });
      expect(shop.payments.chargeRequests.get(id)).toBe(1);
      const charges = (await eventsOf(shop.client, id)).filter(
        (event) => event.type === "activity_request" && event.target === "chargePayment",
      );
      expect(charges).toHaveLength(1);
    }
  });
});
