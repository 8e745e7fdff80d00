import { RunStatus } from "../../history/index.js";
import type { QueueState, QueueTally } from "../queue-records.js";
import { leaseLive } from "../rules/lease.js";
import type { MemoryTables } from "./tables.js";

/** See ClientStore.queueState. */
export function queueState(db: MemoryTables, namespace: string, now: number): QueueState {
  const configs = [...db.queues.entries()]
    .filter(([id]) => id.startsWith(`${namespace}/`))
    .map(([id, row]) => ({ name: id.slice(namespace.length + 1), limits: row.limits, starts: row.starts }));
  const counts = new Map<string, QueueTally>();
  const add = (tally: Omit<QueueTally, "n">) => {
    const id = JSON.stringify([tally.queue, tally.key, tally.kind, tally.state]);
    counts.set(id, { ...tally, n: (counts.get(id)?.n ?? 0) + 1 });
  };
  for (const run of db.runsOf(namespace)) {
    if (run.queue === null || run.status !== RunStatus.Running) continue;
    const state = leaseLive(run, now) ? "active" : run.wakeAt !== null && run.wakeAt <= now ? "queued" : "waiting";
    add({ queue: run.queue, key: run.concurrencyKey, kind: "run", state });
  }
  for (const slot of db.queueSlots.values()) {
    if (slot.namespace !== namespace) continue;
    const state = slot.owner !== null && (slot.leaseUntil ?? 0) >= now ? "active" : "waiting";
    add({ queue: slot.queue, key: slot.concurrencyKey, kind: "activity", state });
  }
  return { configs, tallies: [...counts.values()] };
}
