import { createTestEnv, type TestEnv } from "@replaykit/runtime/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeCourier } from "./backends/courier.js";
import { FakeMailer } from "./backends/mailer.js";
import { FakePaymentGateway } from "./backends/payments.js";
import { shopPayloads } from "./payloads.js";
import {
  awaitFollowUpResult,
  awaitOrderResult,
  awaitSalesReportResult,
  FOLLOW_UP_WORKFLOW,
  runFollowUp,
  runOrder,
  SHOP_NAMESPACE,
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
    // schedules: the nightly sales report fires (a test environment fires no schedule unless asked).
    env = await createTestEnv({ start: Date.UTC(2030, 0, 1), schedules: true, ...shopPayloads().options });
    mailer = new FakeMailer();
    const backends = { payments: new FakePaymentGateway(), courier: new FakeCourier(), mailer };
    const worker = startShopWorker(env.client, backends);
    stop = () => worker.stop();
  });
  afterEach(async () => {
    await stop();
    await env.close();
  });

  const emails = (to?: string) =>
    [...mailer.sent.values()]
      .filter((email) => (to === undefined ? email.template !== "sales-report" : email.to === to))
      .map((email) => email.template);

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

  it("starts the review follow-up of a shipped order as a child run, through the mail queue", async () => {
    const order = { orderId: "o-5", cardNumber: "4242424242424242", cents: 1999, address: "1 Main St" };
    await runOrder(env.client, "o-5", { ...order, warehouseTimeout: "2d", email: "cy@example.com" });
    await signalOrderWarehouseReady(env.client, "o-5", { picker: "ana" }, "pick-5");
    expect(await awaitOrderResult(env.client, "o-5")).toMatchObject({ status: "shipped" });
    await env.settle();

    const child = await env.client.getRun(SHOP_NAMESPACE, FOLLOW_UP_WORKFLOW, "follow-up-o-5");
    expect(child).toMatchObject({ queue: "mail", parent: { workflow: "order", runId: "o-5" } });
    expect(await env.client.countRuns({ namespace: SHOP_NAMESPACE, queue: "mail" })).toMatchObject({ waiting: 1 });
    await env.advance("30d");
    expect(emails("cy@example.com")).toEqual(["shipped", "review-request"]);
  });

  it("emails the sales report every night at three in Berlin, named by its tick", async () => {
    const order = { orderId: "o-6", cardNumber: "4242424242424242", cents: 2500, address: "1 Main St" };
    await runOrder(env.client, "o-6", { ...order, warehouseTimeout: "2d" });
    await env.advance("1d");

    // 03:00 in Berlin is 02:00 UTC in winter.
    const report = await awaitSalesReportResult(env.client, "nightlySalesReport@2030-01-01T02:00:00.000Z");
    expect(report).toEqual({ asOf: "2030-01-01T02:00:00.000Z", charges: 1, chargedCents: 2500, refundedCents: 0 });
    expect(emails("owner@shop.example")).toEqual(["sales-report"]);

    // The warehouse does not answer: the order is refunded, and the next night's report says so.
    await env.advance("2d");
    const next = await awaitSalesReportResult(env.client, "nightlySalesReport@2030-01-03T02:00:00.000Z");
    expect(next).toMatchObject({ charges: 1, refundedCents: 2500 });
  });
});
