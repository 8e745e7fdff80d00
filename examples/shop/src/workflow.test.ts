import { ActivityFailure, mockQuery, mockUpdate, UpdateRejectedError } from "@replaykit/runtime";
import { describe, expect, it, vi } from "vitest";
import { mockOrderFlow, mockSalesReportFlow } from "./replay_gen.js";
import type { OrderInput } from "./types.js";
import { order, salesReport } from "./workflow.js";

// The workflow only talks to its OrderFlow, a plain interface: the generated mockOrderFlow makes
// every member a vi.fn (now, random and uuid deterministic), with the answers given here.
function mockFlow() {
  return mockOrderFlow(vi.fn, {
    chargePayment: async () => ({ ok: true, chargeId: "ch_1" }),
    refundPayment: async () => ({ refundId: "re_1" }),
    shipOrder: async () => ({ trackingId: "trk_1" }),
    sendEmail: async () => null,
    salesTotals: async () => ({ charges: 0, chargedCents: 0, refundedCents: 0 }),
    runFollowUp: async () => ({ status: "no review" }),
    awaitWarehouseReady: async () => ({ picker: "ana" }),
  });
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

  it("starts the follow-up as a child run after shipping (patch follow-up), and not on runs recorded before it", async () => {
    const flow = mockFlow();
    await order(flow, { ...input, email: "ana@example.com" });
    expect(flow.patched).toHaveBeenCalledWith("follow-up");
    expect(flow.startFollowUp).toHaveBeenCalledWith("follow-up-order-1", {
      orderId: "order-1",
      email: "ana@example.com",
    });

    const recordedBefore = mockFlow();
    recordedBefore.patched.mockImplementation((patchId) => patchId !== "follow-up");
    await order(recordedBefore, { ...input, email: "ana@example.com" });
    expect(recordedBefore.sendEmail).toHaveBeenCalledOnce();
    expect(recordedBefore.startFollowUp).not.toHaveBeenCalled();

    const withoutEmail = mockFlow();
    await order(withoutEmail, input);
    expect(withoutEmail.startFollowUp).not.toHaveBeenCalled();
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

describe("the order workflow's update and query", () => {
  it("ships to the address a changeAddress update gave while the order waited for the warehouse", async () => {
    let warehouseReady: (ready: { picker: string }) => void = () => undefined;
    const flow = mockFlow();
    flow.awaitWarehouseReady.mockImplementationOnce(() => new Promise((resolve) => (warehouseReady = resolve)));
    const result = order(flow, input);
    await vi.waitFor(() => expect(flow.awaitWarehouseReady).toHaveBeenCalled());

    expect(mockQuery(flow, "onStatus")).toEqual({ stage: "awaiting warehouse", address: "1 Main St" });
    const changed = await mockUpdate(flow, "onChangeAddress", { address: "9 Harbour Rd" });
    expect(changed).toEqual({ stage: "awaiting warehouse", address: "9 Harbour Rd" });
    warehouseReady({ picker: "ana" });

    expect(await result).toMatchObject({ status: "shipped" });
    expect(flow.shipOrder).toHaveBeenCalledWith({ orderId: "order-1", address: "9 Harbour Rd" });
    expect(mockQuery(flow, "onStatus")).toEqual({ stage: "shipped", address: "9 Harbour Rd", trackingId: "trk_1" });
  });

  it("refuses a changeAddress update once the order shipped, leaving the address as it was", async () => {
    const flow = mockFlow();
    await order(flow, input);

    await expect(mockUpdate(flow, "onChangeAddress", { address: "9 Harbour Rd" })).rejects.toThrow(UpdateRejectedError);
    expect(mockQuery(flow, "onStatus")).toMatchObject({ stage: "shipped", address: "1 Main St" });
  });
});

describe("the sales report workflow", () => {
  function mockReportFlow(scheduledAt: Date | undefined) {
    const totals = { charges: 3, chargedCents: 5997, refundedCents: 1999 };
    return mockSalesReportFlow(vi.fn, {
      runId: "nightlySalesReport@2030-01-01T02:00:00.000Z",
      scheduledAt,
      sendEmail: async () => null,
      salesTotals: async () => totals,
      now: () => new Date("2030-01-01T09:15:00.000Z"),
    });
  }

  it("reports as of the schedule's tick and emails the totals", async () => {
    const flow = mockReportFlow(new Date("2030-01-01T02:00:00.000Z"));

    const report = await salesReport(flow, { to: "owner@shop.example" });

    expect(report).toEqual({ asOf: "2030-01-01T02:00:00.000Z", charges: 3, chargedCents: 5997, refundedCents: 1999 });
    expect(flow.sendEmail).toHaveBeenCalledWith({
      to: "owner@shop.example",
      template: "sales-report",
      figures: { charges: 3, chargedCents: 5997, refundedCents: 1999 },
    });
  });

  it("reports as of now when started by hand, not by a schedule", async () => {
    const report = await salesReport(mockReportFlow(undefined), { to: "owner@shop.example" });
    expect(report.asOf).toBe("2030-01-01T09:15:00.000Z");
  });
});
