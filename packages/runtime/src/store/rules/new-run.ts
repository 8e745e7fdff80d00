import { type NewEvent, newEvent, type RunKey, RunStatus, type Tags } from "../../history/index.js";
import { shardOf } from "../../shard.js";
import { FRESH_VERSION } from "../claimed-run.js";
import type { NewRun } from "../client-store.js";

/** The parent a run reports to, and whether that parent waits for its ending (runChild). */
export interface ParentLink {
  readonly workflow: string;
  readonly runId: string;
  readonly waits: boolean;
}

/**
 * A run's row as a store creates it: every column both stores keep that is not empty at
 * creation (no lease, no stalls, no result yet).
 */
export interface NewRunRow extends RunKey {
  readonly iteration: number;
  readonly status: RunStatus;
  readonly shard: number;
  /** FRESH_VERSION unless the history holds more than the created event (a fork). */
  readonly version: number;
  readonly nextPos: number;
  readonly wakeAt: number;
  readonly wakeGen: number;
  readonly cancelRequested: boolean;
  readonly inputText: string;
  readonly codeVersion: string | null;
  readonly seed: string | null;
  /** The iteration whose ctx.random() stream the current one continues (see ReusedHistory); null: its own. */
  readonly seedIteration: number | null;
  readonly deadline: number | null;
  readonly parent: ParentLink | null;
  readonly queue: string | null;
  readonly priority: number;
  readonly concurrencyKey: string | null;
  readonly scheduledAt: number | null;
  readonly traceContext: string | null;
  readonly tags: Tags;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** An event to write with its iteration and position (null: not part of replay). */
export interface PlacedEvent {
  readonly iteration: number;
  readonly pos: number | null;
  readonly event: NewEvent;
}

/** What a store writes to create a run: its row, and its first events in log order. */
export interface RunCreation {
  readonly row: NewRunRow;
  readonly events: readonly PlacedEvent[];
}

/**
 * A new run: running, fresh (version 0, iteration 0, next position 1), due at its start time,
 * with its created event at position 0. Started by a client, a schedule or a parent's step.
 */
export function runCreation(run: NewRun): RunCreation {
  const { key, inputText, now } = run;
  const row: NewRunRow = {
    namespace: key.namespace,
    workflow: key.workflow,
    runId: key.runId,
    iteration: 0,
    status: RunStatus.Running,
    shard: shardOf(key.runId),
    version: FRESH_VERSION,
    nextPos: 1,
    wakeAt: run.startAt ?? now,
    wakeGen: 0,
    cancelRequested: false,
    inputText,
    codeVersion: run.codeVersion ?? null,
    seed: null,
    seedIteration: null,
    deadline: run.deadline ?? null,
    parent: run.parent ?? null,
    queue: run.queue ?? null,
    priority: run.priority ?? 0,
    concurrencyKey: run.concurrencyKey ?? null,
    scheduledAt: run.scheduledAt ?? null,
    traceContext: run.traceContext ?? null,
    tags: run.tags ?? {},
    createdAt: now,
    updatedAt: now,
  };
  return { row, events: [{ iteration: 0, pos: 0, event: newEvent.created(inputText, now) }] };
}
