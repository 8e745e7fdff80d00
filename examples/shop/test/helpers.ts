import { type Client, createClient, type StreamEvent, type Worker } from "@replaykit/runtime";
import { createScratchDatabase, type ScratchDatabase } from "@replaykit/runtime/testing";
import { afterAll, beforeAll, inject } from "vitest";
import { FakeCourier } from "../src/backends/courier.js";
import { FakeMailer } from "../src/backends/mailer.js";
import { FakePaymentGateway } from "../src/backends/payments.js";
import { migrateOrders } from "../src/orders.js";
import { shopPayloads } from "../src/payloads.js";
import { ORDER_WORKFLOW, SHOP_NAMESPACE } from "../src/replay_gen.js";
import type { Backends } from "../src/types.js";
import { startShopWorker } from "../src/worker.js";

/** A scratch database with replaykit's and the shop's tables, fake backends, and workers stopped after the file. */
export function useShop() {
  const env = {} as { db: ScratchDatabase; client: Client };
  const payments = new FakePaymentGateway();
  const courier = new FakeCourier();
  const backends: Backends = { payments, courier, mailer: new FakeMailer() };
  const running = new Set<Worker>();
  beforeAll(async () => {
    env.db = await createScratchDatabase(inject("mysqlUrl"));
    env.client = createClient({ pool: env.db.pool }, shopPayloads().options);
    await env.client.migrate();
    await migrateOrders(env.db.pool);
  });
  afterAll(async () => {
    await Promise.all([...running].map((worker) => worker.stop()));
    await env.db.drop();
  });
  return {
    payments,
    courier,
    get client() {
      return env.client;
    },
    get pool() {
      return env.db.pool;
    },
    /** Starts a worker with a short lease and poll interval; `stop()` it or leave it to afterAll. */
    async startWorker(): Promise<Worker> {
      const worker = await startShopWorker(env.client, backends, { leaseMs: 5000, maxPollIntervalMs: 100 });
      running.add(worker);
      return {
        identity: worker.identity,
        start: () => worker.start(),
        stop: async () => {
          running.delete(worker);
          await worker.stop();
        },
      };
    },
  };
}

/** The events of one order run so far, in commit order. */
export async function eventsOf(client: Client, runId: string): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of client.stream({ namespace: SHOP_NAMESPACE, workflow: ORDER_WORKFLOW, runId })) {
    events.push(event);
  }
  return events;
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves once the run is suspended in awaitWarehouseReady. */
export function untilWaitingForWarehouse(client: Client, runId: string): Promise<void> {
  return waitFor(`${runId} waits for warehouseReady`, async () =>
    (await eventsOf(client, runId)).some((event) => event.type === "signal_request"),
  );
}
