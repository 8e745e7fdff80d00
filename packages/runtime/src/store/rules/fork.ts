import { type EventType, eventsBeforeStep, newEvent, type Tags } from "../../history/index.js";
import { FRESH_VERSION } from "../claimed-run.js";
import type { ForkRequest } from "../client-store.js";
import { type PlacedEvent, type RunCreation, runCreation } from "./new-run.js";

/** What a fork reads of its source run. */
export interface ForkSource {
  readonly iteration: number;
  readonly inputText: string | null;
  readonly seed: string | null;
  /** The iteration whose random stream the source's current one continues (a reset's); null: its own. */
  readonly seedIteration: number | null;
  readonly codeVersion: string | null;
  readonly tags: Tags;
  /** The events of the source's current iteration, in any order (those without a position are skipped). */
  readonly events: readonly SourceEvent[];
}

/** An event of the source as a store reads it. */
export interface SourceEvent {
  readonly type: EventType;
  readonly pos: number | null;
  readonly target: string;
  readonly seq: number;
  readonly payloadText?: string | null | undefined;
  readonly at: number;
}

/**
 * The fork of a run (see ForkRequest): a new run in the source's iteration with the source's
 * input, its created event, the steps before `fromStep` with their results at the positions
 * after it, and a `forked` marker (no position: not part of replay). It keeps the source's
 * seed, so ctx.random() and ctx.uuid() replay the same values, its tags, and its code version
 * unless the request pins another.
 */
export function forkCreation(source: ForkSource, request: ForkRequest): RunCreation {
  const { target, fromStep, now } = request;
  const { iteration } = source;
  const seed = source.seed ?? `${request.source.namespace}/${request.source.workflow}/${request.source.runId}`;
  const inputText = source.inputText ?? "null";
  const created = runCreation({ key: target, inputText, now, tags: source.tags });
  const reused = reusedHistory(iteration, inputText, source.events, fromStep, now);
  const row = {
    ...created.row,
    iteration,
    codeVersion: request.codeVersion ?? source.codeVersion,
    seed,
    seedIteration: source.seedIteration,
    version: reused.version,
    nextPos: reused.nextPos,
  };
  const marker = newEvent.forked({ runId: request.source.runId, iteration, fromStep, seed }, now);
  return { row, events: [...reused.events, { iteration, pos: null, event: marker }] };
}

/** The start of an iteration that reuses the recorded steps of another (see reusedHistory). */
export interface ReusedHistory {
  /** The created event (position 0), then the copied steps and results at the positions after it. */
  readonly events: readonly PlacedEvent[];
  /** Where the iteration's next event goes. */
  readonly nextPos: number;
  /** FRESH_VERSION when nothing was copied; one more when steps were, so the worker reads the history. */
  readonly version: number;
}

/**
 * The layout that forkRun and resetRun share: iteration `iteration` starts with `inputText`,
 * and the steps of `events` before `fromStep` with the results recorded before it (see
 * eventsBeforeStep) follow its created event, so they are not executed again.
 */
export function reusedHistory(
  iteration: number,
  inputText: string,
  events: readonly SourceEvent[],
  fromStep: number,
  now: number,
): ReusedHistory {
  const copied = eventsBeforeStep(events, fromStep);
  return {
    events: [
      { iteration, pos: 0, event: newEvent.created(inputText, now) },
      ...copied.map(({ type, target, seq, payloadText, at }, index) => ({
        iteration,
        pos: index + 1,
        event: { type, target, seq, payloadText: payloadText ?? null, at },
      })),
    ],
    nextPos: copied.length + 1,
    version: copied.length > 0 ? FRESH_VERSION + 1 : FRESH_VERSION,
  };
}
