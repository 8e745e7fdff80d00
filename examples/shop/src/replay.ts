import {
  activity,
  defineNamespace,
  output,
  query,
  queue,
  schedule,
  signal,
  tag,
  update,
  workflow,
} from "@replaykit/codegen";
import { askManager, chargePayment, refundPayment, salesTotals, sendEmail, shipOrder } from "./activities.js";
import type {
  ChangeAddress,
  FollowUpInput,
  FollowUpResult,
  OrderInput,
  OrderResult,
  OrderStatus,
  ReviewSubmitted,
  SalesReport,
  SalesReportInput,
  Shipped,
  WarehouseReady,
} from "./types.js";

export default defineNamespace({
  name: "shop",
  workflows: {
    order: workflow<OrderInput, OrderResult>({
      description: "Charge the card, wait for the warehouse, then ship (or refund when the warehouse times out).",
      signals: { warehouseReady: signal<WarehouseReady>({ description: "The stock is picked and packed." }) },
      outputs: { shipped: output<Shipped>({ description: "The parcel was handed to the courier." }) },
      children: ["followUp"],
      // Encrypted on its own in every payload, and hidden by the inspector and the CLI even to whoever holds the keys.
      secret: ["cardNumber"],
      updates: {
        changeAddress: update<ChangeAddress, OrderStatus>({
          description: "Send the parcel elsewhere; refused once the order has left the warehouse.",
        }),
      },
      queries: { status: query<void, OrderStatus>({ description: "Where the order stands." }) },
      // Operators find a customer's orders by it: `replaykit runs list --tag customer=ana@example.com`.
      tags: { customer: tag<string>({ description: "The customer's e-mail address." }) },
    }),
    followUp: workflow<FollowUpInput, FollowUpResult>({
      description: "Thirty days after an order, ask for a review; remind once when none comes within a week.",
      signals: { reviewSubmitted: signal<ReviewSubmitted>({ description: "The customer wrote a review." }) },
      queue: "mail",
    }),
    salesReport: workflow<SalesReportInput, SalesReport>({
      description: "Email the shop's owner what was charged and refunded so far.",
    }),
  },
  activities: {
    chargePayment: activity(chargePayment, {
      description: "Charge the card; a decline is an answer, not an error.",
      retry: { initialInterval: "200ms", maxInterval: "5s" },
      timeout: "10s",
      secret: ["cardNumber"],
    }),
    refundPayment: activity(refundPayment, { description: "Give the money back." }),
    shipOrder: activity(shipOrder, { description: "Book the courier." }),
    // Every attempt goes through queue "email": at most 2 at once across all workers, however many orders ship.
    sendEmail: activity(sendEmail, { description: "Email the customer.", queue: "email" }),
    salesTotals: activity(salesTotals, { description: "Read the payment gateway's totals." }),
    askManager: activity(askManager, { description: "Send a manager the signed link that approves a large order." }),
  },
  queues: {
    email: queue({ description: "Attempts of sendEmail: the mail provider takes 2 connections.", concurrency: 2 }),
    mail: queue({
      description: "Runs that email customers: the mail provider takes 60 new conversations a minute.",
      concurrency: 10,
      rateLimit: { limit: 60, period: "1m" },
    }),
  },
  schedules: {
    nightlySalesReport: schedule({
      description: "The sales report, every night at three in Berlin.",
      workflow: "salesReport",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      input: { to: "owner@shop.example" },
    }),
  },
});
