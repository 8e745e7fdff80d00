// The shop as a service against your own MySQL/MariaDB:
//   npm run build -w @replaykit/example-shop
//   REPLAY_MYSQL_URL=mysql://user:pass@host:3306/shop PORT=3000 npm run serve -w @replaykit/example-shop
// SHOP_PAYLOAD_KEY (64 hex digits) is the key its payloads are encrypted with (see src/payloads.ts).
// With SHOP_VERSION=<release>, runs are pinned to the release that started them, and this
// process works only on those (and on runs pinned to none): see "Version pinning" in docs/evolving-workflows.md.
import { createClient } from "@replaykit/runtime";
import { createPool } from "mysql2/promise";
import { FakeCourier } from "./backends/courier.js";
import { FakeMailer } from "./backends/mailer.js";
import { FakePaymentGateway } from "./backends/payments.js";
import { createShopServer, listen } from "./http/server.js";
import { migrateOrders } from "./orders.js";
import { SHOP_PAYLOAD_KEY_ENV, shopPayloads } from "./payloads.js";
import { traceToConsoleWhenAsked } from "./tracing.js";
import { startShopWorker } from "./worker.js";

const url = process.env.REPLAY_MYSQL_URL;
if (!url) {
  process.stderr.write("shop: set REPLAY_MYSQL_URL, e.g. REPLAY_MYSQL_URL=mysql://root@127.0.0.1:3306/shop\n");
  process.exit(1);
}

// REPLAY_TRACE=console prints every span to stdout (docs/observability.md).
const stopTracing = traceToConsoleWhenAsked();
const version = process.env.SHOP_VERSION || undefined;
const pool = createPool({ uri: url });
const payloads = shopPayloads();
if (payloads.generated) {
  process.stderr.write(
    `shop: ${SHOP_PAYLOAD_KEY_ENV} is not set: this process encrypts with a key of its own, and no other process (nor this one after a restart) can read its runs; set it, e.g. ${SHOP_PAYLOAD_KEY_ENV}=$(openssl rand -hex 32)\n`,
  );
}
const client = createClient({ pool }, { ...payloads.options, ...(version === undefined ? {} : { version }) });
await client.migrate();
await migrateOrders(pool);
const backends = { payments: new FakePaymentGateway(), courier: new FakeCourier(), mailer: new FakeMailer() };
const worker = startShopWorker(client, backends, version === undefined ? {} : { version });
const server = createShopServer({ pool, client });
const base = await listen(server, Number(process.env.PORT ?? 3000));
process.stderr.write(`shop: worker ${worker.identity} running; HTTP on ${base} (POST /orders, GET /orders/:id)\n`);

const stop = async () => {
  server.close();
  await worker.stop();
  await stopTracing();
  await pool.end();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
