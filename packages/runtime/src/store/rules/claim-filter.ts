import { shardOf } from "../../shard.js";
import type { ClaimOptions, WorkerAbilities } from "../engine-store.js";
import { leaseLive } from "./lease.js";

/*
 * Which runs a worker may take up: the claim filter. Its SQL twin is store/mysql/claim-filter.ts,
 * which selects the same runs in the database; change both together. The conformance case
 * "claims take exactly the runs the claim filter passes" (test/store/claims.test.ts) fails when
 * they differ. The memory store's claim and the worker's in-process take call this file.
 */

/** The worker's own filter: its shards, its code version, and what it can run. */
export type WorkerFilter = Pick<ClaimOptions, "shards" | "version" | "can">;

/** What the claim filter reads of a run. */
export interface FilteredRun {
  readonly workflow: string;
  readonly runId: string;
  /** The run's stored shard; computed from runId when not given. */
  readonly shard?: number | undefined;
  /** The code version the run is pinned to; null or undefined: none. */
  readonly codeVersion?: string | null | undefined;
  /** The activity the run waits for that its last worker lacked; null or undefined: none. */
  readonly wantedActivity?: string | null | undefined;
}

/** What "due" reads of a run. */
export interface DueRun {
  readonly wakeAt: number | null;
  readonly leaseUntil: number | null;
  /** Paused by pauseRun (see rules/pause.ts); absent: not paused. */
  readonly paused?: boolean | undefined;
}

/** A due run nobody holds a live lease on (its own last holder included) that the worker takes. */
export function claimable(filter: WorkerFilter, run: FilteredRun & DueRun, now: number): boolean {
  return dueUnheld(run, now) && workerTakes(filter, run);
}

/**
 * Due (its wake time has come), held by nobody (a lease that ran out is free), and not paused:
 * a paused run takes no new step (its wake time is NULL while paused anyway, see rules/pause.ts).
 */
export function dueUnheld(run: DueRun, now: number): boolean {
  return run.wakeAt !== null && run.wakeAt <= now && !leaseLive(run, now) && run.paused !== true;
}

/** The run is in the worker's shards, of its code version (or none), and something it can run. */
export function workerTakes(filter: WorkerFilter, run: FilteredRun): boolean {
  return inShards(filter.shards, run) && runsVersion(filter.version, run.codeVersion) && canRun(filter.can, run);
}

/** Workers split runs by shard: `shard % count === index`. */
export function inShards(shards: WorkerFilter["shards"], run: Pick<FilteredRun, "runId" | "shard">): boolean {
  return shards === undefined || (run.shard ?? shardOf(run.runId)) % shards.count === shards.index;
}

/** A worker with a version runs runs of that version and runs pinned to none; one without runs all. */
export function runsVersion(version: string | undefined, codeVersion: string | null | undefined): boolean {
  return version === undefined || codeVersion === null || codeVersion === undefined || codeVersion === version;
}

/**
 * See WorkerAbilities: a run of a workflow the worker has, not waiting for an activity it
 * lacks. In a rolling deploy such runs are left to workers that have what they need.
 */
export function canRun(can: WorkerAbilities, run: Pick<FilteredRun, "workflow" | "wantedActivity">): boolean {
  const wanted = run.wantedActivity;
  return (
    can.workflows.includes(run.workflow) && (wanted === null || wanted === undefined || can.activities.includes(wanted))
  );
}
