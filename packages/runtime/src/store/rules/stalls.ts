/**
 * Workers in a row that froze while running a run's workflow code. A run whose code blocks the
 * event loop (a synchronous loop) freezes each worker that takes it over, one after another;
 * once this many took it over and froze, the next claim parks it as stuck instead.
 *
 * How it is counted: a worker that takes a run over (its lease ran out in another worker's
 * hands) sets the run's stall mark before it runs the run's code, and clears mark and count
 * once a step got through or its next lease renewal went out. A takeover that finds the mark
 * set counts one more stall only when the holder is still present (EngineStore.holdPresence):
 * a frozen process keeps its connection to the database; a process that was killed, or crashed,
 * does not, and a worker that lost the database gives its lease back once it is reachable again.
 * So kills, crashes and outages do not add up to a false "stuck".
 */
export const MAX_STALLS = 2;

/** How a claim by `owner` changes a run's stall count and mark. */
export interface StallsAfterClaim {
  readonly stalls: number;
  /** The claim takes over a lease that another owner let run out. */
  readonly takeover: boolean;
}

/**
 * `holderPresent`: whether the worker that let the lease run out is still present; asked only
 * of a takeover that finds the stall mark set.
 */
export function stallsAfterClaim(
  leaseOwner: string | null,
  owner: string,
  stalls: number,
  marked: boolean,
  holderPresent: (holder: string) => boolean,
): StallsAfterClaim {
  if (leaseOwner === null) return { stalls: 0, takeover: false };
  if (leaseOwner === owner) return { stalls, takeover: false };
  return { stalls: marked && holderPresent(leaseOwner) ? stalls + 1 : stalls, takeover: true };
}

/**
 * Whether a claim by `owner` keeps the run's stall mark: only when it claims again what it held.
 * A new holder starts unmarked (it marks the run itself before it runs the run's code).
 */
export function keepsStallMark(leaseOwner: string | null, owner: string): boolean {
  return leaseOwner === owner;
}
