import type { Client, Worker, WorkerOptions } from "@replaykit/runtime";
import { startShopLoops } from "./replay_gen.js";
import type { Backends } from "./types.js";
import { followUp, order, salesReport } from "./workflow.js";

export type ShopWorkerOptions = Omit<WorkerOptions, "client" | "namespace" | "workflows" | "activities" | "backends">;

/** Starts a worker for namespace "shop"; stop it with `await worker.stop()`. */
export function startShopWorker(client: Client, backends: Backends, options: ShopWorkerOptions = {}): Worker {
  return startShopLoops({ ...options, client, backends, workflows: { order, followUp, salesReport } });
}
