export interface Courier {
  /** Books a pickup once per idempotency key and returns the tracking id. */
  book(request: {
    readonly idempotencyKey: string;
    readonly orderId: string;
    readonly address: string;
  }): Promise<string>;
}

/** An in-memory courier: the tracking id follows from the order id. */
export class FakeCourier implements Courier {
  readonly bookings = new Map<string, { readonly orderId: string; readonly address: string }>();

  async book(request: Parameters<Courier["book"]>[0]): Promise<string> {
    this.bookings.set(request.idempotencyKey, { orderId: request.orderId, address: request.address });
    return `trk_${request.orderId}`;
  }
}
