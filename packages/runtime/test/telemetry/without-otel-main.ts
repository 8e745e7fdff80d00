/**
 * `node --import tsx --import ./hide-otel.mjs without-otel-main.ts`: runs a workflow with an
 * activity, a child and a signal while no @opentelemetry package can be loaded, and prints
 * what it saw as one JSON line.
 */

import type { ActivityContext, RunContext } from "../../src/api.js";
import { createMemoryStore, createStoreClient, createWorker, ReplayError } from "../../src/index.js";
import { otel } from "../../src/telemetry/api.js";

const client = createStoreClient(createMemoryStore());
const worker = createWorker({
  client,
  namespace: "plain",
  workflows: {
    parent: async (ctx: RunContext) => {
      const extra = await ctx.awaitSignal("extra", 10_000);
      const doubled = await ctx.runChild("kid", "kid-1", 21);
      return { doubled, extra };
    },
    kid: async (ctx: RunContext, n: number) => ctx.execActivity("double", n),
  },
  activities: { double: async (_ctx: ActivityContext, _backends: unknown, n: number) => n * 2 },
});
await worker.start();
await client.runWorkflow("plain", "parent", "p-1", null);
await client.signalRun("plain", "parent", "p-1", "extra", "yes", "e-1");
const result = await client.awaitResult("plain", "parent", "p-1", { timeout: "10s" });
await worker.stop();

let metricsError = "none";
const withEndpoint = createWorker({
  client,
  namespace: "plain",
  workflows: { kid: async () => 0 },
  activities: {},
  metrics: { port: 0 },
});
try {
  await withEndpoint.start();
} catch (error) {
  metricsError = error instanceof ReplayError ? `${error.code}: ${error.message}` : String(error);
}
process.stdout.write(`${JSON.stringify({ apiLoaded: otel !== undefined, result, metricsError })}\n`);
