import type { Duration } from "@replaykit/runtime";
import type { Courier } from "./backends/courier.js";
import type { Email, Mailer } from "./backends/mailer.js";
import type { ApprovalRequest, ManagerDesk } from "./backends/managers.js";
import type { PaymentGateway, SalesTotals } from "./backends/payments.js";

export type { SalesTotals };

/** What every activity of namespace "shop" receives. */
export interface Backends {
  readonly payments: PaymentGateway;
  readonly courier: Courier;
  readonly mailer: Mailer;
  /** Where large orders go for approval; without one their approval is never asked for, and they are refunded after two days. */
  readonly managers?: ManagerDesk;
}

export interface OrderInput {
  readonly orderId: string;
  readonly cardNumber: string;
  readonly cents: number;
  readonly address: string;
  /** How long to wait for the warehouse before refunding, e.g. "2d" (the demo uses seconds). */
  readonly warehouseTimeout: Duration;
  /** Where to send the shipping notice, if anywhere. */
  readonly email?: string;
}

export type OrderResult =
  | { readonly status: "shipped"; readonly chargeId: string; readonly trackingId: string }
  | {
      readonly status: "refunded";
      readonly chargeId: string;
      readonly reason: "warehouse timed out" | "not shippable" | "declined by a manager" | "no approval in time";
    }
  | { readonly status: "declined"; readonly reason: string };

export interface ChargeInput {
  readonly orderId: string;
  readonly cardNumber: string;
  readonly cents: number;
}

/** A declined card is an answer, not an error: the workflow decides what to do with it. */
export type ChargeResult =
  | { readonly ok: true; readonly chargeId: string }
  | { readonly ok: false; readonly reason: string };

export interface RefundInput {
  readonly orderId: string;
  readonly chargeId: string;
  readonly cents: number;
}

export interface RefundResult {
  readonly refundId: string;
}

export interface ShipInput {
  readonly orderId: string;
  readonly address: string;
}

export interface ShipResult {
  readonly trackingId: string;
}

/** The `changeAddress` update: where the parcel goes instead. */
export interface ChangeAddress {
  readonly address: string;
}

/** Where an order stands, as the `status` query answers. */
export interface OrderStatus {
  readonly stage: "charging" | "awaiting warehouse" | "shipping" | "shipped" | "refunded" | "declined";
  /** Where the parcel goes (or went). */
  readonly address: string;
  readonly trackingId?: string;
}

export interface WarehouseReady {
  /** Who picked the stock. */
  readonly picker: string;
}

export interface Shipped {
  readonly orderId: string;
  readonly trackingId: string;
  readonly picker: string;
}

export interface FollowUpInput {
  readonly orderId: string;
  readonly email: string;
}

export type FollowUpResult = { readonly status: "reviewed"; readonly stars: number } | { readonly status: "no review" };

export interface ReviewSubmitted {
  /** 1 to 5. */
  readonly stars: number;
}

export type SendEmailInput = Email;

export interface SalesReportInput {
  /** Who gets the report. */
  readonly to: string;
}

export interface SalesReport extends SalesTotals {
  /** The tick of the schedule that started the report (ISO 8601), or when it ran. */
  readonly asOf: string;
}

export type AskManagerInput = ApprovalRequest;

export interface AskManagerResult {
  /** False when the shop has no manager desk: nobody is asked, and the approval times out. */
  readonly asked: boolean;
}
