import type { Client } from "../src/api.js";
import { MIX, NAMESPACE } from "./workflows.js";

const TICK_MS = 100;
const SIGNAL_AFTER_MS = 500;

/** Starts `rate` runs a second in the workflow mix, and signals each "signalled" run half a second later. */
export function startProducer(client: Client, rate: number) {
  let stopped = false;
  let failed = 0;
  let next = 0;
  let owed = 0;
  const pending = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>) => {
    const tracked = promise.catch(() => {
      failed++;
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };
  const startOne = () => {
    const id = next++;
    const workflow = pick(id);
    const runId = `${workflow}-${id}`;
    track(client.runWorkflow(NAMESPACE, workflow, runId, id));
    if (workflow === "signalled") {
      setTimeout(() => {
        if (!stopped) track(client.signalRun(NAMESPACE, workflow, runId, "go", { id }, `go-${id}`));
      }, SIGNAL_AFTER_MS);
    }
  };
  const timer = setInterval(() => {
    owed += (rate * TICK_MS) / 1000;
    for (; owed >= 1; owed--) startOne();
  }, TICK_MS);
  return {
    failures: () => failed,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

/** The workflow of run number `id`: a fixed, evenly spread sequence over MIX. */
function pick(id: number): string {
  const x = (((id * 0.6180339887) % 1) + 1) % 1;
  let acc = 0;
  for (const [workflow, share] of MIX) {
    acc += share;
    if (x < acc) return workflow;
  }
  return MIX[0]?.[0] ?? "sequence";
}
