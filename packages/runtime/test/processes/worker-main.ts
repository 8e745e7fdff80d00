/**
 * A worker process for the multi-process tests: `node --import tsx worker-main.ts`, configured by
 * the JSON in REPLAYKIT_CHILD. Runs until SIGTERM (graceful stop, exit 0) or SIGKILL.
 */
import { createClient, createWorker } from "../../src/index.js";
import { CHILD_CONFIG_ENV, parseChildConfig, READY_LINE, UNHANDLED_MARKER } from "./config.js";
import { activities, type ProcessBackends, triggers, workflows } from "./workflows.js";

const describe = (value: unknown) => (value instanceof Error ? (value.stack ?? value.message) : String(value));

process.on("unhandledRejection", (reason) => {
  process.stderr.write(`${UNHANDLED_MARKER}: ${describe(reason)}\n`);
});
process.on("uncaughtException", (error) => {
  process.stderr.write(`${UNHANDLED_MARKER} (uncaughtException): ${describe(error)}\n`);
  process.exit(70);
});

const config = parseChildConfig(process.env[CHILD_CONFIG_ENV]);
const client = createClient(config.urls ? { uris: config.urls } : { uri: config.url });
const backends: ProcessBackends = {
  pool: client.pool,
  worker: config.identity,
  delayMs: config.activityDelayMs ?? 0,
};
const worker = createWorker({
  client,
  namespace: config.namespace,
  workflows,
  activities,
  backends,
  identity: config.identity,
  leaseMs: config.leaseMs,
  maxPollIntervalMs: config.maxPollIntervalMs ?? 200,
  ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
  ...(config.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: config.stopTimeoutMs }),
  ...(config.shards === undefined ? {} : { shards: config.shards }),
  ...(config.queues === undefined ? {} : { queues: config.queues }),
  ...(config.triggers ? { triggers } : {}),
});

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void worker
    .stop()
    .then(() => client.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${describe(error)}\n`);
        process.exit(1);
      },
    );
});

await worker.start();
process.stdout.write(`${READY_LINE} ${config.identity}\n`);
