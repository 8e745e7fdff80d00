import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Client, Duration } from "@replaykit/runtime";
import type { Pool } from "mysql2/promise";
import { placeOrder } from "../orders.js";
import { ORDER_WORKFLOW, SHOP_NAMESPACE, signalOrderWarehouseReady } from "../replay_gen.js";
import { HttpError, readJson, sendJson } from "./json.js";
import { toOrderInput, toWarehouseReady } from "./validate.js";

export interface ShopServerOptions {
  readonly pool: Pool;
  readonly client: Client;
  /** Used when a new order does not say; default "2d". */
  readonly warehouseTimeout?: Duration;
}

/**
 * The shop's HTTP endpoint:
 * - `POST /orders` `{ cardNumber, cents, address, orderId?, warehouseTimeout? }` -> 202 `{ runId }`
 * - `POST /orders/:id/warehouse-ready` `{ picker, eventId? }` -> 202 `{ accepted }`
 * - `GET /orders/:id` -> 200 `{ runId, status, result?, error? }`
 */
export function createShopServer(options: ShopServerOptions): Server {
  return createServer((request, response) => {
    // A server span per request (a no-op unless a tracer provider is registered): the run an
    // order starts stores its context, so the workflow and its activities join this trace.
    tracer.startActiveSpan(`${request.method} /orders`, { kind: SpanKind.SERVER }, (span) => {
      span.setAttribute("url.path", request.url ?? "/");
      route(options, request, response)
        .catch((error: unknown) => {
          if (error instanceof HttpError) return sendJson(response, error.status, { error: error.message });
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
          console.error("shop: request failed:", error);
          sendJson(response, 500, { error: "internal error" });
        })
        .finally(() => {
          span.setAttribute("http.response.status_code", response.statusCode);
          span.end();
        });
    });
  });
}

const tracer = trace.getTracer("shop-http");

/** Listens on a free loopback port; resolves to the base URL. */
export async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function route(options: ShopServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const [first, id, action, ...rest] = path.split("/").filter(Boolean);
  if (first !== "orders" || rest.length > 0) throw new HttpError(404, `no route ${request.method} ${path}`);
  if (request.method === "POST" && id === undefined) return createOrder(options, request, response);
  if (request.method === "POST" && id !== undefined && action === "warehouse-ready") {
    return warehouseReady(options, id, request, response);
  }
  if (request.method === "GET" && id !== undefined && action === undefined) return orderStatus(options, id, response);
  throw new HttpError(404, `no route ${request.method} ${path}`);
}

async function createOrder(options: ShopServerOptions, request: IncomingMessage, response: ServerResponse) {
  const input = toOrderInput(await readJson(request), {
    orderId: randomUUID(),
    warehouseTimeout: options.warehouseTimeout ?? "2d",
  });
  try {
    await placeOrder(options.pool, options.client, input);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ER_DUP_ENTRY")
      throw new HttpError(409, `order ${input.orderId} exists`);
    throw error;
  }
  sendJson(response, 202, { runId: input.orderId });
}

async function warehouseReady(
  options: ShopServerOptions,
  id: string,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const body = await readJson(request);
  const message = toWarehouseReady(body);
  if (!(await options.client.getRun(SHOP_NAMESPACE, ORDER_WORKFLOW, id))) throw new HttpError(404, `no order ${id}`);
  // The warehouse may deliver the same event twice; the externalId makes the second a no-op.
  const eventId = typeof body.eventId === "string" && body.eventId !== "" ? body.eventId : "warehouse-ready";
  const accepted = await signalOrderWarehouseReady(options.client, id, message, eventId);
  sendJson(response, 202, { accepted });
}

async function orderStatus(options: ShopServerOptions, id: string, response: ServerResponse) {
  const run = await options.client.getRun(SHOP_NAMESPACE, ORDER_WORKFLOW, id);
  if (!run) throw new HttpError(404, `no order ${id}`);
  const { runId, status, result, error } = run;
  sendJson(response, 200, { runId, status, result, error });
}
