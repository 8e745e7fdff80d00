import type { EventType, RunStatus } from "../../history/index.js";
import type { ScheduleSpec } from "../types.js";

/** A run, as the in-memory store keeps it: the fields of the MySQL `runs` table. */
export interface RunRow {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  iteration: number;
  status: RunStatus;
  readonly shard: number;
  version: number;
  nextPos: number;
  wakeAt: number | null;
  wakeGen: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  cancelRequested: boolean;
  codeVersion: string | null;
  readonly seed: string | null;
  readonly deadline: number | null;
  readonly queue: string | null;
  readonly priority: number;
  readonly concurrencyKey: string | null;
  readonly scheduledAt: number | null;
  readonly traceContext: string | null;
  stalls: number;
  stallMark: boolean;
  wantedActivity: string | null;
  parent: { readonly workflow: string; readonly runId: string; readonly waits: boolean } | null;
  inputText: string | null;
  resultText: string | null;
  errorText: string | null;
  readonly createdAt: number;
  updatedAt: number;
  /** The run's events in id order. */
  readonly events: EventRow[];
  /** Retry rows by iteration and task key. */
  readonly tasks: Map<string, TaskRowM>;
}

export interface EventRow {
  readonly id: number;
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly pos: number | null;
  readonly type: EventType;
  readonly target: string;
  readonly seq: number;
  readonly payloadText: string | null;
  readonly at: number;
}

export interface SignalRowM {
  readonly id: number;
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string;
  readonly createdAt: number;
  consumedIteration: number | null;
  consumedSeq: number | null;
}

export interface TaskRowM {
  readonly iteration: number;
  readonly target: string;
  readonly seq: number;
  attempt: number;
  readyAt: number;
  lastError: string;
  heartbeat: string | null;
}

/** A schedule, as the in-memory store keeps it. */
export interface ScheduleRow {
  spec: ScheduleSpec;
  paused: boolean;
  nextTick: number | null;
  lastTick: number | null;
  lastRunId: string | null;
  readonly createdAt: number;
  updatedAt: number;
}
