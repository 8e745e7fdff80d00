import type { RunKey } from "../history/index.js";

/** An unconsumed signal in a run's inbox. */
export interface InboxSignal {
  readonly id: number;
  readonly signal: string;
  readonly externalId: string;
  readonly payloadText: string | null;
  /** When the signal was stored, ms since the epoch. */
  readonly createdAt: number;
}

/** A run just created in this process: everything its first step needs, so nothing is read. */
export interface FreshRun {
  readonly inputText: string;
  readonly createdAt: number;
  /** The code version the run was started for, if any. */
  readonly codeVersion?: string | undefined;
  /** When the run times out, if it has a timeout. */
  readonly deadline?: number | undefined;
  /** Its queue: a run in a queue is claimed through the queue's limits, never taken up in-process. */
  readonly queue?: string | undefined;
  /** Not before this time (a delayed start), ms since the epoch. */
  readonly startAt?: number | undefined;
  /** The tick of the schedule that started it. */
  readonly scheduledAt?: number | undefined;
  /** The trace context of the caller that started it (see NewRun.traceContext). */
  readonly traceContext?: string | undefined;
  /** Requests arrived with the start (updateWithStart): the first step reads them. */
  readonly requestGen?: number | undefined;
}

/** The state of a run a worker is about to advance. */
export interface ClaimedRun extends RunKey {
  readonly iteration: number;
  /** The fence: every committed step bumps it; a step written against an older one is refused. */
  readonly version: number;
  /** Position of the next event of the iteration's history. */
  readonly nextPos: number;
  /** Bumped by everything that wakes the run from outside (signal, cancel, update, query). */
  readonly wakeGen: number;
  /** Bumped by every update or query request stored for the run: its requests are read when it moved. */
  readonly requestGen?: number | undefined;
  readonly cancelRequested: boolean;
  /** The code version the run is pinned to; undefined: any worker may run it. */
  readonly codeVersion?: string | undefined;
  /** Seed of ctx.random()/uuid() when not the run's own (a fork keeps its source's). */
  readonly seed?: string | undefined;
  /** The iteration whose ctx.random() stream the current one continues (a reset's); undefined: its own. */
  readonly seedIteration?: number | undefined;
  /** When the run times out (runWorkflow's `timeout`), ms since the epoch. */
  readonly deadline?: number | undefined;
  /** The run's queue; undefined: the default queue. */
  readonly queue?: string | undefined;
  /** The tick of the schedule that started the run. */
  readonly scheduledAt?: number | undefined;
  /** Workers in a row that froze running the run's code (see MAX_STALLS). */
  readonly stalls?: number | undefined;
  /** This claim took over a lease that another owner let run out (see EngineStore.markStall). */
  readonly takeover?: boolean | undefined;
  /** The activity the run waits for that its last worker lacked. */
  readonly wantedActivity?: string | undefined;
  /** The trace context stored with the run (see NewRun.traceContext). */
  readonly traceContext?: string | undefined;
  /** When the run became due (its wake time when claimed), ms since the epoch; for the schedule-to-start delay. */
  readonly dueAt?: number | undefined;
  /** Set when no step was committed yet: the history is just the created event. */
  readonly fresh?: FreshRun;
  /**
   * Every unconsumed signal of the run, in arrival order, read in the same statement as
   * `wakeGen` (so it is the inbox as of that generation), when the store read them along (see
   * EngineStore.readRun); the worker then needs no inbox read for its first step.
   */
  readonly signals?: readonly InboxSignal[] | undefined;
}

/**
 * What "fresh" means, in one place: a run no step has been committed for has version 0,
 * iteration 0, and its history is its created event (position 0).
 */
export const FRESH_VERSION = 0;

/** The claim state of a run created in this process a moment ago. */
export function freshClaim(key: RunKey, fresh: FreshRun): ClaimedRun {
  return {
    ...key,
    iteration: 0,
    version: FRESH_VERSION,
    nextPos: 1,
    wakeGen: 0,
    requestGen: fresh.requestGen,
    cancelRequested: false,
    codeVersion: fresh.codeVersion,
    deadline: fresh.deadline,
    queue: fresh.queue,
    scheduledAt: fresh.scheduledAt,
    traceContext: fresh.traceContext,
    dueAt: fresh.startAt ?? fresh.createdAt,
    fresh,
  };
}
