import { type Duration, toMillis } from "@replaykit/runtime";
import type { OrderInput, WarehouseReady } from "../types.js";
import { HttpError } from "./json.js";

const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a `POST /orders` body; `orderId` is chosen by the server when absent. */
export function toOrderInput(
  body: Record<string, unknown>,
  defaults: { readonly orderId: string; readonly warehouseTimeout: Duration },
): OrderInput {
  const { cardNumber, cents, address } = body;
  const orderId = body.orderId ?? defaults.orderId;
  const warehouseTimeout = body.warehouseTimeout ?? defaults.warehouseTimeout;
  if (typeof orderId !== "string" || !ORDER_ID.test(orderId)) {
    throw new HttpError(400, "orderId must be 1 to 64 letters, digits, '_' or '-'");
  }
  if (typeof cardNumber !== "string" || !/^\d{12,19}$/.test(cardNumber)) {
    throw new HttpError(400, "cardNumber must be a string of 12 to 19 digits");
  }
  if (typeof cents !== "number" || !Number.isSafeInteger(cents) || cents <= 0) {
    throw new HttpError(400, "cents must be a positive integer");
  }
  if (typeof address !== "string" || address.trim() === "")
    throw new HttpError(400, "address must be a non-empty string");
  return { orderId, cardNumber, cents, address, warehouseTimeout: toDuration(warehouseTimeout) };
}

/** Checks a `POST /orders/:id/warehouse-ready` body. */
export function toWarehouseReady(body: Record<string, unknown>): WarehouseReady {
  if (typeof body.picker !== "string" || body.picker === "")
    throw new HttpError(400, "picker must be a non-empty string");
  return { picker: body.picker };
}

function toDuration(value: unknown): Duration {
  try {
    if (typeof value !== "number" && typeof value !== "string") throw new Error("not a duration");
    toMillis(value as Duration);
    return value as Duration;
  } catch {
    throw new HttpError(400, 'warehouseTimeout must be milliseconds or a string like "30s" or "2d"');
  }
}
