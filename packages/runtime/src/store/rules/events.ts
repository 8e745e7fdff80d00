import { EVENT_SIGNAL, type RunKey, receivedEventText, type StoredPublishedEvent } from "../../history/index.js";
import type { EventWaitToBegin, SignalToSend, StepWrite } from "../step-write.js";

/*
 * Which published events a run's event wait receives. A wait (ctx.waitForEvent) matches the
 * events of its name, with its key (a wait without a key: any key), published from its `since`
 * (the moment it began, minus its lookback) until its deadline. Matches reach the run through
 * its inbox (EVENT_SIGNAL, one row per run and event), from two sides that both apply this rule:
 * - the step that begins a wait delivers the events already published since `since` (the
 *   lookback), and registers the wait;
 * - the dispatch of an event delivers it to every registered wait it matches.
 * The store serialises the two per (name, key) (see store/mysql/events.ts), so an event
 * published while a wait begins is delivered by one of them or both (the inbox keeps one row).
 * The worker applies the rule again when it hands inbox rows to the waits of the workflow.
 */

/** A registered event wait of a run. */
export interface RegisteredWait extends EventWaitToBegin {
  readonly run: RunKey;
  readonly iteration: number;
}

/** The fields of a published event that matching reads. */
export type MatchedEvent = Pick<StoredPublishedEvent, "name" | "key" | "publishedAt">;

/** True when `event` is one the wait receives. */
export function eventMatchesWait(
  wait: Pick<EventWaitToBegin, "name" | "key" | "since" | "deadline">,
  event: MatchedEvent,
): boolean {
  if (event.name !== wait.name) return false;
  if (wait.key !== null && event.key !== wait.key) return false;
  return event.publishedAt >= wait.since && event.publishedAt < wait.deadline;
}

/** The inbox row that delivers `event` to `run`. */
export function eventDelivery(run: RunKey, event: StoredPublishedEvent): SignalToSend {
  return {
    key: run,
    signal: { signal: EVENT_SIGNAL, externalId: event.eventId, payloadText: receivedEventText(event) },
  };
}

/**
 * What the dispatch of `event` delivers: one inbox row to each run with a registered wait the
 * event matches (a run with several such waits gets one: its waits take their events from its
 * inbox one at a time, never one event twice).
 */
export function dispatchDeliveries(event: StoredPublishedEvent, waits: readonly RegisteredWait[]): SignalToSend[] {
  const runs = new Map<string, RunKey>();
  for (const wait of waits) {
    if (eventMatchesWait(wait, event)) runs.set(`${wait.run.workflow}/${wait.run.runId}`, wait.run);
  }
  return [...runs.values()].map((run) => eventDelivery(run, event));
}

/**
 * The waits a step registers: those it begins, but not one it also ends (a wait the workflow
 * began and left in one step, e.g. its run ended right after it).
 */
export function waitsToRegister(step: Pick<StepWrite, "eventWaits" | "eventWaitsEnded">): EventWaitToBegin[] {
  const ended = new Set((step.eventWaitsEnded ?? []).map((wait) => `${wait.name}#${wait.seq}`));
  return (step.eventWaits ?? []).filter((wait) => !ended.has(`${wait.name}#${wait.seq}`));
}

/**
 * The most events a beginning wait looks back on: the oldest matching ones are delivered. One
 * wait consumes one; more only serve later waits of the run for the same events.
 */
export const LOOKBACK_DELIVERIES = 100;

/** What a beginning wait delivers of the events published since its `since` (candidates in publication order). */
export function lookbackDeliveries(
  run: RunKey,
  wait: EventWaitToBegin,
  candidates: readonly StoredPublishedEvent[],
): SignalToSend[] {
  return candidates
    .filter((event) => eventMatchesWait(wait, event))
    .slice(0, LOOKBACK_DELIVERIES)
    .map((event) => eventDelivery(run, event));
}

/**
 * Published events older than this before now are deleted by the workers' purge (worker option
 * `eventRetention`): the longest lookback of a namespace's workflows plus a margin.
 */
export const DEFAULT_EVENT_RETENTION_MS = 7 * 86_400_000;
