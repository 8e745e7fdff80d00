// The shop demo: `npm run demo` at the repository root. 20 orders go through the HTTP
// endpoint while warehouse signals arrive at random times; see README.md.
import type { Server } from "node:http";
import { type Client, createClient } from "@replaykit/runtime";
import { createScratchDatabase, startMariaDb } from "@replaykit/runtime/testing";
import { FakeCourier } from "./backends/courier.js";
import { FakeMailer } from "./backends/mailer.js";
import { FakePaymentGateway } from "./backends/payments.js";
import { startApprovalDemo } from "./demo/approval.js";
import { changeAddressScene } from "./demo/change-address.js";
import { Cleanup } from "./demo/cleanup.js";
import { openInspector } from "./demo/inspector.js";
import { type PlannedOrder, planOrders } from "./demo/plan.js";
import { type Counts, describeCounts, showProgress } from "./demo/progress.js";
import { type Outcome, summaryTable } from "./demo/summary.js";
import { createShopServer, listen } from "./http/server.js";
import { migrateOrders } from "./orders.js";
import { SHOP_PAYLOAD_KEY_ENV, shopPayloads } from "./payloads.js";
import { awaitOrderResult, streamOrderShipped } from "./replay_gen.js";
import { traceToConsoleWhenAsked } from "./tracing.js";
import { startShopWorker } from "./worker.js";

const ORDERS = 20;
/** `npm run demo -- --ui`: keep the inspector open on the demo's database when the orders are done. */
const WITH_UI = process.argv.includes("--ui");
const WAREHOUSE_TIMEOUT_MS = 3000;

const cleanup = new Cleanup();
const say = (message: string): void => {
  process.stderr.write(`shop demo: ${message}\n`);
};

let stopping = false;

/** Stops what the demo started, then exits; a second Ctrl-C while stopping does not skip the clean-up. */
function stopAndExit(code: number, why: string): void {
  if (stopping) {
    say(`${why}: still stopping`);
    return;
  }
  stopping = true;
  say(`${why}: stopping the worker, the HTTP server${WITH_UI ? ", the inspector" : ""} and MariaDB`);
  void cleanup.run().then(() => process.exit(code));
}

process.on("SIGINT", () => stopAndExit(130, "SIGINT"));
process.on("SIGTERM", () => stopAndExit(143, "SIGTERM"));
process.on("unhandledRejection", (error) => {
  say(`unexpected error: ${String(error)}`);
  stopAndExit(1, "error");
});

async function main(): Promise<void> {
  const started = performance.now();
  // REPLAY_TRACE=console: every span is printed to stdout (docs/observability.md).
  cleanup.add("tracing", traceToConsoleWhenAsked());
  say(process.env.REPLAY_MYSQL_URL ? "using the server in REPLAY_MYSQL_URL" : "starting a throwaway MariaDB");
  const server = await startMariaDb();
  cleanup.add("MariaDB", () => server.stop());
  const db = await createScratchDatabase(server.url, "shop_demo");
  cleanup.add(`database ${db.name}`, () => db.drop());
  say(`database ${db.name} on ${server.host}:${server.port}; migrating`);
  // Payloads compressed and encrypted, the card number a secret field: the inspector never shows it.
  const payloads = shopPayloads();
  if (payloads.generated) say(`${SHOP_PAYLOAD_KEY_ENV} not set: payloads are encrypted with a key made for this run`);
  const client = createClient({ pool: db.pool }, payloads.options);
  await client.migrate();
  await migrateOrders(db.pool);

  const payments = new FakePaymentGateway();
  const approvals = await startApprovalDemo(client, cleanup);
  const worker = await startShopWorker(
    client,
    { payments, courier: new FakeCourier(), mailer: new FakeMailer(), managers: approvals.desk },
    { concurrency: 64 },
  );
  cleanup.add("the worker", () => worker.stop());
  const http = createShopServer({ pool: db.pool, client, warehouseTimeout: WAREHOUSE_TIMEOUT_MS });
  const base = await listen(http);
  cleanup.add("the HTTP server", () => close(http));
  say(`worker ${worker.identity} and HTTP endpoint ${base} are up`);
  say(`placing ${ORDERS} orders; the warehouse answers at random times or never (timeout ${WAREHOUSE_TIMEOUT_MS} ms)`);

  const counts: Counts = { placed: 0, charged: 0, shipped: 0, refunded: 0, declined: 0 };
  const stopWatching = watchShipped(client, counts);
  cleanup.add("the shipped stream", stopWatching);
  const ordersStarted = performance.now();
  const progress = showProgress(() => {
    counts.charged = payments.charges.size;
    return describeCounts(counts, ORDERS, performance.now() - ordersStarted);
  });
  cleanup.add("the progress line", async () => progress.stop());
  const outcomes = await Promise.all(
    planOrders(ORDERS, WAREHOUSE_TIMEOUT_MS).map((order) => play(order, base, client, counts)),
  );
  progress.stop();

  process.stdout.write(`\n${summaryTable(outcomes)}\n`);
  const large = await approvals.placeLargeOrder(client, say);
  say(`the large order: ${large.status}`);
  await changeAddressScene(client, say);
  if (WITH_UI) {
    const url = await openInspector(client, cleanup);
    say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; the worker keeps running`);
    say(`inspector: ${url}`);
    say("open it in a browser (the token in the link lets it cancel, resume and signal); Ctrl-C stops everything");
    await new Promise<never>(() => {}); // until Ctrl-C: stopAndExit cleans up
  }
  say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; stopping everything it started`);
}

/** Places one order over HTTP, sends its warehouse signal if the plan says so, and waits for its result. */
async function play(order: PlannedOrder, base: string, client: Client, counts: Counts): Promise<Outcome> {
  await delay(order.placeAfterMs);
  const placedAt = performance.now();
  const { orderId, cardNumber, cents, address } = order;
  await post(`${base}/orders`, { orderId, cardNumber, cents, address });
  counts.placed++;
  let signalledAt: number | undefined;
  const warehouse = (async () => {
    if (order.readyAfterMs === undefined) return;
    await delay(order.readyAfterMs);
    signalledAt = performance.now();
    await post(`${base}/orders/${orderId}/warehouse-ready`, { picker: "demo-warehouse", eventId: `ready-${orderId}` });
  })();
  const [result] = await Promise.all([awaitOrderResult(client, orderId, { timeout: "30s" }), warehouse]);
  const endedAt = performance.now();
  if (result.status === "refunded") counts.refunded++;
  if (result.status === "declined") counts.declined++;
  return {
    orderId,
    result,
    totalMs: endedAt - placedAt,
    afterSignalMs: result.status === "shipped" && signalledAt !== undefined ? endedAt - signalledAt : undefined,
  };
}

/** Counts the typed "shipped" outputs as they are committed; returns a function that stops following. */
function watchShipped(client: Client, counts: Counts): () => Promise<void> {
  const abort = new AbortController();
  const following = (async () => {
    for await (const _event of streamOrderShipped(client, { follow: true, signal: abort.signal })) counts.shipped++;
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) say(`the shipped stream failed: ${String(error)}`);
  });
  return async () => {
    abort.abort();
    await following;
  };
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

main()
  .then(() => stopping || cleanup.run().then(() => process.exit(0)))
  .catch(async (error: unknown) => {
    if (stopping) return; // interrupted: stopAndExit is cleaning up
    process.stderr.write(
      `\nshop demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await cleanup.run();
    process.exit(1);
  });
