import { RunStatus } from "../../history/index.js";
import { type LeasedRun, leasedByOther } from "./lease.js";

/** What parking reads of a run. */
export interface ParkableRun extends LeasedRun {
  readonly status: string;
  readonly version: number;
}

/** Who parks the run, why, and (for a run taken up without a lease) the version it saw. */
export interface ParkRequest {
  readonly owner: string;
  readonly errorText: string;
  readonly now: number;
  readonly version?: number | undefined;
}

/** A parked run's new state: stuck with the error, lease released, never woken again. */
export interface Parking {
  readonly status: RunStatus;
  readonly errorText: string;
  readonly wakeAt: null;
  readonly leaseOwner: null;
  readonly leaseUntil: null;
  readonly version: number;
  readonly updatedAt: number;
}

/**
 * See EngineStore.park. Undefined (refused) unless the run is running and no other owner holds
 * a live lease on it; with `request.version`, also unless the run is still at that version: a
 * run taken up without a lease (in-process, see readRun) is parked by whoever found the fault,
 * but not after another worker moved it on.
 */
export function parking(run: ParkableRun | undefined, request: ParkRequest): Parking | undefined {
  if (run === undefined || run.status !== RunStatus.Running) return undefined;
  if (leasedByOther(run, request.owner, request.now)) return undefined;
  if (request.version !== undefined && run.version !== request.version) return undefined;
  return {
    status: RunStatus.Stuck,
    errorText: request.errorText,
    wakeAt: null,
    leaseOwner: null,
    leaseUntil: null,
    version: run.version + 1,
    updatedAt: request.now,
  };
}
