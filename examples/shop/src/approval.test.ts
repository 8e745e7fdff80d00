import { createTokenHandler } from "@replaykit/runtime";
import { createTestEnv, type TestEnv } from "@replaykit/runtime/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeCourier } from "./backends/courier.js";
import { FakeMailer } from "./backends/mailer.js";
import { LinkDesk } from "./backends/managers.js";
import { FakePaymentGateway } from "./backends/payments.js";
import { shopPayloads } from "./payloads.js";
import { awaitOrderResult, runOrder, signalOrderWarehouseReady } from "./replay_gen.js";
import { startShopWorker } from "./worker.js";

const SECRET = "approval-links-test-secret";
const large = (orderId: string) => ({
  orderId,
  cardNumber: "4242424242424242",
  cents: 80_000,
  address: "1 Main St",
  warehouseTimeout: "3d" as const,
});

// A large order waits for a manager, who answers through the signed link the desk sends; the
// real engine on an in-memory store with virtual time.
describe("a large order's approval link", () => {
  let env: TestEnv;
  let desk: LinkDesk;
  let payments: FakePaymentGateway;
  let stop: () => Promise<void>;

  beforeEach(async () => {
    // The shop's codecs: the card number is a secret field its client must mark.
    env = await createTestEnv({ start: Date.UTC(2030, 0, 1), ...shopPayloads().options });
    desk = new LinkDesk({ baseUrl: "https://shop.example/tokens", secret: SECRET });
    payments = new FakePaymentGateway();
    const worker = startShopWorker(env.client, {
      payments,
      courier: new FakeCourier(),
      mailer: new FakeMailer(),
      managers: desk,
    });
    stop = () => worker.stop();
  });
  afterEach(async () => {
    await stop();
    await env.close();
  });

  /** The link the desk sent for `orderId`, once the run got there. */
  async function linkFor(orderId: string): Promise<string> {
    await env.settle();
    const link = desk.links.get(orderId);
    if (link === undefined) throw new Error(`no approval link for ${orderId}`);
    return link;
  }

  const click = (url: string, decision: unknown) =>
    createTokenHandler({ client: env.client, secret: SECRET }).fetch(
      new Request(url, {
        method: "POST",
        body: JSON.stringify(decision),
        headers: { "content-type": "application/json" },
      }),
    );

  it("ships a large order once a manager approves it through the link", async () => {
    await runOrder(env.client, "big-1", large("big-1"));
    const link = await linkFor("big-1");
    expect(link).toMatch(/^https:\/\/shop\.example\/tokens\/tok_[^?]+\?sig=/);

    const answer = await click(link, { approved: true });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ completed: true });
    await signalOrderWarehouseReady(env.client, "big-1", { picker: "ana" }, "pick-big-1");
    expect(await awaitOrderResult(env.client, "big-1")).toMatchObject({ status: "shipped" });
  });

  it("refunds a large order a manager declines", async () => {
    await runOrder(env.client, "big-2", large("big-2"));
    expect((await click(await linkFor("big-2"), { approved: false })).status).toBe(200);
    expect(await awaitOrderResult(env.client, "big-2")).toEqual({
      status: "refunded",
      chargeId: "ch_big-2",
      reason: "declined by a manager",
    });
    expect(payments.refunds.size).toBe(1);
  });

  it("refunds a large order nobody approves within two days", async () => {
    await runOrder(env.client, "big-3", large("big-3"));
    await linkFor("big-3");
    await env.advance("2d");
    expect(await awaitOrderResult(env.client, "big-3")).toEqual({
      status: "refunded",
      chargeId: "ch_big-3",
      reason: "no approval in time",
    });
    expect(payments.refunds.size).toBe(1);
  });

  it("refuses a tampered link with 403 and leaves the order waiting", async () => {
    await runOrder(env.client, "big-4", large("big-4"));
    const link = await linkFor("big-4");
    const tampered = link.replace(/sig=(.)/, (_, first: string) => `sig=${first === "A" ? "B" : "A"}`);
    expect((await click(tampered, { approved: true })).status).toBe(403);
    await env.advance("2d");
    expect(await awaitOrderResult(env.client, "big-4")).toMatchObject({ reason: "no approval in time" });
  });

  it("asks no manager for an order at or below the limit", async () => {
    await runOrder(env.client, "small-1", { ...large("small-1"), cents: 50_000 });
    await signalOrderWarehouseReady(env.client, "small-1", { picker: "ana" }, "pick-small-1");
    expect(await awaitOrderResult(env.client, "small-1")).toMatchObject({ status: "shipped" });
    expect(desk.links.size).toBe(0);
  });
});
