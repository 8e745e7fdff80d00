import type { FollowUpWorkflow, OrderWorkflow } from "./replay_gen.js";

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
  // Added after orders were in flight: runs recorded before it replay without the email.
  if (flow.patched("shipped-email") && input.email !== undefined) {
    await flow.sendEmail({ to: input.email, template: "shipped", orderId });
  }
  return { status: "shipped", chargeId: charge.chargeId, trackingId };
};

/** Thirty days after an order, ask for a review; remind once when none comes within a week. */
export const followUp: FollowUpWorkflow = async (flow, input) => {
  await flow.sleep("30d");
  await flow.sendEmail({ to: input.email, template: "review-request", orderId: input.orderId });
  const review = await flow.awaitReviewSubmitted("7d");
  if (review !== undefined) return { status: "reviewed", stars: review.stars };
  await flow.sendEmail({ to: input.email, template: "review-reminder", orderId: input.orderId });
  return { status: "no review" };
};
