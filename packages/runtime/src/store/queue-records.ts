import type { QueueLimits } from "./rules/queue-picking.js";

/* What listQueues reads: the queues' limits and windows, and their runs and activity attempts by state. */

/** Running runs of a queue (or of one concurrency key) by state, as countRuns counts them. */
export interface QueueRunCounts {
  /** Due now, held by no worker: waiting for a worker or a free slot of the queue. */
  readonly queued: number;
  /** Held by a worker: they take a slot of the queue. */
  readonly active: number;
  /** Waiting for a signal, a timer or a retry (paused ones included): they take no slot. */
  readonly waiting: number;
}

/** Activity attempts of an activity queue: holding a slot, or waiting in its line. */
export interface QueueSlotCounts {
  readonly active: number;
  readonly waiting: number;
}

/** One concurrency key of a queue. */
export interface QueueKeyLoad {
  readonly key: string;
  readonly runs: QueueRunCounts;
  readonly activities: QueueSlotCounts;
}

/** A queue as the client sees it: listQueues's answer. */
export interface QueueInfo {
  readonly name: string;
  /** The limits the workers that serve it declared; {} when no worker declared any (no limit). */
  readonly limits: QueueLimits;
  /** With a rate limit: the starts within its window now, and when the oldest of them leaves it. */
  readonly window?: { readonly starts: number; readonly freesAt?: Date };
  readonly runs: QueueRunCounts;
  readonly activities: QueueSlotCounts;
  /** Per concurrency key, the keys with work only, by key. */
  readonly keys: readonly QueueKeyLoad[];
}

/** A stored queue row: its limits and recent starts. */
export interface QueueConfig {
  readonly name: string;
  readonly limits: QueueLimits;
  readonly starts: readonly number[];
}

/** A count of runs or activity attempts of a queue and key in one state. */
export interface QueueTally {
  readonly queue: string;
  readonly key: string | null;
  readonly kind: "run" | "activity";
  readonly state: "queued" | "active" | "waiting";
  readonly n: number;
}

/** What the stores read for listQueues; the client assembles it (see queueInfos). */
export interface QueueState {
  readonly configs: readonly QueueConfig[];
  readonly tallies: readonly QueueTally[];
}

const noRuns = (): { queued: number; active: number; waiting: number } => ({ queued: 0, active: 0, waiting: 0 });

/** The queues of a namespace, configured or with work, by name, from what a store read at `now`. */
export function queueInfos(state: QueueState, now: number): QueueInfo[] {
  const names = new Set([...state.configs.map((c) => c.name), ...state.tallies.map((t) => t.queue)]);
  return [...names].sort().map((name) => {
    const config = state.configs.find((c) => c.name === name);
    const limits = config?.limits ?? {};
    const runs = noRuns();
    const activities = { active: 0, waiting: 0 };
    const keys = new Map<
      string,
      { runs: ReturnType<typeof noRuns>; activities: { active: number; waiting: number } }
    >();
    for (const tally of state.tallies.filter((t) => t.queue === name)) {
      const key =
        tally.key === null
          ? undefined
          : (keys.get(tally.key) ?? { runs: noRuns(), activities: { active: 0, waiting: 0 } });
      if (tally.key !== null && key !== undefined) keys.set(tally.key, key);
      if (tally.kind === "run") {
        runs[tally.state] += tally.n;
        if (key) key.runs[tally.state] += tally.n;
      } else if (tally.state !== "queued") {
        activities[tally.state] += tally.n;
        if (key) key.activities[tally.state] += tally.n;
      }
    }
    const byKey = [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, load]) => ({ key, ...load }));
    return { name, limits, ...windowOf(limits, config?.starts ?? [], now), runs, activities, keys: byKey };
  });
}

function windowOf(limits: QueueLimits, starts: readonly number[], now: number): Pick<QueueInfo, "window"> {
  if (limits.rateLimit === undefined) return {};
  const { periodMs } = limits.rateLimit;
  const inWindow = starts.filter((at) => at > now - periodMs);
  const oldest = inWindow.length === 0 ? undefined : Math.min(...inWindow);
  return {
    window: { starts: inWindow.length, ...(oldest === undefined ? {} : { freesAt: new Date(oldest + periodMs) }) },
  };
}
