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
 * The wake column a read names and the lease column beside it: `wake_at` for any run,
 * `d_wake` for the default queue's (lease_until), `q_wake` for a queue's (q_lease, which is
 * lease_until there and sits in the queue's indexes, so the held runs a read passes are
 * skipped in the index). See migrations 5 and 17.
 */
const LEASE_BESIDE = { wake_at: "lease_until", d_wake: "lease_until", q_wake: "q_lease" } as const;

/** dueUnheld: due, nobody holds a live lease, not paused. Parameters: now, now. */
export function dueUnheldSql(wake: keyof typeof LEASE_BESIDE): string {
  const lease = LEASE_BESIDE[wake];
  return `${wake} <= ? AND (${lease} IS NULL OR ${lease} < ?) AND paused = 0`;
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
