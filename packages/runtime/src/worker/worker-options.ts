import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Client, Logger, QueueOptions, ScheduleOptions, StreamBatchOptions, WorkerOptions } from "../api.js";
import { toMillis } from "../duration.js";
import { ReplayError } from "../errors.js";
import { validateName } from "../json.js";
import { DEFAULT_EVENT_RETENTION_MS } from "../store/rules/events.js";
import type { QueueLimits } from "../store/rules/queue-picking.js";
import type { WorkerAbilities } from "../store/types.js";
import { defaultLogger } from "../telemetry/logging.js";
import { scheduleProblems } from "./schedules.js";
import { type ResolvedTrigger, resolveTriggers, triggerProblems } from "./triggers.js";

/** What a worker takes when its options leave a number out (see WorkerOptions). */
export const DEFAULTS = Object.freeze({
  concurrency: 16,
  leaseMs: 30_000,
  cacheSize: 1000,
  maxPollIntervalMs: 1000,
  stopTimeoutMs: 10_000,
  streamBatch: Object.freeze({ maxChunks: 500, maxDelayMs: 0 }),
});

const DAY_MS = 86_400_000;
/** Numeric worker options and their ranges (a lease under 50 ms could not be renewed in time). */
export const NUMERIC_OPTIONS = [
  ["concurrency", 1, 100_000],
  ["leaseMs", 50, DAY_MS],
  ["maxPollIntervalMs", 1, DAY_MS],
  ["stopTimeoutMs", 0, DAY_MS],
  ["cacheSize", 0, 10_000_000],
] as const satisfies readonly (readonly [keyof WorkerOptions, number, number])[];

/** How activities' stream writes are batched (see StreamBatchOptions), in ms. */
export interface ResolvedStreamBatch {
  readonly maxChunks: number;
  readonly maxDelayMs: number;
}

/** The worker's options once checked, every default filled in; frozen: the worker's parts only read it. */
export interface ResolvedWorkerOptions {
  readonly client: Client;
  readonly namespace: string;
  readonly workflows: WorkerOptions["workflows"];
  readonly activities: WorkerOptions["activities"];
  readonly backends: unknown;
  /** Written as lease owner: host:pid:random unless given. */
  readonly identity: string;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly cacheSize: number;
  /** The cache is off (cacheSize 0): a run's executor is rebuilt from history before every step. */
  readonly replayEveryStep: boolean;
  readonly maxPollIntervalMs: number;
  readonly stopTimeoutMs: number;
  readonly shards: WorkerOptions["shards"];
  readonly version: string | undefined;
  /** The queues this worker serves, in the order given, with their limits as the store keeps them. */
  readonly queues: ReadonlyMap<string, QueueLimits>;
  readonly queueNames: readonly string[];
  readonly schedules: readonly ScheduleOptions[];
  /** The runs published events start (see EventTrigger). */
  readonly triggers: readonly ResolvedTrigger[];
  /** Published events older than this are deleted (the `eventRetention` option, ms). */
  readonly eventRetentionMs: number;
  /** The workflows and activities this worker has: it claims only runs it can take further. */
  readonly can: WorkerAbilities;
  readonly tracerProvider: WorkerOptions["tracerProvider"];
  readonly metrics: WorkerOptions["metrics"];
  /** The worker's stream batching; an activity's `streamBatch` overrides it field by field. */
  readonly streamBatch: ResolvedStreamBatch;
}

/** Checks the options (every problem at once, as INVALID_WORKER_OPTIONS) and fills in the defaults. */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  validateOptions(options);
  const identity = options.identity ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const queues = new Map(Object.entries(options.queues ?? {}).map(([name, queue]) => [name, queueLimits(queue)]));
  const cacheSize = options.cacheSize ?? DEFAULTS.cacheSize;
  return Object.freeze({
    client: options.client,
    namespace: options.namespace,
    workflows: options.workflows,
    activities: options.activities,
    backends: options.backends,
    identity,
    logger: options.logger ?? defaultLogger(identity),
    concurrency: options.concurrency ?? DEFAULTS.concurrency,
    leaseMs: options.leaseMs ?? DEFAULTS.leaseMs,
    cacheSize,
    replayEveryStep: cacheSize === 0,
    maxPollIntervalMs: options.maxPollIntervalMs ?? DEFAULTS.maxPollIntervalMs,
    stopTimeoutMs: options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs,
    shards: options.shards,
    version: options.version,
    queues,
    queueNames: Object.freeze([...queues.keys()]),
    schedules: options.schedules ?? [],
    triggers: resolveTriggers(options.triggers),
    eventRetentionMs:
      options.eventRetention === undefined ? DEFAULT_EVENT_RETENTION_MS : toMillis(options.eventRetention),
    can: Object.freeze({ workflows: Object.keys(options.workflows), activities: Object.keys(options.activities) }),
    tracerProvider: options.tracerProvider,
    metrics: options.metrics,
    streamBatch: resolveStreamBatch(options.streamBatch, DEFAULTS.streamBatch),
  });
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

