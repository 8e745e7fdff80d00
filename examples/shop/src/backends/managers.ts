import { tokenUrl } from "@replaykit/runtime";

/** An order that waits for a manager, and the token whose completion answers it. */
export interface ApprovalRequest {
  readonly orderId: string;
  readonly cents: number;
  readonly tokenId: string;
}

/** What a manager answers, as the approval link's POST body carries it. */
export interface ManagerDecision {
  readonly approved: boolean;
}

export interface ManagerDesk {
  /** Asks a manager once per idempotency key: sends the signed link that completes the token. */
  ask(request: ApprovalRequest & { readonly idempotencyKey: string }): Promise<void>;
}

/**
 * A desk that "mails" each manager a signed link (tokenUrl) to `baseUrl`, where a token handler
 * (createTokenHandler) completes the token with the decision it is POSTed.
 */
export class LinkDesk implements ManagerDesk {
  /** The link sent for each order. */
  readonly links = new Map<string, string>();
  readonly #baseUrl: string;
  readonly #secret: string;
  readonly #onLink: ((orderId: string, url: string) => void) | undefined;

  constructor(options: { baseUrl: string; secret: string; onLink?: (orderId: string, url: string) => void }) {
    this.#baseUrl = options.baseUrl;
    this.#secret = options.secret;
    this.#onLink = options.onLink;
  }

  async ask(request: ApprovalRequest & { readonly idempotencyKey: string }): Promise<void> {
    if (this.links.has(request.orderId)) return;
    const url = tokenUrl(request.tokenId, { baseUrl: this.#baseUrl, secret: this.#secret });
    this.links.set(request.orderId, url);
    this.#onLink?.(request.orderId, url);
  }
}
