import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { type Client, createTokenHandler } from "@replaykit/runtime";
import { LinkDesk } from "../backends/managers.js";
import { listen } from "../http/server.js";
import { awaitOrderResult, runOrder, signalOrderWarehouseReady } from "../replay_gen.js";
import type { OrderResult } from "../types.js";
import type { Cleanup } from "./cleanup.js";

/** The manager's side of the demo: a token endpoint and a desk that prints each approval link. */
export interface ApprovalDemo {
  readonly desk: LinkDesk;
  /** Places an order above the approval limit, "clicks" its link, and waits for its result. */
  placeLargeOrder(client: Client, say: (message: string) => void): Promise<OrderResult>;
}

/**
 * Starts the endpoint that completes tokens (createTokenHandler behind `/tokens/`), with a
 * secret made for this process. A manager's click is a POST of `{ "approved": true }` to the
 * link, which is what a page behind an e-mail's "Approve" button would send.
 */
export async function startApprovalDemo(client: Client, cleanup: Cleanup): Promise<ApprovalDemo> {
  const secret = randomBytes(32).toString("base64url");
  const tokens = createTokenHandler({ client, secret });
  const server = createServer((request, response) => {
    if (request.url?.startsWith("/tokens/")) return void tokens(request, response);
    response.writeHead(404).end();
  });
  const base = await listen(server);
  cleanup.add("the approval endpoint", () => new Promise<void>((resolve) => server.close(() => resolve())));
  const links = new Map<string, (url: string) => void>();
  const desk = new LinkDesk({
    baseUrl: `${base}/tokens`,
    secret,
    onLink: (orderId, url) => links.get(orderId)?.(url),
  });
  return {
    desk,
    async placeLargeOrder(client, say) {
      const orderId = `large-${Date.now()}`;
      const link = new Promise<string>((resolve) => links.set(orderId, resolve));
      const order = { orderId, cardNumber: "4242424242424242", cents: 120_000, address: "9 Harbour Rd" };
      await runOrder(client, orderId, { ...order, warehouseTimeout: "30s" });
      const url = await link;
      say(`order ${orderId} (1200.00) waits for a manager; approval link: ${url}`);
      const answer = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ approved: true }),
      });
      say(`the manager clicked it: ${answer.status} ${await answer.text()}`);
      await signalOrderWarehouseReady(client, orderId, { picker: "demo-warehouse" }, `ready-${orderId}`);
      return awaitOrderResult(client, orderId, { timeout: "30s" });
    },
  };
}
