import { NonRetryableError } from "@replaykit/runtime";

export interface Courier {
  /** Books a pickup once per idempotency key and returns the tracking id. */
  book(request: {
    readonly idempotencyKey: string;
    readonly orderId: string;
    readonly address: string;
  }): Promise<string>;
}

/**
 * An in-memory courier: the tracking id follows from the order id. It does not deliver to an
 * address that contains "nowhere": that is an answer, not a fault, so it is not retried.
 */
export class FakeCourier implements Courier {
  readonly bookings = new Map<string, { readonly orderId: string; readonly address: string }>();

  async book(request: Parameters<Courier["book"]>[0]): Promise<string> {
    if (request.address.includes("nowhere")) {
      throw new NonRetryableError(`the courier does not deliver to ${JSON.stringify(request.address)}`);
    }
    this.bookings.set(request.idempotencyKey, { orderId: request.orderId, address: request.address });
    return `trk_${request.orderId}`;
  }
}
