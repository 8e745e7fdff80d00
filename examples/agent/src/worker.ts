import type { Client, Worker, WorkerOptions } from "@replaykit/runtime";
import { startAgentLoops } from "./replay_gen.js";
import type { Backends } from "./types.js";
import { answer } from "./workflow.js";

export type AgentWorkerOptions = Omit<WorkerOptions, "client" | "namespace" | "workflows" | "activities" | "backends">;

/** Starts a worker for namespace "agent"; stop it with `worker.stop()`. */
export async function startAgentWorker(
  client: Client,
  backends: Backends,
  options: AgentWorkerOptions = {},
): Promise<Worker> {
  const worker = startAgentLoops({ ...options, client, backends, workflows: { answer } });
  await worker.start();
  return worker;
}
