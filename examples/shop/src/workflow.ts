import { ActivityFailure, Saga, TokenTimeoutError } from "@replaykit/runtime";
import type { ManagerDecision } from "./backends/managers.js";
import type { FollowUpWorkflow, OrderFlow, OrderWorkflow, SalesReportWorkflow } from "./replay_gen.js";
import type { OrderStatus } from "./types.js";

/** Orders above this many cents wait for a manager's approval. */
export const APPROVAL_LIMIT_CENTS = 50_000;
/** How long a large order waits for a manager before it is refunded. */
export const APPROVAL_TIMEOUT = "2d";

/**
 * Charge, wait for the warehouse, ship. The charge is undone (refunded) by a saga when the
 * order cannot be completed: the warehouse does not answer in time, or the courier refuses.
 * Until the parcel leaves, the customer may change the address (the `changeAddress` update);
 * the `status` query says where the order stands.
 */
export const order: OrderWorkflow = async (flow, input) => {
  const { orderId, cents } = input;
  let status: OrderStatus = { stage: "charging", address: input.address };
  const moveTo = (stage: OrderStatus["stage"], trackingId?: string) => {
    status = { ...status, stage, ...(trackingId === undefined ? {} : { trackingId }) };
  };
  // Registered before the first await, so a replayed run has them again before its updates.
  flow.onChangeAddress(
    (change) => {
      status = { ...status, address: change.address };
      return status;
    },
    {
      validator: (change) => {
        if (status.stage !== "charging" && status.stage !== "awaiting warehouse")
          throw new Error(`order ${orderId} is ${status.stage}: its address can no longer change`);
        if (change.address.trim() === "") throw new Error("the new address is empty");
      },
    },
  );
  flow.onStatus(() => status);

  const charge = await flow.chargePayment({ orderId, cardNumber: input.cardNumber, cents });
  if (!charge.ok) {
    moveTo("declined");
    return { status: "declined", reason: charge.reason };
  }
  const saga = new Saga();
  saga.add(() => flow.refundPayment({ orderId, chargeId: charge.chargeId, cents }));

  // Added later: a large order waits for a manager, who answers through a signed link.
  if (flow.patched("manager-approval") && cents > APPROVAL_LIMIT_CENTS) {
    const answer = await managerApproval(flow, orderId, cents);
    if (answer !== "approved") {
      await saga.compensate();
      moveTo("refunded");
      return { status: "refunded", chargeId: charge.chargeId, reason: answer };
    }
  }

  moveTo("awaiting warehouse");
  const ready = await flow.awaitWarehouseReady(input.warehouseTimeout);
  if (ready === undefined) {
    await saga.compensate();
    moveTo("refunded");
    return { status: "refunded", chargeId: charge.chargeId, reason: "warehouse timed out" };
  }

  let trackingId: string;
  moveTo("shipping");
  try {
    ({ trackingId } = await flow.shipOrder({ orderId, address: status.address }));
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await saga.compensate();
    moveTo("refunded");
    return { status: "refunded", chargeId: charge.chargeId, reason: "not shippable" };
  }
  moveTo("shipped", trackingId);
  await flow.emitShipped({ orderId, trackingId, picker: ready.picker });
  // Added after orders were in flight: runs recorded before it replay without the email.
  if (flow.patched("shipped-email") && input.email !== undefined) {
    await flow.sendEmail({ to: input.email, template: "shipped", orderId });
  }
  // Added later still: the review request is a child run of its own, through the "mail" queue.
  if (flow.patched("follow-up") && input.email !== undefined) {
    await flow.startFollowUp(`follow-up-${orderId}`, { orderId, email: input.email });
  }
  return { status: "shipped", chargeId: charge.chargeId, trackingId };
};

/**
 * Hands a manager a completion token (the desk sends it as a signed link) and waits up to two
 * days for the decision the link's POST completes it with.
 */
async function managerApproval(flow: OrderFlow, orderId: string, cents: number) {
  const token = await flow.createToken({ name: "manager-approval", timeout: APPROVAL_TIMEOUT });
  await flow.askManager({ orderId, cents, tokenId: token.id });
  try {
    const decision = (await flow.awaitToken(token.id)) as ManagerDecision | null;
    return decision?.approved === true ? "approved" : "declined by a manager";
  } catch (error) {
    if (error instanceof TokenTimeoutError) return "no approval in time";
    throw error;
  }
}

/** Thirty days after an order, ask for a review; remind once when none comes within a week. */
export const followUp: FollowUpWorkflow = async (flow, input) => {
  await flow.sleep("30d");
  await flow.sendEmail({ to: input.email, template: "review-request", orderId: input.orderId });
  const review = await flow.awaitReviewSubmitted("7d");
  if (review !== undefined) return { status: "reviewed", stars: review.stars };
  await flow.sendEmail({ to: input.email, template: "review-reminder", orderId: input.orderId });
  return { status: "no review" };
};

/** The sales report, as of the schedule's tick (or now, when started by hand). */
export const salesReport: SalesReportWorkflow = async (flow, input) => {
  const asOf = (flow.scheduledAt ?? flow.now()).toISOString();
  const totals = await flow.salesTotals();
  await flow.sendEmail({ to: input.to, template: "sales-report", figures: { ...totals } });
  return { asOf, ...totals };
};
