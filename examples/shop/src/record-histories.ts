// Records the histories that src/histories.test.ts replays: `npm run record-histories -w
// @replaykit/example-shop` runs three orders on a throwaway MariaDB (or REPLAY_MYSQL_URL) with
// today's code and writes each run's history to histories/<run id>.json. In an app, export
// histories from production the same way (client.getHistory) and replay them in CI.
import { writeFileSync } from "node:fs";
import { createClient } from "@replaykit/runtime";
import { createScratchDatabase, type RunHistory, startMariaDb } from "@replaykit/runtime/testing";
import { FakeCourier } from "./backends/courier.js";
import { FakeMailer } from "./backends/mailer.js";
import { FakePaymentGateway } from "./backends/payments.js";
import { shopPayloads } from "./payloads.js";
import { awaitOrderResult, ORDER_WORKFLOW, runOrder, SHOP_NAMESPACE, signalOrderWarehouseReady } from "./replay_gen.js";
import { startShopWorker } from "./worker.js";

const say = (message: string) => process.stderr.write(`record-histories: ${message}\n`);

async function main(): Promise<void> {
  const server = await startMariaDb();
  const db = await createScratchDatabase(server.url, "shop_histories");
  const client = createClient({ pool: db.pool }, shopPayloads().options);
  try {
    await client.migrate();
    const backends = { payments: new FakePaymentGateway(), courier: new FakeCourier(), mailer: new FakeMailer() };
    const worker = startShopWorker(client, backends);
    const card = "4242424242424242";
    await runOrder(client, "order-shipped", {
      orderId: "order-shipped",
      cardNumber: card,
      cents: 1999,
      address: "1 Main St",
      warehouseTimeout: "1h",
    });
    await signalOrderWarehouseReady(client, "order-shipped", { picker: "ana" }, "pick-1");
    await runOrder(client, "order-refunded", {
      orderId: "order-refunded",
      cardNumber: card,
      cents: 500,
      address: "2 Side St",
      warehouseTimeout: "200ms",
    });
    // With an email: the shipping notice and the follow-up child (patches shipped-email and follow-up).
    await runOrder(client, "order-followed-up", {
      orderId: "order-followed-up",
      cardNumber: card,
      cents: 2500,
      address: "3 High St",
      warehouseTimeout: "1h",
      email: "ana@example.com",
    });
    await signalOrderWarehouseReady(client, "order-followed-up", { picker: "bo" }, "pick-3");
    for (const runId of ["order-shipped", "order-refunded", "order-followed-up"]) {
      const result = await awaitOrderResult(client, runId, { timeout: "30s" });
      const events = await client.getHistory(SHOP_NAMESPACE, ORDER_WORKFLOW, runId);
      const history: RunHistory = { namespace: SHOP_NAMESPACE, workflow: ORDER_WORKFLOW, runId, events };
      const path = new URL(`../histories/${runId}.json`, import.meta.url);
      writeFileSync(path, `${JSON.stringify(history, null, 2)}\n`);
      say(`${runId}: ${JSON.stringify(result)}; ${events.length} events written to histories/${runId}.json`);
    }
    await worker.stop();
  } finally {
    await client.close();
    await db.drop();
    await server.stop();
  }
}

await main();
