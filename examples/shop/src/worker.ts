import type { Client, Worker, WorkerOptions } from "@replaykit/runtime";
import { startReplayLoops } from "./replay_gen.js";
import type { Backends } from "./types.js";
import { order } from "./workflow.js";

export type ShopWorkerOptions = Omit<WorkerOptions, "client" | "namespace" | "workflows" | "activities" | "backends">;

/** Starts a worker for namespace "shop"; stop it with `worker.stop()`. */
export async function startShopWorker(
  client: Client,
  backends: Backends,
  options: ShopWorkerOptions = {},
): Promise<Worker> {
  const worker = startReplayLoops({ ...options, client, backends, workflows: { order } });
  await worker.start();
  return worker;
}
