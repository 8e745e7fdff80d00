import type { QueueInfo } from "@replaykit/runtime";
import { counted, duration, time } from "../shared/values.js";

export interface QueuesData {
  readonly namespace: string;
  readonly namespaces: readonly string[];
  readonly queues: readonly QueueInfo[];
}

/**
 * Why a queue's work waits, from what the queue's counts show: a limit that is reached while
 * runs are due or attempts wait, or, with none reached, no worker with room serving the queue.
 */
export function heldBack(queue: QueueInfo): string[] {
  const { limits, runs, activities, window } = queue;
  const reasons: string[] = [];
  const slots = runs.active + activities.active;
  const due = runs.queued + activities.waiting;
  if (due === 0) return reasons;
  if (limits.concurrency !== undefined && slots >= limits.concurrency) {
    reasons.push(`at its concurrency limit: ${slots} of ${limits.concurrency} slots taken`);
  }
  if (limits.rateLimit !== undefined && window !== undefined && window.starts >= limits.rateLimit.limit) {
    const next = window.freesAt === undefined ? "" : `; the next start at ${time(window.freesAt)}`;
    reasons.push(
      `at its rate limit: ${counted(window.starts, "start")} in the last ${duration(limits.rateLimit.periodMs)}${next}`,
    );
  }
  if (limits.keyConcurrency !== undefined) {
    const full = queue.keys.filter(
      (key) =>
        key.runs.queued + key.activities.waiting > 0 &&
        key.runs.active + key.activities.active >= (limits.keyConcurrency ?? 0),
    );
    if (full.length > 0) {
      const names = full
        .slice(0, 5)
        .map((key) => key.key)
        .join(", ");
      reasons.push(
        `${counted(full.length, "key")} at the per-key limit of ${limits.keyConcurrency}: ${names}${full.length > 5 ? ", ..." : ""}`,
      );
    }
  }
  if (reasons.length === 0) {
    reasons.push(
      Object.keys(limits).length === 0
        ? "no limit holds it back: no worker that declared this queue has room, or none serves it"
        : "no limit is reached: the workers serving this queue have no free room, or are between polls",
    );
  }
  return reasons;
}
