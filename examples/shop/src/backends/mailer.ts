export interface Email {
  readonly to: string;
  readonly template: "shipped" | "review-request" | "review-reminder";
  readonly orderId: string;
}

export interface Mailer {
  /** Sends one email per idempotency key. */
  send(request: Email & { readonly idempotencyKey: string }): Promise<void>;
}

/** An in-memory mailer: keeps what was sent, once per idempotency key. */
export class FakeMailer implements Mailer {
  readonly sent = new Map<string, Email>();

  async send(request: Email & { readonly idempotencyKey: string }): Promise<void> {
    const { idempotencyKey, ...email } = request;
    this.sent.set(idempotencyKey, email);
  }
}
