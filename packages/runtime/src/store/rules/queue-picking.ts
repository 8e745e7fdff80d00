import { compareNames } from "../compare.js";

/**
 * How queue limits choose what to claim; one home, so every store applies the same rules.
 *
 * A run holds a slot of its queue while a worker holds its lease: while a step runs or its
 * activities execute. A run that waits (for a signal, a timer, a retry) holds none, so "at
 * most 10 calls to the partner at once" is not eaten up by runs waiting a day for a signal.
 * Every claim of a queued run takes a slot, a new start and a resumption alike.
 *
 * A claim reads candidates as planCandidates says, orders them by claimOrder and picks with
 * pickQueued. The plan reads no run that the limits cannot let through now, so what can be
 * claimed is never hidden behind a window of runs that cannot: a started run's wake is read
 * apart from fresh starts (it needs no start allowance), fresh starts only up to the rate
 * allowance left, and with per-key limits no run of a key at its limit. The reads' SQL twin is
 * store/mysql/queue-picking.ts; selectCandidates is what it selects, which the memory store
 * applies to every due run.
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

/** What the limits are checked against: the worker's free room, the queue's runs in progress, the recent starts. */
export interface PickState {
  readonly free: number;
  readonly inProgress: ReadonlyMap<string | null, number>;
  readonly recentStarts: number;
}

/** How a claim reads a queue's due runs: what can be picked now, and nothing the limits hold back. */
export interface CandidateReads {
  /** Started runs to read (their next step needs a slot, not a start allowance), in claim order. */
  readonly resumptions: number;
  /** Fresh runs to read: the free slots within the rate allowance left; 0 reads none. */
  readonly starts: number;
  /** With per-key limits: each key's first `perKey` runs of a read, none of `fullKeys`. */
  readonly keys?: { readonly perKey: number; readonly fullKeys: readonly string[] } | undefined;
}

/**
 * Plans a claim's reads (see CandidateReads): up to the free slots of the worker and the queue
 * of each kind of run, fresh ones also within the rate allowance, and with per-key limits no
 * run of a key at its limit and at most `keyConcurrency` runs of another (rank by rank, a
 * key's later runs cannot be picked before its earlier ones). Every run read is then one the
 * limits can let through, so a small read is fair by construction.
 */
export function planCandidates(limits: QueueLimits, state: PickState): CandidateReads {
  const slots = Math.max(
    0,
    Math.min(state.free, limits.concurrency === undefined ? state.free : limits.concurrency - total(state)),
  );
  const allowance = limits.rateLimit === undefined ? slots : Math.max(0, limits.rateLimit.limit - state.recentStarts);
  const starts = Math.min(slots, allowance);
  const perKey = limits.keyConcurrency;
  if (perKey === undefined) return { resumptions: slots, starts };
  const fullKeys: string[] = [];
  for (const [key, held] of state.inProgress) if (key !== null && held >= perKey) fullKeys.push(key);
  return { resumptions: slots, starts, keys: { perKey, fullKeys } };
}

/**
 * Whether the plan reads less than the worker's `free` room because of a limit: only then can
 * a claim that took fewer than `free` runs have left due runs behind for a limit (heldBack).
 */
export function limitsBind(plan: CandidateReads, free: number): boolean {
  return plan.resumptions < free || plan.starts < plan.resumptions || (plan.keys?.fullKeys.length ?? 0) > 0;
}

/** A due run as the candidate reads and the claim order see it. */
export interface DueCandidate extends FairEntry {
  /** Not started yet (no step committed): it needs a start allowance. */
  readonly fresh: boolean;
}

/**
 * What the reads of `plan` select from a queue's due runs (in any order), in claim order: the
 * memory store's read, and what the SQL twin selects.
 */
export function selectCandidates<T extends DueCandidate>(due: readonly T[], plan: CandidateReads): T[] {
  const read = (fresh: boolean, count: number): T[] => {
    if (count <= 0) return [];
    const kind = due.filter((run) => run.fresh === fresh);
    if (plan.keys === undefined) return kind.sort(byPriority).slice(0, count);
    const { perKey, fullKeys } = plan.keys;
    const full = new Set(fullKeys);
    const open = kind.filter((run) => run.concurrencyKey === null || !full.has(run.concurrencyKey));
    return rankedByKey(open)
      .filter((entry) => entry.run.concurrencyKey === null || entry.rank < perKey)
      .map((entry) => entry.run)
      .slice(0, count);
  };
  return claimOrder([...read(false, plan.resumptions), ...read(true, plan.starts)], plan.keys !== undefined);
}

/**
 * The order claims take a queue's candidates in: priority first (lower first); within a
 * priority a started run before a fresh one, so a backlog finishes the runs it started before
 * it starts more; then wake time, creation and name. With per-key limits, round robin across
 * keys (fairOrder) in that order.
 */
export function claimOrder<T extends DueCandidate>(candidates: readonly T[], keyed: boolean): T[] {
  return keyed ? fairOrder(candidates) : [...candidates].sort(byPriority);
}

/**
 * Picks what to claim from candidates in claim order: at most `free` runs, within the queue's
 * free slots, each key's free slots, and the rate allowance for new starts.
 */
export function pickQueued<C extends QueueCandidate>(
  candidates: readonly C[],
  limits: QueueLimits,
  state: PickState,
): C[] {
  let slots = Math.min(
    state.free,
    limits.concurrency === undefined ? Number.POSITIVE_INFINITY : limits.concurrency - total(state),
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

function total(state: PickState): number {
  let sum = 0;
  for (const count of state.inProgress.values()) sum += count;
  return sum;
}

/**
 * Fairness across concurrency keys, in queues with `keyConcurrency`: round robin by rank within the key. Each key's first run
 * (in claim order) comes first, then each key's second, and so on, so a key with
 * 10,000 queued runs does not starve a key with 10. Without keys this is claim order.
 */
export function fairOrder<T extends FairEntry>(due: readonly T[]): T[] {
  const ranked = rankedByKey(due);
  ranked.sort((a, b) => a.rank - b.rank || byPriority(a.run, b.run));
  return ranked.map((entry) => entry.run);
}

/** Each run with its rank within its key (0: the key's first in claim order). */
function rankedByKey<T extends FairEntry>(due: readonly T[]): { run: T; rank: number }[] {
  const byKey = new Map<string | null, T[]>();
  for (const run of [...due].sort(byPriority)) {
    const list = byKey.get(run.concurrencyKey) ?? [];
    list.push(run);
    byKey.set(run.concurrencyKey, list);
  }
  const ranked = [...byKey.values()].flatMap((list) => list.map((run, rank) => ({ run, rank })));
  return ranked.sort((a, b) => a.rank - b.rank || byPriority(a.run, b.run));
}

/** What claim order looks at; ties of priority and wake time go by creation, then by name. */
export interface FairEntry {
  readonly concurrencyKey: string | null;
  readonly priority: number;
  /** Not started yet; a started run goes first within its priority. Undefined: started. */
  readonly fresh?: boolean | undefined;
  readonly wakeAt: number;
  readonly createdAt: number;
  readonly workflow: string;
  readonly runId: string;
}

/** Claim order without keys: lower priority first; then started before fresh, wake time, creation, name. */
export function byPriority(a: FairEntry, b: FairEntry): number {
  return (
    a.priority - b.priority ||
    Number(a.fresh === true) - Number(b.fresh === true) ||
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
