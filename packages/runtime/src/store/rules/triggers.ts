import { type RunKey, RunStatus } from "../../history/index.js";

/*
 * What an event does to the runs of a trigger (createWorker's `triggers`): start one run, or,
 * per event key, gather a burst into one run (debounce) or keep one run at a time (singleton).
 */

/** While a run of the key runs, a new event starts none ("skip"), or cancels it and starts anew ("replace"). */
export type SingletonPolicy = "skip" | "replace";

/** A burst of events with one key becomes one run, `periodMs` after the last and at most `maxDelayMs` after the first. */
export interface DebounceWindow {
  readonly periodMs: number;
  readonly maxDelayMs?: number | undefined;
}

/** The key that groups a trigger's events: the event's key, or "" for events without one. */
export function triggerKey(eventKey: string | null): string {
  return eventKey ?? "";
}

/** An open debounce window: its first and last event, and when its run starts. */
export interface DebounceState {
  readonly firstAt: number;
  readonly lastAt: number;
  readonly fireAt: number;
}

/**
 * The window after an event published at `publishedAt`: a new burst when none is open, else the
 * open one, whose run moves to `periodMs` after its last event, but no later than `maxDelayMs`
 * after its first. `takesData`: this event is the burst's last (events may be dispatched out of
 * publication order), so the run starts with its data and run id.
 */
export function debounceAfter(
  open: DebounceState | undefined,
  publishedAt: number,
  window: DebounceWindow,
): { readonly state: DebounceState; readonly takesData: boolean } {
  const firstAt = Math.min(open?.firstAt ?? publishedAt, publishedAt);
  const lastAt = Math.max(open?.lastAt ?? publishedAt, publishedAt);
  const quiet = lastAt + window.periodMs;
  const fireAt = window.maxDelayMs === undefined ? quiet : Math.min(quiet, firstAt + window.maxDelayMs);
  return { state: { firstAt, lastAt, fireAt }, takesData: open === undefined || publishedAt >= open.lastAt };
}

/** The run a singleton trigger last started for a key, as the store reads it (undefined: none, or purged). */
export interface SingletonRun {
  readonly key: RunKey;
  readonly status: string;
}

/** What a singleton trigger does with an event. */
export type SingletonDecision =
  | { readonly kind: "skip" }
  /** Start a run; first cancel `cancel`, the one running for the key (replace). */
  | { readonly kind: "start"; readonly cancel?: RunKey };

/** See SingletonPolicy: only a running run holds the key (an ended or stuck one does not). */
export function singletonDecision(policy: SingletonPolicy, current: SingletonRun | undefined): SingletonDecision {
  if (current === undefined || current.status !== RunStatus.Running) return { kind: "start" };
  return policy === "skip" ? { kind: "skip" } : { kind: "start", cancel: current.key };
}

/**
 * The run ids a singleton start tries, in order: the trigger's, and when a run of that id exists
 * already (the one replaced, or one that ended, when the id is made from the key alone),
 * `<runId>~<eventId>`, new for each event.
 */
export function singletonRunIds(runId: string, eventId: string): readonly [string, string] {
  return [runId, `${runId}~${eventId}`];
}
