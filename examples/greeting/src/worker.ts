import type { Client, Worker, WorkerOptions } from "@replaykit/runtime";
import { startGreetingLoops } from "./replay_gen.js";
import type { Backends } from "./types.js";
import { welcome } from "./welcome.js";
import { greet } from "./workflow.js";

export type GreetingWorkerOptions = Omit<
  WorkerOptions,
  "client" | "namespace" | "workflows" | "activities" | "backends"
>;

/** Starts a worker for namespace "greeting"; stop it with `worker.stop()`. */
export async function startGreetingWorker(
  client: Client,
  backends: Backends,
  options: GreetingWorkerOptions = {},
): Promise<Worker> {
  const worker = startGreetingLoops({ ...options, client, backends, workflows: { greet, welcome } });
  await worker.start();
  return worker;
}
