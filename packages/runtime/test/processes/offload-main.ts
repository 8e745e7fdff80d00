/**
 * A worker process for the offload kill test: `node --import tsx offload-main.ts`, configured by
 * the JSON in REPLAYKIT_OFFLOAD. Its payloads above 1 KiB go to a directory; with `hangAfterPut`
 * it prints PUT_DONE once it has written a payload's bytes and then never commits the step that
 * references them, so the test can SIGKILL it right there.
 */
import { randomUUID } from "node:crypto";
import { createClient, createWorker, filePayloadStore, type PayloadStore } from "../../src/index.js";

export interface OffloadConfig {
  readonly url: string;
  readonly dir: string;
  readonly identity: string;
  readonly leaseMs: number;
  readonly hangAfterPut: boolean;
}

const config = JSON.parse(process.env.REPLAYKIT_OFFLOAD ?? "{}") as OffloadConfig;
const files = filePayloadStore(config.dir);
const payloadStore: PayloadStore = {
  ...files,
  async put(ref, bytes) {
    await files.put(ref, bytes);
    if (!config.hangAfterPut) return;
    process.stdout.write(`PUT_DONE ${ref.id}\n`);
    await new Promise<never>(() => {});
  },
};
const client = createClient({ uri: config.url }, { payloadStore, offloadAbove: 1024 });
const worker = createWorker({
  client,
  namespace: "offload-kill",
  identity: config.identity,
  leaseMs: config.leaseMs,
  maxPollIntervalMs: 100,
  workflows: { report: async (ctx) => ((await ctx.execActivity("render", null)) as string).length },
  // Each attempt renders other bytes, so the killed attempt's payload is an orphan of its own.
  activities: { render: async () => `${randomUUID()}:${"r".repeat(4000)}` },
});
await worker.start();
process.stdout.write("READY\n");