export function validateOptions(options: WorkerOptions): void {
  const problems: string[] = [];
  if (!options.client) problems.push("client is required (createClient(...))");
  if (!options.namespace) problems.push("namespace is required");
  if (Object.keys(options.workflows ?? {}).length === 0) problems.push("workflows must name at least one workflow");
  for (const [field, min, max] of NUMERIC_OPTIONS) {
    const value: unknown = options[field];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
      problems.push(`${field} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
    }
  }
  problems.push(...shardsProblems(options.shards));
  problems.push(...metricsProblems(options.metrics));
  problems.push(...queueProblems(options.queues ?? {}));
  problems.push(...streamBatchProblems("streamBatch", options.streamBatch));
  for (const [name, registration] of Object.entries(options.activities ?? {})) {
    if (typeof registration !== "function") {
      problems.push(...streamBatchProblems(`activities.${name}.streamBatch`, registration?.streamBatch));
    }
  }
  const maxPayloadBytes = options.client?.maxPayloadBytes ?? Number.POSITIVE_INFINITY;
  problems.push(...scheduleProblems(options.namespace, options.schedules ?? [], maxPayloadBytes));
  problems.push(...triggerProblems(options));
  problems.push(...retentionProblems(options.eventRetention));
  if (problems.length > 0)
    throw new ReplayError("INVALID_WORKER_OPTIONS", `invalid worker options: ${problems.join("; ")}`);
}

function retentionProblems(retention: WorkerOptions["eventRetention"]): string[] {
  if (retention === undefined) return [];
  try {
    if (toMillis(retention) >= 60_000) return [];
  } catch {
    // Said below.
  }
  return [`eventRetention must be a duration of at least a minute, such as "7d", got ${JSON.stringify(retention)}`];
}

function shardsProblems(shards: WorkerOptions["shards"]): string[] {
  if (!shards) return [];
  const { count, index } = shards;
  if (Number.isInteger(count) && count > 0 && Number.isInteger(index) && index >= 0 && index < count) return [];
  return [`shards must be { count > 0, 0 <= index < count }, got ${JSON.stringify(shards)}`];
}

function metricsProblems(metrics: WorkerOptions["metrics"]): string[] {
  if (metrics === undefined) return [];
  const problems: string[] = [];
  const port: unknown = metrics.port;
  if (port !== undefined && !(Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65_535)) {
    problems.push(`metrics.port must be an integer from 0 to 65535 (0: any free port), got ${describeValue(port)}`);
  }
  if (port !== undefined && metrics.meterProvider !== undefined) {
    problems.push("give metrics.port or metrics.meterProvider, not both: the port serves a meter provider of its own");
  }
  return problems;
}

/**
 * The largest queue limits: what the queues table holds. `concurrency` and `keyConcurrency` are
 * INT columns; a rate limit keeps the start time of each start in its window in a MEDIUMTEXT
 * (about 14 bytes each, 16 MiB in all). The manifest reader of @replaykit/codegen applies the same.
 */
export const QUEUE_LIMITS = Object.freeze({
  concurrency: 2_147_483_647,
  keyConcurrency: 2_147_483_647,
  rateLimit: 1_000_000,
});

export function queueProblems(queues: Readonly<Record<string, QueueOptions>>): string[] {
  const problems: string[] = [];
  const within = (value: unknown, max: number) =>
    Number.isInteger(value) && (value as number) > 0 && (value as number) <= max;
  const wrong = (field: string, value: unknown, max: number) =>
    `${field} must be a whole number from 1 to ${max}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`;
  for (const [name, queue] of Object.entries(queues)) {
    try {
      validateName("queue", name);
    } catch (error) {
      problems.push((error as Error).message);
    }
    for (const field of ["concurrency", "keyConcurrency"] as const) {
      if (queue[field] !== undefined && !within(queue[field], QUEUE_LIMITS[field])) {
        problems.push(wrong(`queues.${name}.${field}`, queue[field], QUEUE_LIMITS[field]));
      }
    }
    const rate = queue.rateLimit;
    if (rate !== undefined) {
      if (!within(rate.limit, QUEUE_LIMITS.rateLimit))
        problems.push(wrong(`queues.${name}.rateLimit.limit`, rate.limit, QUEUE_LIMITS.rateLimit));
      try {
        if (toMillis(rate.period) <= 0) throw new Error("it is 0");
      } catch {
        problems.push(
          `queues.${name}.rateLimit.period must be a positive duration such as "1s" or "1m", got ${JSON.stringify(rate.period)}`,
        );
      }
    }
  }
  return problems;
}

/** A queue's limits as the store keeps them (a rate limit's period in ms). */
export function queueLimits(options: QueueOptions): QueueLimits {
  const { concurrency, keyConcurrency, rateLimit } = options;
  return {
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(keyConcurrency === undefined ? {} : { keyConcurrency }),
    ...(rateLimit === undefined ? {} : { rateLimit: { limit: rateLimit.limit, periodMs: toMillis(rateLimit.period) } }),
  };
}

/** What is wrong with stream batching options, each naming `field` (e.g. "streamBatch"). */
export function streamBatchProblems(field: string, options: StreamBatchOptions | undefined): string[] {
  if (options === undefined) return [];
  const problems: string[] = [];
  const { maxChunks, maxDelay } = options;
  if (maxChunks !== undefined && !(Number.isInteger(maxChunks) && maxChunks >= 1 && maxChunks <= 10_000)) {
    problems.push(`${field}.maxChunks must be an integer from 1 to 10000, got ${describeValue(maxChunks)}`);
  }
  if (maxDelay !== undefined) {
    let ms: number | undefined;
    try {
      ms = toMillis(maxDelay);
    } catch {
      ms = undefined;
    }
    if (ms === undefined || ms > 10_000) {
      problems.push(
        `${field}.maxDelay must be a duration from 0 to 10 s, such as 0 or "20ms", got ${describeValue(maxDelay)}`,
      );
    }
  }
  return problems;
}

/** Stream batching with `options` over `fallback`, field by field; options already checked (streamBatchProblems). */
export function resolveStreamBatch(
  options: StreamBatchOptions | undefined,
  fallback: ResolvedStreamBatch,
): ResolvedStreamBatch {
  if (options === undefined) return fallback;
  return {
    maxChunks: options.maxChunks ?? fallback.maxChunks,
    maxDelayMs: options.maxDelay === undefined ? fallback.maxDelayMs : toMillis(options.maxDelay),
  };
}
