import type { WorkerFilter } from "../rules/claim-filter.js";
import type { WorkerAbilities } from "../types.js";

/*
 * The SQL twin of the claim filter (rules/claim-filter.ts), the WHERE terms that select what a
 * worker may claim. Change them together with the rule; the conformance case "claims take
 * exactly the runs the claim filter passes" (test/store/claims.test.ts) fails when they differ.
 */

/** A SQL fragment (starting with " AND") and its parameters. */
export interface SqlTerms {
  readonly sql: string;
  readonly args: unknown[];
}

/**
 * dueUnheld: due, nobody holds a live lease, not paused. `wake` is the wake column (`wake_at`,
 * or the queue's `q_wake`). Parameters: now, now.
 */
export function dueUnheldSql(wake: "wake_at" | "q_wake"): string {
  return `${wake} <= ? AND (lease_until IS NULL OR lease_until < ?) AND paused = 0`;
}

/** workerTakes: the worker's shards (inShards), code version (runsVersion) and abilities (canRun). */
export function workerTakesSql(filter: WorkerFilter): SqlTerms {
  const { shards, version } = filter;
  const can = canRunSql(filter.can);
  const sql = [
    shards ? " AND MOD(shard, ?) = ?" : "",
    version === undefined ? "" : " AND (code_version IS NULL OR code_version = ?)",
    can.sql,
  ].join("");
  return {
    sql,
    args: [...(shards ? [shards.count, shards.index] : []), ...(version === undefined ? [] : [version]), ...can.args],
  };
}

/** canRun: runs of the worker's workflows that do not wait for an activity it lacks. */
export function canRunSql(can: WorkerAbilities): SqlTerms {
  const wanted =
    can.activities.length === 0 ? "wanted_activity IS NULL" : "(wanted_activity IS NULL OR wanted_activity IN (?))";
  return {
    sql: ` AND workflow IN (?) AND ${wanted}`,
    args: [can.workflows, ...(can.activities.length === 0 ? [] : [can.activities])],
  };
}
