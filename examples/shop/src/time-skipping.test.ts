import { createTestEnv, type TestEnv } from "@replaykit/runtime/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeCourier } from "./backends/courier.js";
import { FakeMailer } from "./backends/mailer.js";
import { FakePaymentGateway } from "./backends/payments.js";
import {
  awaitFollowUpResult,
  awaitOrderResult,
  runFollowUp,
  runOrder,
  signalFollowUpReviewSubmitted,
  signalOrderWarehouseReady,
} from "./replay_gen.js";
import { startShopWorker } from "./worker.js";

// The real engine on an in-memory store with virtual time: no database, no waiting. A month
// of sleeping and a week of waiting for a signal take milliseconds.
describe("the shop's workflows in a test environment", () => {
  let env: TestEnv;
  let mailer: FakeMailer;
  let stop: () => Promise<void>;

  beforeEach(async () => {
    env = await createTestEnv({ start: Date.UTC(2030, 0, 1) });
    mailer = new FakeMailer();
    const backends = { payments: new FakePaymentGateway(), courier: new FakeCourier(), mailer };
    const worker = startShopWorker(env.client, backends);
    stop = () => worker.stop();
  });
  afterEach(async () => {
    await stop();
    await env.close();
  });

  const emails = () => [...mailer.sent.values()].map((email) => email.template);

  it("asks for a review after 30 days and reminds once when none comes within a week", async () => {
    await runFollowUp(env.client, "follow-1", { orderId: "o-1", email: "ana@example.com" });
    await env.advance("29d");
    expect(emails()).toEqual([]);

    await env.advance("1d");
    expect(emails()).toEqual(["review-request"]);

    await env.advance("7d");
    expect(emails()).toEqual(["review-request", "review-reminder"]);
    expect(await awaitFollowUpResult(env.client, "follow-1")).toEqual({ status: "no review" });
    expect(env.now().toISOString()).toBe("2030-02-07T00:00:00.000Z");
  });

  it("takes a review that arrives during the week, and sends no reminder", async () => {
    await runFollowUp(env.client, "follow-2", { orderId: "o-2", email: "bo@example.com" });
    await env.advance("33d");
    await signalFollowUpReviewSubmitted(env.client, "follow-2", { stars: 5 }, "review-1");
    expect(await awaitFollowUpResult(env.client, "follow-2")).toEqual({ status: "reviewed", stars: 5 });
    expect(emails()).toEqual(["review-request"]);
  });

  it("refunds an order whose warehouse does not answer within two days", async () => {
    const order = { orderId: "o-3", cardNumber: "4242424242424242", cents: 1999, address: "1 Main St" };
    await runOrder(env.client, "o-3", { ...order, warehouseTimeout: "2d" });
    await env.advance("2d");
    expect(await awaitOrderResult(env.client, "o-3")).toMatchObject({ status: "refunded" });
  });

  it("refunds the charge when the courier refuses the address (the order's saga)", async () => {
    const order = { orderId: "o-4", cardNumber: "4242424242424242", cents: 700, address: "1 nowhere lane" };
    await runOrder(env.client, "o-4", { ...order, warehouseTimeout: "2d" });
    await signalOrderWarehouseReady(env.client, "o-4", { picker: "ana" }, "pick-4");
    expect(await awaitOrderResult(env.client, "o-4")).toEqual({
      status: "refunded",
      chargeId: "ch_o-4",
      reason: "not shippable",
    });
  });
});
