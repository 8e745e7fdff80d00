import { ActivityFailure } from "@replaykit/runtime";
import { describe, expect, it, vi } from "vitest";
import type { OrderFlow } from "./replay_gen.js";
import type { OrderInput } from "./types.js";
import { order } from "./workflow.js";

// The workflow only talks to its OrderFlow, a plain interface: mock it and drive every branch.
function mockFlow() {
  return {
    runId: "order-1",
    chargePayment: vi.fn<OrderFlow["chargePayment"]>(async () => ({ ok: true, chargeId: "ch_1" })),
    refundPayment: vi.fn<OrderFlow["refundPayment"]>(async () => ({ refundId: "re_1" })),
    shipOrder: vi.fn<OrderFlow["shipOrder"]>(async () => ({ trackingId: "trk_1" })),
    sendEmail: vi.fn<OrderFlow["sendEmail"]>(async () => null),
    awaitWarehouseReady: vi.fn<OrderFlow["awaitWarehouseReady"]>(async () => ({ picker: "ana" })),
    emitShipped: vi.fn<OrderFlow["emitShipped"]>(async () => {}),
    sleep: vi.fn<OrderFlow["sleep"]>(async () => {}),
    now: () => new Date(0),
    random: () => 0.5,
    uuid: () => "00000000-0000-4000-8000-000000000000",
    restart: vi.fn<OrderFlow["restart"]>(async () => {
      throw new Error("restart is not expected");
    }),
    patched: vi.fn<OrderFlow["patched"]>(() => true),
    deprecatePatch: vi.fn<OrderFlow["deprecatePatch"]>(),
  } satisfies OrderFlow;
}

const input: OrderInput = {
  orderId: "order-1",
  cardNumber: "4242424242424242",
  cents: 1999,
  address: "1 Main St",
  warehouseTimeout: "2d",
};

describe("the order workflow", () => {
  it("charges, waits for the warehouse, ships and emits shipped", async () => {
    const flow = mockFlow();

    const result = await order(flow, input);

    expect(result).toEqual({ status: "shipped", chargeId: "ch_1", trackingId: "trk_1" });
    expect(flow.chargePayment).toHaveBeenCalledWith({
      orderId: "order-1",
      cardNumber: "4242424242424242",
      cents: 1999,
    });
    expect(flow.awaitWarehouseReady).toHaveBeenCalledWith("2d");
    expect(flow.shipOrder).toHaveBeenCalledWith({ orderId: "order-1", address: "1 Main St" });
    expect(flow.emitShipped).toHaveBeenCalledWith({ orderId: "order-1", trackingId: "trk_1", picker: "ana" });
    expect(flow.refundPayment).not.toHaveBeenCalled();
  });

  it("stops after a declined card without waiting, shipping or refunding", async () => {
    const flow = mockFlow();
    flow.chargePayment.mockResolvedValueOnce({ ok: false, reason: "card declined" });

    const result = await order(flow, input);

    expect(result).toEqual({ status: "declined", reason: "card declined" });
    expect(flow.awaitWarehouseReady).not.toHaveBeenCalled();
    expect(flow.shipOrder).not.toHaveBeenCalled();
    expect(flow.refundPayment).not.toHaveBeenCalled();
  });

  it("refunds the charge when the warehouse does not answer in time", async () => {
    const flow = mockFlow();
    flow.awaitWarehouseReady.mockResolvedValueOnce(undefined); // undefined = timed out

    const result = await order(flow, input);

    expect(result).toEqual({ status: "refunded", chargeId: "ch_1", reason: "warehouse timed out" });
    expect(flow.refundPayment).toHaveBeenCalledWith({ orderId: "order-1", chargeId: "ch_1", cents: 1999 });
    expect(flow.shipOrder).not.toHaveBeenCalled();
    expect(flow.emitShipped).not.toHaveBeenCalled();
  });

  it("sends the shipping notice on new runs (patch shipped-email), and not on runs recorded before it", async () => {
    const patchedFlow = mockFlow();
    await order(patchedFlow, { ...input, email: "ana@example.com" });
    expect(patchedFlow.patched).toHaveBeenCalledWith("shipped-email");
    expect(patchedFlow.sendEmail).toHaveBeenCalledWith({
      to: "ana@example.com",
      template: "shipped",
      orderId: "order-1",
    });

    const recordedBefore = mockFlow();
    recordedBefore.patched.mockReturnValue(false);
    await order(recordedBefore, { ...input, email: "ana@example.com" });
    expect(recordedBefore.sendEmail).not.toHaveBeenCalled();
  });

  it("refunds the charge (the saga's compensation) when the courier refuses the parcel", async () => {
    const flow = mockFlow();
    const refused = { name: "NonRetryableError", message: "the courier does not deliver there" };
    flow.shipOrder.mockRejectedValueOnce(new ActivityFailure("shipOrder", 0, 1, refused));

    const result = await order(flow, input);

    expect(result).toEqual({ status: "refunded", chargeId: "ch_1", reason: "not shippable" });
    expect(flow.refundPayment).toHaveBeenCalledWith({ orderId: "order-1", chargeId: "ch_1", cents: 1999 });
    expect(flow.emitShipped).not.toHaveBeenCalled();
  });
});
