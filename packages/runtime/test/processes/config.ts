import type { QueueOptions } from "../../src/api.js";

/** What the test tells a worker process, as JSON in the REPLAYKIT_CHILD environment variable. */
export interface ChildConfig {
  /** Database URL, e.g. mysql://root@127.0.0.1:PORT/t_ab12cd. */
  readonly url: string;
  /** Every node of a cluster, the worker's own first: then the client fails over between them and `url` is unused. */
  readonly urls?: readonly string[];
  readonly namespace: string;
  readonly identity: string;
  readonly leaseMs: number;
  readonly stopTimeoutMs?: number;
  readonly concurrency?: number;
  readonly maxPollIntervalMs?: number;
  readonly shards?: { readonly count: number; readonly index: number };
  /** Upper bound of the random pause inside each activity. */
  readonly activityDelayMs?: number;
  /** The queues the worker serves, with their limits. */
  readonly queues?: Readonly<Record<string, QueueOptions>>;
  /** Start the runs of the event triggers of workflows.ts. */
  readonly triggers?: boolean;
}

export const CHILD_CONFIG_ENV = "REPLAYKIT_CHILD";

/** Printed on stdout once the worker runs. */
export const READY_LINE = "REPLAYKIT_WORKER_READY";

/** Printed on stderr by the child for an unhandled rejection or exception. */
export const UNHANDLED_MARKER = "REPLAYKIT_UNHANDLED unhandledRejection";

export function parseChildConfig(text: string | undefined): ChildConfig {
  if (!text) throw new Error(`set ${CHILD_CONFIG_ENV} to the worker's JSON config`);
  const config = JSON.parse(text) as ChildConfig;
  for (const field of ["url", "namespace", "identity"] as const) {
    if (typeof config[field] !== "string") throw new Error(`${CHILD_CONFIG_ENV}.${field} must be a string`);
  }
  return config;
}
