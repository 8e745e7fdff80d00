import type { Duration } from "./duration.js";

/*
 * The public types of completion tokens, published events and event triggers (see
 * docs/waiting.md), used by the RunContext, Client and WorkerOptions of api.ts.
 */

/** Which published events purgeEvents deletes. */
export interface PurgeEventsOptions {
  /** Events published before this time, dispatched or not. */
  readonly publishedBefore: Date;
}

/** Options of ctx.createToken. */
export interface TokenOptions {
  /** ctx.awaitToken rejects with TokenTimeoutError after this long, and completions are refused; default: never. */
  readonly timeout?: Duration;
  /** A name for people (the inspector, describeRun); it is part of the recorded command. */
  readonly name?: string;
}

/** Options of ctx.waitForEvent. */
export interface WaitForEventOptions {
  /** Only events published with this key (e.g. a user id); default: any event of the name. */
  readonly key?: string;
  /** Resolve with undefined when no event came within this long. */
  readonly timeout: Duration;
  /** Events published up to this long before the wait began match too (default 0: only later ones). */
  readonly lookback?: Duration;
}

/** A published event as a trigger's `runId` sees it besides its data. */
export interface TriggerEvent {
  readonly eventId: string;
  readonly name: string;
  /** The key it was published with, if any. */
  readonly key: string | undefined;
  readonly publishedAt: Date;
}

/**
 * Runs of a workflow that published events start (createWorker's `triggers`). Each event named
 * `event` starts one run, whose input is the event's data. Give every worker of the namespace
 * the same triggers: an event is dispatched once, by whichever worker gets to it first.
 */
export interface EventTrigger {
  /** The event name. */
  readonly event: string;
  /**
   * The run id for an event (a valid name): make it from the data, so that the same event
   * published twice, or dispatched by two workers, starts one run.
   */
  readonly runId: (data: never, event: TriggerEvent) => string;
  /**
   * A burst of events with one key (publishEvent's `key`) starts one run, with the last event's
   * data and run id, `period` after the last event and no later than `maxDelay` after the first.
   */
  readonly debounce?: { readonly period: Duration; readonly maxDelay?: Duration };
  /**
   * One run per key at a time: while the run an event of the key started still runs, a new
   * event starts none ("skip"), or cancels it and starts anew ("replace"). Not with `debounce`.
   */
  readonly singleton?: "skip" | "replace";
}
