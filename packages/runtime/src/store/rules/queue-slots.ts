import { type DueRun, dueUnheld } from "./claim-filter.js";
import { fairOrder, pickQueued, type QueueLimits } from "./queue-picking.js";

/*
 * Activity queues: the attempts of an activity with a `queue` run within that queue's limits
 * (concurrency, keyConcurrency, rateLimit: the same as run queues, held across all workers), by
 * the rules of queue-picking.ts. An attempt holds a slot of its queue from when it is granted
 * until it ends; a run whose attempt is not granted one waits for it in the queue's line
 * without holding its worker (it is let go of), and is woken when the line reaches it.
 *
 * The line is the queue's waiting attempts in fair order (fairOrder: by concurrency key round
 * robin, then the time they began to wait), each counting as a start against the rate limit.
 * Whoever asks for a slot is placed in the line, and the slots free now go to its head: an
 * attempt is granted one only when its place in line gets it, and the others at the head are
 * woken to take theirs. So an attempt that asked late does not overtake one that waits.
 */

/** An attempt in the line for a queue's slot (or the one asking now). */
export interface SlotCandidate {
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly target: string;
  readonly seq: number;
  readonly concurrencyKey: string | null;
  /** When it began to wait (the time it asks, for one asking the first time). */
  readonly since: number;
}

/** What the queue looks like to a slot decision: its limits, the slots held now by key, its rate window. */
export interface SlotState {
  readonly limits: QueueLimits;
  /** Live slots held now, by concurrency key. */
  readonly inProgress: ReadonlyMap<string | null, number>;
  /** Starts still inside the rate window. */
  readonly recentStarts: number;
}

/** The decision: whether `asking` got a slot, and which waiting attempts to wake to take theirs. */
export interface SlotDecision {
  readonly granted: boolean;
  readonly wake: readonly SlotCandidate[];
}

/**
 * Who gets the queue's free slots: `asking` (undefined when a slot was released and nobody asks)
 * and the `waiting` line, ordered fairly, within the limits. `asking` may be in `waiting` already.
 */
export function slotDecision(
  asking: SlotCandidate | undefined,
  waiting: readonly SlotCandidate[],
  state: SlotState,
): SlotDecision {
  const line = waiting.filter((candidate) => asking === undefined || !sameAttempt(candidate, asking));
  if (asking !== undefined) line.push(asking);
  const ordered = fairOrder(
    line.map((candidate) => ({
      candidate,
      concurrencyKey: candidate.concurrencyKey,
      priority: 0,
      wakeAt: candidate.since,
      createdAt: candidate.since,
      workflow: candidate.workflow,
      runId: `${candidate.runId}\u0000${candidate.iteration}\u0000${candidate.target}\u0000${candidate.seq}`,
      fresh: true,
    })),
  );
  const picked = pickQueued(ordered, state.limits, {
    free: Number.POSITIVE_INFINITY,
    inProgress: state.inProgress,
    recentStarts: state.recentStarts,
  }).map((entry) => entry.candidate);
  const granted = asking !== undefined && picked.some((candidate) => sameAttempt(candidate, asking));
  return { granted, wake: picked.filter((candidate) => asking === undefined || !sameAttempt(candidate, asking)) };
}

/** The same attempt of the same activity request. */
export function sameAttempt(a: SlotCandidate, b: SlotCandidate): boolean {
  return (
    a.workflow === b.workflow &&
    a.runId === b.runId &&
    a.iteration === b.iteration &&
    a.target === b.target &&
    a.seq === b.seq
  );
}

/**
 * Whether a waiting attempt's run must be woken for its turn: not when it is due already and
 * nobody holds it, as a claim takes it then anyway (so a line whose head is not claimed yet is
 * not woken again at every sweep). A run held by a worker (other attempts of it run) is woken,
 * which its holder notices. SQL twin: the WHERE of `wake` in store/mysql/slots.ts.
 */
export function slotWakeNeeded(run: DueRun, now: number): boolean {
  return !dueUnheld(run, now);
}

/**
 * The answer to an attempt whose slot row is held already (by a live lease): granted to the
 * owner that holds it (it asks again), refused to any other, which is not to run the attempt a
 * second time (it took the run up without a lease, and its commit will be refused). Undefined
 * when nobody holds it: slotDecision decides.
 */
export function slotHeld(
  row: { readonly owner: string | null; readonly leaseUntil: number | null } | undefined,
  owner: string,
  now: number,
): boolean | undefined {
  if (row === undefined || row.owner === null || row.leaseUntil === null || row.leaseUntil < now) return undefined;
  return row.owner === owner;
}

/** A queue without limits needs no slots: every attempt starts at once, and none is recorded. */
export function unlimited(limits: QueueLimits): boolean {
  return limits.concurrency === undefined && limits.keyConcurrency === undefined && limits.rateLimit === undefined;
}
