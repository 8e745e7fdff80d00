import type { ReplayError } from "../errors.js";
import type { EndStatus, NewEvent, RunKey, Tags } from "../history/index.js";
import type { NewSignal } from "./client-store.js";
import type { RequestWrite } from "./request-records.js";
import type { StreamAppend } from "./stream-records.js";

/** A pending activity retry of a run (written when an attempt failed and the next must wait). */
export interface TaskRow {
  readonly target: string;
  readonly seq: number;
  readonly attempt: number;
  readonly readyAt: number;
  /** The details of the last heartbeat of an attempt, as JSON text. */
  readonly heartbeat?: string | null;
}

/** A retry to wait for, written with the step that saw the attempt fail. */
export interface TaskRetry extends TaskRow {
  readonly lastError: string;
}

/** How a step ends its run. */
export interface RunEnd {
  readonly status: EndStatus;
  readonly resultText: string | null;
  readonly errorText: string | null;
}

/** A child run a step starts, with the step, exactly once. */
export interface ChildStart {
  readonly key: RunKey;
  readonly inputText: string;
  /** The parent waits for its ending (runChild): it is delivered to the parent's inbox. */
  readonly waits: boolean;
  readonly codeVersion?: string | undefined;
  readonly deadline?: number | undefined;
  /** The queue the child runs through. */
  readonly queue?: string | undefined;
  /** The parent's workflow span, so the child joins its trace (see NewRun.traceContext). */
  readonly traceContext?: string | undefined;
  /** The child's own tags, over those it inherits from the parent (ChildOptions.tags). */
  readonly tags?: Tags | undefined;
}

/** A signal a step sends to another run, with the step. */
export interface SignalToSend {
  readonly key: RunKey;
  readonly signal: NewSignal;
}

/** A completion token a step creates (ctx.createToken). */
export interface TokenToCreate {
  readonly id: string;
  readonly name?: string | undefined;
  readonly seq: number;
  /** When it expires, ms since the epoch; undefined: never. */
  readonly expiresAt?: number | undefined;
}

/** An event wait a step begins (ctx.waitForEvent); see rules/events.ts for what it matches. */
export interface EventWaitToBegin {
  readonly name: string;
  readonly seq: number;
  /** null: any key. */
  readonly key: string | null;
  /** Events published from this time on match (the wait's start minus its lookback). */
  readonly since: number;
  readonly deadline: number;
}

/** An event wait of the run's iteration, by name and sequence. */
export interface EventWaitRef {
  readonly name: string;
  readonly seq: number;
}

/** What a worker last saw of its run, beside its wake_gen (see StepWrite.seen). */
export interface RunSeen {
  readonly requestGen: number;
  readonly cancelRequested: boolean;
  readonly paused: boolean;
}

/** What one engine commit writes for a run, all or nothing, fenced by the run's version. */
export interface StepWrite {
  readonly key: RunKey;
  readonly owner: string;
  readonly iteration: number;
  readonly expectedVersion: number;
  /** Position of the first of `events`. */
  readonly firstPos: number;
  readonly events: readonly NewEvent[];
  /** Retries to wait for: each writes the activity's row, or replaces the one there (a heartbeat's or an earlier retry's). */
  readonly taskWrites: readonly TaskRetry[];
  readonly taskDeletes: readonly { readonly target: string; readonly seq: number }[];
  readonly signalsConsumed: readonly { readonly id: number; readonly seq: number }[];
  readonly childStarts: readonly ChildStart[];
  readonly signalsSent: readonly SignalToSend[];
  /** Children whose cancellation the step asks for (the run was cancelled while it waited for them). */
  readonly cancelChildren: readonly RunKey[];
  /** The workflow's writes to its run's streams (ctx.writeStream, ctx.closeStream), in order. */
  readonly streamWrites?: readonly StreamAppend[];
  /** The wake_gen the step read its inputs under; a newer one means something arrived since. */
  readonly observedWakeGen: number;
  /**
   * The rest of what the step's result reports, as its worker last saw it (StepResult's
   * requestGen, cancelRequested, paused). A store may fence the step on these too, and then
   * answer them without reading the run back (the MySQL lean step); one that moved makes it
   * write the step the slow way, not refuse it. Undefined: the store reads them.
   */
  readonly seen?: RunSeen | undefined;
  readonly now: number;
  readonly end?: RunEnd;
  /** The iteration ends with restart(input): the next starts with this input. */
  readonly restart?: { readonly inputText: string };
  /** The iteration has rows in the tasks table (retries), to delete when it ends or restarts. */
  readonly hasTaskRows: boolean;
  /** Keep the lease (activities still run here) or release it with `wakeAt`. */
  readonly hold: boolean;
  /** An activity the run waits for that this worker lacks: the run is left to workers that have it. */
  readonly wantedActivity?: string | undefined;
  readonly leaseUntil: number;
  readonly wakeAt: number | null;
  /** Tags the workflow set in this step (ctx.setTags), in order; merged into the run's by the store. */
  readonly tagsSet?: readonly Tags[] | undefined;
  /**
   * Rows of queue_slots (an activity's slot of its queue, or its wait for one) to delete with the
   * step: activities that no longer wait, and all of them when the step ends or restarts the run.
   */
  readonly slotDeletes?: readonly { readonly target: string; readonly seq: number }[] | undefined;
  /** Tokens the step creates, waiting for a completion. */
  readonly tokensCreated?: readonly TokenToCreate[];
  /**
   * Tokens whose timeout the step delivers to their await: each becomes expired. One that a
   * client completed meanwhile refuses the step (see rules/tokens.ts: tokenTimeoutRefusal).
   */
  readonly tokensExpired?: readonly string[];
  /**
   * Event waits the step begins: each is registered for the dispatch of events published from
   * now on, and the events published since its `since` are delivered to the run's inbox now.
   */
  readonly eventWaits?: readonly EventWaitToBegin[];
  /** Event waits the step ends (an event was received, or the wait timed out). */
  readonly eventWaitsEnded?: readonly EventWaitRef[];
  /**
   * What became of the run's update and query requests in this step: accepted, rejected,
   * completed, answered (see RequestWrite); each fenced like the step (rules/requests.ts).
   */
  readonly requestWrites?: readonly RequestWrite[];
  /**
   * The step is refused when the run is paused (rules/pause.ts: refusedIfPaused): its run was
   * taken up from the cache without a read (see LocalRequests), so its worker cannot know of a
   * pause since, or it delivered arrivals (signals, timers, requests...), which a paused run takes none of.
   */
  readonly refusePaused?: boolean | undefined;
}

export type StepResult =
  | {
      readonly ok: true;
      readonly version: number;
      readonly nextPos: number;
      readonly wakeGen: number;
      readonly cancelRequested: boolean;
      /** The run was paused (pauseRun): its holder starts nothing new and lets go. */
      readonly paused: boolean;
      /** The run's request_gen: when it moved since the step read the run's requests, new ones arrived. */
      readonly requestGen?: number;
      /** Children this step created (started children that existed already are not here). */
      readonly createdChildren?: readonly RunKey[];
      /** Other runs the step gave something to do: a parent told of its child's end, signal targets, cancelled children. */
      readonly woken?: readonly RunKey[];
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /**
       * The store can never write this step as it is (a value over what the server takes in one
       * packet): committing it again is pointless. The worker parks the run with this error.
       */
      readonly unwritable?: ReplayError;
    };
