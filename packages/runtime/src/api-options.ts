import type { Connection, PoolConnection } from "mysql2/promise";
import type { Duration } from "./duration.js";
import type { EndStatus, Tags } from "./history/index.js";
import type { UpdateOptions } from "./request-api.js";
import type { CatchupPolicy, OverlapPolicy } from "./schedule/plan.js";

/*
 * The options of the client's calls: writes, runs, schedules, queues, purges, forks, streams,
 * results (see Client in api-client.ts).
 */

/** The caller's open transaction, for the MySQL store: a mysql2 connection on which BEGIN was issued. */
export type Transaction = Connection | PoolConnection;

/** Options of a write that may join the caller's transaction. */
export interface WriteOptions {
  /** Write on this connection inside the caller's open transaction; commit/rollback is the caller's. */
  readonly tx?: Transaction;
}

/** Options of publishEvent. */
export interface PublishOptions extends WriteOptions {
  /** Waits with this key receive it (a user id, an order id), and triggers group by it. */
  readonly key?: string;
  /** Its id, unique in the namespace: a second publish with one id is dropped (answered false). Default: a random UUID. */
  readonly eventId?: string;
}

/** Options of runWorkflow. */
export interface RunOptions extends WriteOptions {
  /** Pin the run to workers of this code version; default: the client's `version` option. */
  readonly version?: string;
  /** The run ends as failed with RunTimeoutError when it runs longer (its activities are aborted). */
  readonly timeout?: Duration;
  /** Run it through this queue and its limits (the workers that serve it declare them); default: none. */
  readonly queue?: string;
  /** Within its queue, lower runs first; ties in the order runs became due. An integer; default 0. */
  readonly priority?: number;
  /** Within its queue, `keyConcurrency` limits runs per key (e.g. a tenant or customer id). */
  readonly concurrencyKey?: string;
  /** Not started before this time (the database clock). */
  readonly startAt?: Date;
  /** Not started before this long from now (the database clock). */
  readonly delay?: Duration;
  /** Labels to find the run by (listRuns, countRuns, bulk; indexed): at most 32; its children inherit them. */
  readonly tags?: Tags;
}

/** A schedule: `cron` ticks start runs of `workflow` with `input` (see createSchedule). */
export interface ScheduleOptions {
  /** Unique in the namespace; each tick's run id is `<id>@<tick time, ISO 8601 UTC>`. */
  readonly id: string;
  readonly workflow: string;
  /** 5 fields ("min hour day month weekday"), or 6 with seconds first. */
  readonly cron: string;
  /** An IANA time zone for the cron fields, e.g. "Europe/Berlin"; default UTC. */
  readonly timezone?: string;
  readonly input: unknown;
  /** While the previous run is in progress, "skip" (default) starts no run; "allow" starts it anyway. */
  readonly overlap?: OverlapPolicy;
  /** Ticks missed while no worker ran: "none", "latest" (default) or "all"; see schedule/plan.ts. */
  readonly catchup?: CatchupPolicy;
}

/** The limits of a queue, held across every worker on the database. */
export interface QueueOptions {
  /** Runs of the queue in progress at once (a worker holds them: a step or activities run). */
  readonly concurrency?: number;
  /** Runs in progress at once per concurrency key. */
  readonly keyConcurrency?: number;
  /** At most `limit` starts per sliding `period`. */
  readonly rateLimit?: { readonly limit: number; readonly period: Duration };
}

/** Which ended runs purgeRuns deletes. */
export interface PurgeOptions {
  /** Runs that ended before this time. */
  readonly endedBefore: Date;
  /** Only runs that ended so; default completed, failed and cancelled (stuck runs are kept unless named). */
  readonly status?: EndStatus | readonly EndStatus[];
  /** Runs looked at per round, 1..10000 (default 500); each round deletes them in a few short transactions. */
  readonly batchSize?: number;
  /** Called after each round with the number of runs deleted so far. */
  readonly onProgress?: (purged: number) => void;
}

export interface ResumeOptions {
  /** Pin the run to workers of this code version from now on (e.g. the one with the fix). */
  readonly version?: string;
}

export interface ForkOptions {
  /** Run id of the new run; false is returned when it exists. */
  readonly newRunId: string;
  /**
   * The first step to execute again: steps (the commands the source recorded in its current
   * iteration: activities, sleeps, signal awaits, outputs, patch markers) are numbered from 0,
   * and those before `fromStep` are reused with their recorded results. Default 0: all again.
   */
  readonly fromStep?: number;
  /** Pin the fork to this code version; default: the client's `version`, else the source's. */
  readonly version?: string;
  /**
   * The fork keeps the source's start options (queue, priority, concurrency key, timeout), so
   * re-driving failed runs of a queue goes through that queue's limits; each of these replaces
   * one. `null` takes the fork out of a queue, drops its concurrency key, or its timeout.
   */
  readonly queue?: string | null;
  readonly priority?: number;
  readonly concurrencyKey?: string | null;
  /** The fork's run timeout, from its start; the source's timeout (its length) by default. */
  readonly timeout?: Duration | null;
}

export interface StreamOptions {
  readonly namespace: string;
  readonly workflow?: string;
  readonly runId?: string;
  /** Start after this event id (exclusive). Default 0: from the beginning. */
  readonly after?: number;
  /** Keep waiting for new events instead of ending at the current end of the log. */
  readonly follow?: boolean;
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Stop following when this signal aborts. */
  readonly signal?: AbortSignal;
}

/** Options of updateWithStart: those of the run it may start, and of the update. */
export interface UpdateWithStartOptions extends Omit<RunOptions, "tx">, UpdateOptions {}

export interface AwaitResultOptions {
  /** Give up after this long (ResultTimeoutError). Default: wait forever. */
  readonly timeout?: Duration;
}
