export interface Email {
  readonly to: string;
  readonly template: "shipped" | "review-request" | "review-reminder" | "sales-report";
  /** The order it is about; none for a report. */
  readonly orderId?: string;
  /** The figures a report shows, by name. */
  readonly figures?: { readonly [name: string]: number };
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
