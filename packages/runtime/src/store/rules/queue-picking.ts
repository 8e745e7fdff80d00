import { compareNames } from "../compare.js";

/**
 * How queue limits choose what to claim; one home, so every store applies the same rules.
 *
 * A run holds a slot of its queue while a worker holds its lease: while a step runs or its
 * activities execute. A run that waits (for a signal, a timer, a retry) holds none, so "at
 * most 10 calls to the partner at once" is not eaten up by runs waiting a day for a signal.
 * Every claim of a queued run takes a slot, a new start and a resumption alike.
 */

export interface QueueLimits {
  /** Runs of the queue in progress at once, across all workers. */
  readonly concurrency?: number | undefined;
  /** Runs in progress at once per concurrency key. */
  readonly keyConcurrency?: number | undefined;
  /** Starts (first claims) per sliding window of `periodMs`. */
  readonly rateLimit?: { readonly limit: number; readonly periodMs: number } | undefined;
}

/** A due run of the queue, as the claim sees it. */
export interface QueueCandidate {
  readonly workflow: string;
  readonly runId: string;
  readonly concurrencyKey: string | null;
  /** Not started yet: claiming it counts against the rate limit. */
  readonly fresh: boolean;
}

/**
 * Picks what to claim from candidates ordered fairly (see `fairOrder`): at most `free` runs,
 * within the queue's free slots, each key's free slots, and the rate allowance for new starts.
 */
export function pickQueued<C extends QueueCandidate>(
  candidates: readonly C[],
  limits: QueueLimits,
  state: {
    readonly free: number;
    readonly inProgress: ReadonlyMap<string | null, number>;
    readonly recentStarts: number;
  },
): C[] {
  let total = 0;
  for (const count of state.inProgress.values()) total += count;
  let slots = Math.min(
    state.free,
    limits.concurrency === undefined ? Number.POSITIVE_INFINITY : limits.concurrency - total,
  );
  let starts = limits.rateLimit === undefined ? Number.POSITIVE_INFINITY : limits.rateLimit.limit - state.recentStarts;
  const perKey = new Map(state.inProgress);
  const picked: C[] = [];
  for (const candidate of candidates) {
    if (slots <= 0) break;
    if (candidate.fresh && starts <= 0) continue;
    const key = candidate.concurrencyKey;
    const held = perKey.get(key) ?? 0;
    if (limits.keyConcurrency !== undefined && key !== null && held >= limits.keyConcurrency) continue;
    picked.push(candidate);
    perKey.set(key, held + 1);
    slots--;
    if (candidate.fresh) starts--;
  }
  return picked;
}

/**
 * Fairness across concurrency keys, in queues with `keyConcurrency`: round robin by rank within the key. Each key's oldest run
 * (by priority, then wake time) comes first, then each key's second, and so on, so a key with
 * 10,000 queued runs does not starve a key with 10. Without keys this is priority order, ties
 * in the order the runs became due.
 */
export function fairOrder<T extends FairEntry>(due: readonly T[]): T[] {
  const byKey = new Map<string | null, T[]>();
  for (const run of [...due].sort(byPriority)) {
    const list = byKey.get(run.concurrencyKey) ?? [];
    list.push(run);
    byKey.set(run.concurrencyKey, list);
  }
  const ranked = [...byKey.values()].flatMap((list) => list.map((run, rank) => ({ run, rank })));
  ranked.sort((a, b) => a.rank - b.rank || byPriority(a.run, b.run));
  return ranked.map((entry) => entry.run);
}

/** What fair ordering looks at; ties of priority and wake time go by creation, then by name. */
export interface FairEntry {
  readonly concurrencyKey: string | null;
  readonly priority: number;
  readonly wakeAt: number;
  readonly createdAt: number;
  readonly workflow: string;
  readonly runId: string;
}

/** Priority order: lower first; ties by wake time, then creation, then name. */
export function byPriority(a: FairEntry, b: FairEntry): number {
  return (
    a.priority - b.priority ||
    a.wakeAt - b.wakeAt ||
    a.createdAt - b.createdAt ||
    compareNames(a.workflow, b.workflow) ||
    compareNames(a.runId, b.runId)
  );
}

/** The start times of the sliding window still inside it, and how many there are. */
export function startsInWindow(recent: readonly number[], limits: QueueLimits, now: number): number[] {
  if (limits.rateLimit === undefined) return [];
  const since = now - limits.rateLimit.periodMs;
  return recent.filter((at) => at > since);
}

/** The recent start times kept for the sliding window, as the queue row stores them. */
export function encodeStarts(starts: readonly number[]): string {
  return starts.join(",");
}

export function decodeStarts(text: string | null): number[] {
  if (!text) return [];
  return text
    .split(",")
    .map(Number)
    .filter((at) => Number.isFinite(at));
}
