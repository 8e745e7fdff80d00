import { RunEndedError, UpdateRejectedError } from "@replaykit/runtime";
import { describe, expect, it } from "vitest";
import {
  awaitOrderResult,
  queryOrderStatus,
  runOrder,
  signalOrderWarehouseReady,
  updateOrderChangeAddress,
} from "../src/replay_gen.js";
import type { OrderInput } from "../src/types.js";
import { useShop } from "./helpers.js";

const shop = useShop();

const orderOf = (orderId: string): OrderInput => ({
  orderId,
  cardNumber: "4242424242424242",
  cents: 100,
  address: "2 Quay St",
  warehouseTimeout: "1m",
});

describe("changing an order while it waits for the warehouse", () => {
  it("answers the status query and ships to the address the changeAddress update gave", async () => {
    await shop.startWorker();
    await runOrder(shop.client, "req-change", orderOf("req-change"));
    await expect
      .poll(() => queryOrderStatus(shop.client, "req-change"), { timeout: 30_000 })
      .toMatchObject({ stage: "awaiting warehouse" });

    const changed = await updateOrderChangeAddress(shop.client, "req-change", { address: "9 Harbour Rd" });
    expect(changed).toEqual({ stage: "awaiting warehouse", address: "9 Harbour Rd" });
    await signalOrderWarehouseReady(shop.client, "req-change", { picker: "ana" }, "ready-1");

    const result = await awaitOrderResult(shop.client, "req-change", { timeout: "30s" });
    expect(result.status).toBe("shipped");
    expect([...shop.courier.bookings.values()].find((b) => b.orderId === "req-change")?.address).toBe("9 Harbour Rd");
  });

  it("refuses a changeAddress update through its validator once the parcel left the warehouse", async () => {
    await shop.startWorker();
    // The courier holds the booking until the test lets it go: the run is "shipping" meanwhile.
    let release: () => void = () => undefined;
    const booked = new Promise<void>((resolve) => (release = resolve));
    const book = shop.courier.book.bind(shop.courier);
    shop.courier.book = async (request) => {
      if (request.orderId === "req-shipping") await booked;
      return book(request);
    };
    await runOrder(shop.client, "req-shipping", orderOf("req-shipping"));
    await signalOrderWarehouseReady(shop.client, "req-shipping", { picker: "ana" }, "ready-1");
    await expect
      .poll(() => queryOrderStatus(shop.client, "req-shipping"), { timeout: 30_000 })
      .toMatchObject({ stage: "shipping" });

    const refused = updateOrderChangeAddress(shop.client, "req-shipping", { address: "9 Harbour Rd" });
    await expect(refused).rejects.toThrow(UpdateRejectedError);
    await expect(refused).rejects.toThrow(/order req-shipping is shipping: its address can no longer change/);
    release();
    await awaitOrderResult(shop.client, "req-shipping", { timeout: "30s" });
    expect([...shop.courier.bookings.values()].find((b) => b.orderId === "req-shipping")?.address).toBe("2 Quay St");

    // Once the run has ended, no handler is left to ask: the update fails with RunEndedError.
    await expect(updateOrderChangeAddress(shop.client, "req-shipping", { address: "x" })).rejects.toThrow(
      RunEndedError,
    );
  });
});
