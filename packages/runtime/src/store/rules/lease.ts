import { RunStatus } from "../../history/index.js";

/** What the lease rules read of a run. */
export interface LeasedRun {
  readonly leaseOwner: string | null;
  /** ms since the epoch; a lease is live up to and including this time. */
  readonly leaseUntil: number | null;
}

/** True while someone holds a live lease on the run: nobody else claims it. */
export function leaseLive(run: Pick<LeasedRun, "leaseUntil">, now: number): boolean {
  return run.leaseUntil !== null && run.leaseUntil >= now;
}

/**
 * True when a worker other than `owner` holds a live lease on the run. A lease that is
 * `owner`'s, free or expired leaves the run to `owner`: a read, a step or a park by it goes on.
 */
export function leasedByOther(run: LeasedRun, owner: string, now: number): boolean {
  return run.leaseOwner !== null && run.leaseOwner !== owner && leaseLive(run, now);
}

/**
 * Whether claimRun may lease a run by key for `owner`: nobody holds it, or `owner` does. The
 * latter is the worker's own claim round, which leased the run while the worker's local wake was
 * taking it up and so left it to the local wake (see RunLoader.activate): the local wake must
 * then get it, or the run waits for that lease to run out.
 */
export function leasableByKey(run: Pick<LeasedRun, "leaseOwner">, owner: string): boolean {
  return run.leaseOwner === null || run.leaseOwner === owner;
}

/**
 * A run as a read by key found it (EngineStore.readRun), before the reader's checks: what the
 * worker takes up, and what decides whether it may (takenByRead).
 */
export interface RunSnapshot<C> extends LeasedRun {
  readonly claimed: C;
  readonly status: string;
  readonly paused: boolean;
}

/**
 * What `owner` takes up from a run read by key: nothing when it is not running, paused, or
 * leased live by another worker (the claim loop and that worker see to it). The one rule of
 * readRun on both stores, and of a run read back by the write that woke it (a signal sent in
 * this process, see ClientStore.addSignalAndRead).
 */
export function takenByRead<C>(snapshot: RunSnapshot<C> | undefined, owner: string, now: number): C | undefined {
  if (snapshot === undefined || snapshot.status !== RunStatus.Running || snapshot.paused) return undefined;
  if (leasedByOther(snapshot, owner, now)) return undefined;
  return snapshot.claimed;
}
