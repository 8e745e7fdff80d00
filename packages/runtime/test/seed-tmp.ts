import { writeFileSync } from "node:fs";
import { createClient, createWorker, NonRetryableError } from "../src/index.js";
import { createScratchDatabase, startMariaDb } from "../src/testing/index.js";

const server = await startMariaDb({ forceLocal: true });
const db = await createScratchDatabase(server.url, "rk");
const client = createClient({ pool: db.pool });
await client.migrate();
const worker = createWorker({
  client,
  namespace: "shop",
  logger: { info() {}, warn() {}, error() {} },
  workflows: {
    order: async (ctx: any, input: any) => {
      const charge = await ctx.execActivity("charge", input);
      const ready = await ctx.awaitSignal("warehouseReady", "1h");
      await ctx.emitOutput("shipped", { ready });
      return { charge, ready };
    },
    broken: async (ctx: any) => ctx.execActivity("missing", null),
    flaky: async (ctx: any) =>
      ctx.execActivity("typeError", { card: 42 }, { retry: { initialInterval: "1s", maxInterval: "2s" } }),
  },
  activities: {
    charge: async (_c: any, _b: any, input: any) => ({ ok: true, cents: input.cents }),
    typeError: async (_c: any, _b: any, input: any) => input.card.trim(),
  },
});
await worker.start();
for (let i = 0; i < 5; i++)
  await client.runWorkflow("shop", "order", `o-${i}`, { cents: 100 * i, note: "<script>alert(1)</script>" });
await client.runWorkflow("shop", "broken", "b-1", null);
await client.runWorkflow("shop", "flaky", "f-1", null);
await new Promise((r) => setTimeout(r, 1500));
await client.signalRun("shop", "order", "o-1", "warehouseReady", { picker: "ann" }, "e1");
await client.signalRun("shop", "order", "o-2", "other", { x: 1 }, "e2");
await new Promise((r) => setTimeout(r, 3000));
writeFileSync("/tmp/rk/url", db.url);
console.log(db.url, server.pid);
await worker.stop();
await client.close();
// keep the server running
setInterval(() => {}, 1 << 30);
