import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShopServer, listen } from "../src/http/server.js";
import { streamOrderShipped } from "../src/replay_gen.js";
import { useShop, waitFor } from "./helpers.js";

const shop = useShop();
let server: Server;
let base: string;

beforeAll(async () => {
  await shop.startWorker();
  server = createShopServer({ pool: shop.pool, client: shop.client, warehouseTimeout: "30s" });
  base = await listen(server);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

async function resultOf(id: string): Promise<unknown> {
  let body: { status?: string; result?: unknown } = {};
  await waitFor(`order ${id} ends`, async () => {
    body = (await call("GET", `/orders/${id}`)).json as typeof body;
    return body.status !== "running";
  });
  return body.result;
}

const card = { cardNumber: "4242424242424242", cents: 4200, address: "3 Dock Ln" };

describe("the shop's HTTP endpoint", () => {
  it("takes an order, ships it after warehouse-ready, and streams the shipped output", async () => {
    expect(await call("POST", "/orders", { ...card, orderId: "http-ok" })).toEqual({
      status: 202,
      json: { runId: "http-ok" },
    });
    const ready = await call("POST", "/orders/http-ok/warehouse-ready", { picker: "cy" });
    expect(ready).toEqual({ status: 202, json: { accepted: true } });

    expect(await resultOf("http-ok")).toEqual({ status: "shipped", chargeId: "ch_http-ok", trackingId: "trk_http-ok" });
    const shipped = [];
    for await (const event of streamOrderShipped(shop.client, { runId: "http-ok" })) shipped.push(event.message);
    expect(shipped).toEqual([{ orderId: "http-ok", trackingId: "trk_http-ok", picker: "cy" }]);
  });

  it("declines a card ending in 0000 without charging it", async () => {
    await call("POST", "/orders", { ...card, orderId: "http-declined", cardNumber: "4000000000000000" });

    expect(await resultOf("http-declined")).toEqual({ status: "declined", reason: "card ending in 0000 was declined" });
    expect([...shop.payments.charges.keys()]).not.toContain("ch_http-declined");
  });

  it("refunds when the warehouse does not answer before the order's timeout", async () => {
    await call("POST", "/orders", { ...card, orderId: "http-late", warehouseTimeout: "300ms" });

    expect(await resultOf("http-late")).toEqual({
      status: "refunded",
      chargeId: "ch_http-late",
      reason: "warehouse timed out",
    });
    expect(shop.courier.bookings.size).toBe(1); // only http-ok shipped
  });

  it("answers 409 for an order id taken, 400 for a bad body and 404 for an unknown order", async () => {
    expect((await call("POST", "/orders", { ...card, orderId: "http-ok" })).status).toBe(409);
    expect(await call("POST", "/orders", { ...card, cents: -1 })).toEqual({
      status: 400,
      json: { error: "cents must be a positive integer" },
    });
    expect((await call("GET", "/orders/nope")).status).toBe(404);
    expect((await call("POST", "/orders/nope/warehouse-ready", { picker: "cy" })).status).toBe(404);
  });
});
