import type { OrderWorkflow } from "./replay_gen.js";

/** Charge, wait for the warehouse, ship; refund when the warehouse does not answer in time. */
export const order: OrderWorkflow = async (flow, input) => {
  const { orderId, cents } = input;
  const charge = await flow.chargePayment({ orderId, cardNumber: input.cardNumber, cents });
  if (!charge.ok) return { status: "declined", reason: charge.reason };

  const ready = await flow.awaitWarehouseReady(input.warehouseTimeout);
  if (ready === undefined) {
    const { refundId } = await flow.refundPayment({ orderId, chargeId: charge.chargeId, cents });
    return { status: "refunded", chargeId: charge.chargeId, refundId };
  }

  const { trackingId } = await flow.shipOrder({ orderId, address: input.address });
  await flow.emitShipped({ orderId, trackingId, picker: ready.picker });
  return { status: "shipped", chargeId: charge.chargeId, trackingId };
};
