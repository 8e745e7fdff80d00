import type { Client } from "./api-client.js";
import type { QueueOptions, ScheduleOptions } from "./api-options.js";
import type { EventTrigger, TokenOptions, WaitForEventOptions } from "./api-waits.js";
import type { Duration } from "./duration.js";
import type { Tags } from "./history/index.js";
import type { RequestsContext } from "./request-api.js";
import type { StreamBatchOptions, TypedStreamWrites } from "./stream-api.js";
import type { MeterProvider, TracerProvider } from "./telemetry/providers.js";

/*
 * What workflow and activity code sees (RunContext, ActivityContext) and the worker's options.
 */

/** Retry policy of an activity. Default: retry forever, 1 s doubling to at most 100 s. */
export interface RetryPolicy {
  readonly initialInterval?: Duration;
  readonly backoffCoefficient?: number;
  readonly maxInterval?: Duration;
  /** Attempts in all, including the first. Default: unlimited. */
  readonly maxAttempts?: number;
}

/** Options of a child run. */
export interface ChildOptions {
  /** The child ends as failed with RunTimeoutError when it runs longer. */
  readonly timeout?: Duration;
  /** Run the child through this queue and its limits; default: none. */
  readonly queue?: string;
  /** Tags of the child over those it inherits from this run. */
  readonly tags?: Tags;
}

export interface ActivityOptions {
  readonly retry?: RetryPolicy;
  /** Each attempt is aborted (ctx.signal) and counted as failed after this long. */
  readonly timeout?: Duration;
  /** An attempt that calls no ctx.heartbeat() for this long is aborted and counts as failed (it is retried). */
  readonly heartbeatTimeout?: Duration;
  /** All attempts together, from the request: past it, the activity fails for good with ActivityTimeoutError. */
  readonly scheduleToCloseTimeout?: Duration;
  /** Attempts go through this queue's limits (createWorker's `queues`); a run waiting for a slot holds no worker. */
  readonly queue?: string;
  /** With `queue`: `keyConcurrency` limits attempts per key (e.g. a tenant id). A per-call option. */
  readonly concurrencyKey?: string;
  /** How the activity's stream writes are batched; default: the worker's `streamBatch`. */
  readonly streamBatch?: StreamBatchOptions;
}

/** What an activity receives besides backends and input. */
export interface ActivityContext {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly activity: string;
  readonly seq: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Stable across retries of one request: namespace/workflow/runId/iteration/activity/seq. */
  readonly idempotencyKey: string;
  /** Fires on timeout and on worker shutdown. */
  readonly signal: AbortSignal;
  /**
   * Says the attempt is alive, with optional progress `details` (JSON) that the next attempt
   * of this request sees as `lastHeartbeat`. Throttled: calling it in a hot loop is fine.
   */
  heartbeat(details?: unknown): void;
  /** The details of the last heartbeat of an earlier attempt (e.g. the row an import reached); undefined when none. */
  readonly lastHeartbeat: unknown;
  /**
   * Appends `value` (JSON) to the run's stream `key`, tagged with this attempt; resolves once
   * queued for the next batch (StreamBatchOptions). A retry first resets this attempt's chunks.
   */
  writeStream(key: string, value: unknown): Promise<void>;
  /** Closes the run's stream `key` after the chunks written before; resolves once they are all written. */
  closeStream(key: string): Promise<void>;
}

export type ActivityFn = (ctx: ActivityContext, backends: never, input: never) => Promise<unknown>;
export type ActivityRegistration = ActivityFn | ({ readonly fn: ActivityFn } & ActivityOptions);

/** The run context: everything a workflow may use for time, randomness, waiting and side effects. */
export interface RunContext extends RequestsContext {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  execActivity(name: string, input: unknown, opts?: ActivityOptions): Promise<unknown>;
  /** The next message of `signal` in arrival order, or undefined after `timeout`. */
  awaitSignal(signal: string, timeout: Duration): Promise<unknown>;
  sleep(duration: Duration): Promise<void>;
  emitOutput(output: string, message: unknown): Promise<void>;
  /**
   * Ends this iteration and starts the next with `input` (continue-as-new). While update
   * handlers run, it waits for them to finish first; updates that arrive meanwhile are left for
   * the next iteration.
   */
  restart(input: unknown): Promise<never>;
  /**
   * Starts a run of `workflow` (same namespace) and resolves with its result; a child that
   * failed or was cancelled rejects with ChildWorkflowFailure. Recorded: on replay the child is
   * not started again. A run id that exists already is waited for, not an error.
   */
  runChild(workflow: string, runId: string, input: unknown, opts?: ChildOptions): Promise<unknown>;
  /** Starts a run of `workflow` and goes on without waiting for it. */
  startChild(workflow: string, runId: string, input: unknown, opts?: ChildOptions): Promise<void>;
  /** Sends a signal to another run, durably, with the next commit; sent once, also on replay. */
  signalRun(workflow: string, runId: string, signal: string, message: unknown, externalId: string): Promise<void>;
  /**
   * True on runs that reach this point with the new code (a marker is recorded); false when
   * replaying a run recorded before the patch existed. The same answer every time in a run.
   */
  patched(patchId: string): boolean;
  /** Step 2 of 3 of removing a patch: accepts histories with or without its marker, records nothing. */
  deprecatePatch(patchId: string): void;
  /** Sets tags of this run, over those it has; recorded (a replay sets the same); later children inherit them. */
  setTags(tags: Tags): Promise<void>;
  /**
   * Creates a completion token: an unguessable id (144 random bits) that whoever holds it
   * completes (completeToken, failToken, a tokenUrl). Recorded: replay gets the same id back.
   */
  createToken(opts?: TokenOptions): Promise<{ readonly id: string }>;
  /** completeToken's value for a token of this run; rejects with TokenTimeoutError, or failToken's error. */
  awaitToken(tokenId: string): Promise<unknown>;
  /**
   * The data of the next event `name` (with `key`, when given), or undefined after `timeout`; with
   * `lookback`, one published up to that long before the wait began counts too.
   */
  waitForEvent(name: string, opts: WaitForEventOptions): Promise<unknown>;
  /** Appends `value` (JSON) to the run's stream `key`, with the step; replay does not write it again. */
  writeStream(key: string, value: unknown): Promise<void>;
  /** Closes the run's stream `key` (the run's end closes every stream of the run anyway). */
  closeStream(key: string): Promise<void>;
  /** Deterministic: the same on replay. */
  now(): Date;
  random(): number;
  uuid(): string;
  /** The tick of the schedule that started this run; undefined for runs not started by a schedule. */
  readonly scheduledAt: Date | undefined;
}

