/**
 * A replaykit worker in its own process, for W7 (scale-out) and W8 (memory): started with
 * fork() by the bench, it talks over the IPC channel.
 *
 *   parent -> child: { type: "start", url, mode, concurrency, cacheSize }  (mode: "steps" | "suspend")
 *   child -> parent: { type: "ready" } once the worker runs; { type: "reached", count } as
 *                    "suspend" runs reach their signal wait; { type: "memory", rss, heapUsed }
 *                    in answer to { type: "memory" } (after a full GC when --expose-gc is on);
 *   parent -> child: { type: "stop" } -> the worker stops, the child exits.
 */

import { createClient, createWorker, type RunContext } from "@replaykit/runtime";
import { replaykitPool } from "../systems/pool-size.js";
import { STEPS_SETUP } from "../systems/steps.js";

export interface StartMessage {
  readonly type: "start";
  readonly url: string;
  readonly concurrency: number;
  readonly cacheSize: number;
}

export type ToChild = StartMessage | { readonly type: "memory" } | { readonly type: "stop" };
export type FromChild =
  | { readonly type: "ready" }
  | { readonly type: "reached"; readonly count: number }
  | { readonly type: "memory"; readonly rss: number; readonly heapUsed: number };

const send = (message: FromChild) => process.send?.(message);

/** Runs that reached their wait in this process (first sighting only: replays do not count). */
const reached = new Set<string>();
let reporting = false;

async function awaitGo(ctx: RunContext): Promise<string> {
  if (!reached.has(ctx.runId)) {
    reached.add(ctx.runId);
    // Reported in batches: 10,000 runs must not mean 10,000 IPC messages.
    if (!reporting) {
      reporting = true;
      setTimeout(() => {
        reporting = false;
        send({ type: "reached", count: reached.size });
      }, 50);
    }
  }
  await ctx.awaitSignal("go", "1h");
  return "went";
}

let stop: (() => Promise<void>) | undefined;

process.on("message", (message: ToChild) => {
  void (async () => {
    if (message.type === "start") {
      const pool = replaykitPool(message.url);
      const client = createClient({ pool });
      const worker = createWorker({
        client,
        namespace: "bench",
        workflows: { ...STEPS_SETUP.workflows, awaitGo },
        activities: STEPS_SETUP.activities,
        concurrency: message.concurrency,
        cacheSize: message.cacheSize,
      });
      await worker.start();
      stop = async () => {
        await worker.stop();
        await client.close();
        await pool.end();
      };
      send({ type: "ready" });
    } else if (message.type === "memory") {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        gc();
      }
      const usage = process.memoryUsage();
      send({ type: "memory", rss: usage.rss, heapUsed: usage.heapUsed });
    } else if (message.type === "stop") {
      await stop?.();
      process.exit(0);
    }
  })().catch((error: unknown) => {
    process.stderr.write(
      `[worker-process] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
});
