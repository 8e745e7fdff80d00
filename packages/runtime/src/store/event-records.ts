import type { RunKey, StoredPublishedEvent } from "../history/index.js";
import type { DebounceWindow, SingletonPolicy } from "./rules/triggers.js";

/*
 * Published events, completion tokens and event-started runs, as the client and the worker
 * hand them to a store and get them back.
 */

/** An event a client publishes (publishEvent). */
export interface NewPublishedEvent extends StoredPublishedEvent {
  readonly namespace: string;
}

/** A run that a published event starts, as a worker's trigger plans it. */
export interface TriggerPlan {
  readonly workflow: string;
  /** The run id the trigger's `runId` gave for the event. */
  readonly runId: string;
  readonly inputText: string;
  /** The code version the run is pinned to (the dispatching worker's). */
  readonly codeVersion?: string | undefined;
  /** Start one run per burst of events with the event's key (see rules/triggers.ts). */
  readonly debounce?: DebounceWindow | undefined;
  /** Start no second run for the key while one runs ("skip"), or cancel it first ("replace"). */
  readonly singleton?: SingletonPolicy | undefined;
}

/**
 * The runs a worker's triggers start for an event. It may answer later: a client with codecs
 * decodes the event's data first (CodecStore.dispatchEvents).
 */
export type TriggerPlanner = (event: StoredPublishedEvent) => readonly TriggerPlan[] | Promise<readonly TriggerPlan[]>;

/** What one look at a namespace's undispatched events did. */
export interface DispatchedEvents {
  /** Events dispatched (each exactly once across workers). */
  readonly dispatched: number;
  /** Runs an event was delivered to. */
  readonly woken: readonly RunKey[];
  /** Runs the triggers started (a debounced start comes later, see fireDebounces). */
  readonly started: readonly RunKey[];
  /** True when more events wait to be dispatched. */
  readonly more: boolean;
}

/** What firing due debounce windows started, and when the next window is due. */
export interface FiredDebounces {
  readonly started: readonly RunKey[];
  readonly next: number | undefined;
}

/** A completion of a token (completeToken, failToken), already in stored form. */
export interface TokenCompletionWrite {
  readonly tokenId: string;
  readonly failed: boolean;
  /** The stored completion (tokenCompletionText). */
  readonly completionText: string;
  readonly now: number;
}

/** What a completion did: `completed` false when the token had been completed before. */
export interface CompletedToken {
  readonly completed: boolean;
  /** The token's run, to wake in-process. */
  readonly run: RunKey;
}
