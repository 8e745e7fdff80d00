/** A charge as the gateway records it. */
export interface Charge {
  readonly chargeId: string;
  readonly orderId: string;
  readonly cents: number;
}

export type ChargeOutcome =
  | { readonly ok: true; readonly chargeId: string }
  | { readonly ok: false; readonly reason: string };

export interface PaymentGateway {
  /** Charges once per idempotency key; asking again with the same key returns the first answer. */
  charge(request: {
    readonly idempotencyKey: string;
    readonly orderId: string;
    readonly cardNumber: string;
    readonly cents: number;
  }): Promise<ChargeOutcome>;
  refund(request: {
    readonly idempotencyKey: string;
    readonly chargeId: string;
  }): Promise<{ readonly refundId: string }>;
  /** What was charged and refunded so far. */
  totals(): Promise<SalesTotals>;
}

export interface SalesTotals {
  readonly charges: number;
  readonly chargedCents: number;
  readonly refundedCents: number;
}

/**
 * An in-memory payment gateway, deterministic by input: a card number ending in 0000 is
 * declined. It counts the requests it sees per order, so tests can check exactly-once effects.
 */
export class FakePaymentGateway implements PaymentGateway {
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, string>();
  readonly #refunded = new Set<string>();
  /** Charge requests per order id, including replays of an idempotency key. */
  readonly chargeRequests = new Map<string, number>();
  readonly #answers = new Map<string, ChargeOutcome>();

  async charge(request: Parameters<PaymentGateway["charge"]>[0]): Promise<ChargeOutcome> {
    const { idempotencyKey, orderId, cardNumber, cents } = request;
    this.chargeRequests.set(orderId, (this.chargeRequests.get(orderId) ?? 0) + 1);
    const earlier = this.#answers.get(idempotencyKey);
    if (earlier) return earlier;
    const answer: ChargeOutcome = cardNumber.endsWith("0000")
      ? { ok: false, reason: `card ending in ${cardNumber.slice(-4)} was declined` }
      : { ok: true, chargeId: `ch_${orderId}` };
    if (answer.ok) this.charges.set(answer.chargeId, { chargeId: answer.chargeId, orderId, cents });
    this.#answers.set(idempotencyKey, answer);
    return answer;
  }

  async refund(request: Parameters<PaymentGateway["refund"]>[0]): Promise<{ readonly refundId: string }> {
    if (!this.charges.has(request.chargeId)) throw new Error(`no charge ${request.chargeId} to refund`);
    const refundId = `re_${request.chargeId.replace(/^ch_/, "")}`;
    this.refunds.set(request.idempotencyKey, refundId);
    this.#refunded.add(request.chargeId);
    return { refundId };
  }

  async totals(): Promise<SalesTotals> {
    const charges = [...this.charges.values()];
    const cents = (list: readonly Charge[]) => list.reduce((sum, charge) => sum + charge.cents, 0);
    return {
      charges: charges.length,
      chargedCents: cents(charges),
      refundedCents: cents(charges.filter((charge) => this.#refunded.has(charge.chargeId))),
    };
  }
}