export type WorkflowFn = (ctx: RunContext, input: never) => Promise<unknown>;

export interface WorkerOptions {
  readonly client: Client;
  readonly namespace: string;
  readonly workflows: Readonly<Record<string, WorkflowFn>>;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  readonly backends?: unknown;
  /** Runs held at once (each may have several activities in flight). Default 16. */
  readonly concurrency?: number;
  /** Claim only runs whose shard (hash of run id) modulo `count` is `index`. */
  readonly shards?: { readonly count: number; readonly index: number };
  /** Written as lease owner; default host:pid:random. */
  readonly identity?: string;
  /** How long a claim lasts without renewal. Default 30 s. */
  readonly leaseMs?: number;
  /**
   * The code version this worker runs: it claims only runs pinned to this version and runs
   * pinned to none. Default: none (it claims every run).
   */
  readonly version?: string;
  /**
   * The queues this worker serves, with their limits; runs of other queues are left to the
   * workers that serve them. Limits are stored in the database and hold across workers:
   * give every worker of a queue the same ones.
   */
  readonly queues?: Readonly<Record<string, QueueOptions>>;
  /**
   * Schedules this worker keeps in the database (a manifest's): when it starts, each one that is
   * missing is created and each that differs is updated (createSchedule); one that is the same is
   * left alone, so its next tick, the ticks it missed and a pause are kept. Others are not touched.
   */
  readonly schedules?: readonly ScheduleOptions[];
  /** Runs started by published events, by workflow name (see EventTrigger). */
  readonly triggers?: Readonly<Record<string, EventTrigger>>;
  /** Published events older than this are deleted: the longest `lookback` plus a margin; default "7d". */
  readonly eventRetention?: Duration;
  /** How activities' stream writes are batched (an activity's own `streamBatch` wins). */
  readonly streamBatch?: StreamBatchOptions;
  /** Suspended runs kept in memory. Default 1000; 0 turns the cache off. */
  readonly cacheSize?: number;
  /** Longest pause between polls when idle. Default 1000 ms. */
  readonly maxPollIntervalMs?: number;
  /** How long stop() waits for work in flight before releasing it. Default 10 s. */
  readonly stopTimeoutMs?: number;
  /** Default: text lines on stderr (JSON lines with REPLAY_LOG_FORMAT=json); see createJsonLogger. */
  readonly logger?: Logger;
  /** Where the worker's spans go; default: the global tracer provider of @opentelemetry/api. */
  readonly tracerProvider?: TracerProvider;
  /** Where the worker's metrics go; default: the global meter provider of @opentelemetry/api. */
  readonly metrics?: WorkerMetricsOptions;
}

/** A worker's metrics: a provider of yours, or a Prometheus endpoint of the worker's own. */
export interface WorkerMetricsOptions {
  /**
   * Serve this worker's metrics at http://host:port/metrics for Prometheus, from a meter
   * provider of its own, started by start() and stopped by stop(); 0 picks a free port (see
   * `worker.metricsUrl`). Needs @opentelemetry/sdk-metrics and @opentelemetry/exporter-prometheus.
   */
  readonly port?: number;
  /**
   * The address the endpoint listens on; default 127.0.0.1 (only this machine can scrape it).
   * "0.0.0.0" serves every interface, for a Prometheus on another machine.
   */
  readonly host?: string;
  /** Record through this provider instead of the global one (not together with `port`). */
  readonly meterProvider?: MeterProvider;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Worker {
  readonly identity: string;
  start(): Promise<void>;
  /** Stops claiming, finishes or releases what it holds within stopTimeoutMs. */
  stop(): Promise<void>;
}

/**
 * The context of an activity that declares streams in the manifest (the generated
 * `<Activity>Context` is one): the runtime's ActivityContext, with `writeStream` and
 * `closeStream` typed by `S`. The runtime passes a plain ActivityContext, which is assignable.
 */
export type TypedActivityContext<S> = Omit<ActivityContext, "writeStream" | "closeStream"> & TypedStreamWrites<S>;
