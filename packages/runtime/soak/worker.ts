/**
 * A soak worker process: `node --import tsx soak/worker.ts`, with SOAK_URL and SOAK_IDENTITY.
 * Prints "SOAK_WORKER_READY" once running; SIGTERM stops it gracefully.
 */
import { createClient, createWorker } from "../src/index.js";
import { activities, NAMESPACE, workflows } from "./workflows.js";

const url = process.env.SOAK_URL;
const identity = process.env.SOAK_IDENTITY ?? `soak-${process.pid}`;
if (!url) throw new Error("set SOAK_URL to the soak database's URL");

const client = createClient({ uri: url });
const worker = createWorker({
  client,
  namespace: NAMESPACE,
  workflows,
  activities,
  backends: {},
  identity,
  leaseMs: 5000,
  concurrency: 64,
  maxPollIntervalMs: 200,
});
process.on("SIGTERM", () => {
  void worker
    .stop()
    .then(() => client.close())
    .then(() => process.exit(0));
});
await worker.start();
process.stdout.write("SOAK_WORKER_READY\n");
