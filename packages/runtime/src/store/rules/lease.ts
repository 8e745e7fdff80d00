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
