import type { ActivityContext } from "@replaykit/runtime";
import type {
  AskManagerInput,
  AskManagerResult,
  Backends,
  ChargeInput,
  ChargeResult,
  RefundInput,
  RefundResult,
  SalesTotals,
  SendEmailInput,
  ShipInput,
  ShipResult,
} from "./types.js";

// Activities may run more than once for one request (at least once), so each passes
// ctx.idempotencyKey, which is stable across retries, to the service it calls.

export async function chargePayment(
  ctx: ActivityContext,
  backends: Backends,
  input: ChargeInput,
): Promise<ChargeResult> {
  return backends.payments.charge({ idempotencyKey: ctx.idempotencyKey, ...input });
}

export async function refundPayment(
  ctx: ActivityContext,
  backends: Backends,
  input: RefundInput,
): Promise<RefundResult> {
  return backends.payments.refund({ idempotencyKey: ctx.idempotencyKey, chargeId: input.chargeId });
}

export async function shipOrder(ctx: ActivityContext, backends: Backends, input: ShipInput): Promise<ShipResult> {
  const trackingId = await backends.courier.book({ idempotencyKey: ctx.idempotencyKey, ...input });
  return { trackingId };
}

/** What the payment gateway took in and gave back so far: the figures of the sales report. */
export async function salesTotals(_ctx: ActivityContext, backends: Backends): Promise<SalesTotals> {
  return backends.payments.totals();
}

export async function sendEmail(ctx: ActivityContext, backends: Backends, input: SendEmailInput): Promise<null> {
  await backends.mailer.send({ idempotencyKey: ctx.idempotencyKey, ...input });
  return null;
}

/** Sends a manager the signed link that approves (or declines) a large order. */
export async function askManager(
  ctx: ActivityContext,
  backends: Backends,
  input: AskManagerInput,
): Promise<AskManagerResult> {
  if (backends.managers === undefined) return { asked: false };
  await backends.managers.ask({ idempotencyKey: ctx.idempotencyKey, ...input });
  return { asked: true };
}
