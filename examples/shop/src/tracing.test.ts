import { trace } from "@opentelemetry/api";
import { createTestEnv } from "@replaykit/runtime/testing";
import { afterEach, expect, it, vi } from "vitest";
import { FakeCourier } from "./backends/courier.js";
import { FakeMailer } from "./backends/mailer.js";
import { FakePaymentGateway } from "./backends/payments.js";
import { shopPayloads } from "./payloads.js";
import { awaitOrderResult, runOrder, signalOrderWarehouseReady } from "./replay_gen.js";
import { traceToConsoleWhenAsked } from "./tracing.js";
import { startShopWorker } from "./worker.js";

afterEach(() => vi.unstubAllEnvs());

it("prints nothing and registers nothing unless REPLAY_TRACE=console", async () => {
  const lines: string[] = [];
  const stop = traceToConsoleWhenAsked((line) => lines.push(line));
  trace.getTracer("test").startSpan("unseen").end();
  await stop();
  expect(lines).toEqual([]);
});

it("with REPLAY_TRACE=console, prints one line per span: an order's request, run and activities in one trace", async () => {
  vi.stubEnv("REPLAY_TRACE", "console");
  const lines: string[] = [];
  const stop = traceToConsoleWhenAsked((line) => lines.push(line));
  const env = await createTestEnv({ start: Date.UTC(2030, 0, 1), ...shopPayloads().options });
  const worker = startShopWorker(env.client, {
    payments: new FakePaymentGateway(),
    courier: new FakeCourier(),
    mailer: new FakeMailer(),
  });
  try {
    const order = { orderId: "o-t", cardNumber: "4242424242424242", cents: 500, address: "1 Main St" };
    const http = trace.getTracer("test-http");
    await http.startActiveSpan("POST /orders", async (span) => {
      await runOrder(env.client, "o-t", { ...order, warehouseTimeout: "2d" });
      span.end();
    });
    await signalOrderWarehouseReady(env.client, "o-t", { picker: "ana" }, "pick-t");
    expect(await awaitOrderResult(env.client, "o-t")).toMatchObject({ status: "shipped" });
  } finally {
    await worker.stop();
    await env.close();
    await stop();
  }
  const request = lines.find((line) => line.includes("  POST /orders  "));
  const traceId = request?.slice("trace ".length, "trace ".length + 8);
  const ofOrder = lines.filter((line) => line.startsWith(`trace ${traceId} `));
  expect(ofOrder.some((line) => line.includes("  replaykit.start  "))).toBe(true);
  expect(ofOrder.some((line) => line.includes("  replaykit.workflow  ") && line.includes("run_id=o-t"))).toBe(true);
  for (const activity of ["chargePayment", "shipOrder"]) {
    expect(ofOrder.filter((line) => line.includes(`activity=${activity} `))).toHaveLength(1);
  }
  expect(lines.every((line) => line.endsWith("\n") && line.split("\n").length === 2)).toBe(true);
});
