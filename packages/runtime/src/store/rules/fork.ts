import { type EventType, eventsBeforeStep, newEvent } from "../../history/index.js";
import { FRESH_VERSION } from "../claimed-run.js";
import type { ForkRequest } from "../client-store.js";
import { type RunCreation, runCreation } from "./new-run.js";

/** What a fork reads of its source run. */
export interface ForkSource {
  readonly iteration: number;
  readonly inputText: string | null;
  readonly seed: string | null;
  readonly codeVersion: string | null;
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
 * seed, so ctx.random() and ctx.uuid() replay the same values, and its code version unless
 * the request pins another.
 */
export function forkCreation(source: ForkSource, request: ForkRequest): RunCreation {
  const { target, fromStep, now } = request;
  const { iteration } = source;
  const copied = eventsBeforeStep(source.events, fromStep);
  const seed = source.seed ?? `${request.source.namespace}/${request.source.workflow}/${request.source.runId}`;
  const inputText = source.inputText ?? "null";
  const created = runCreation({ key: target, inputText, now });
  const row = {
    ...created.row,
    iteration,
    codeVersion: request.codeVersion ?? source.codeVersion,
    seed,
    // Not fresh when steps were copied: the worker must read the history.
    version: copied.length > 0 ? FRESH_VERSION + 1 : FRESH_VERSION,
    nextPos: copied.length + 1,
  };
  const events = [
    { iteration, pos: 0, event: newEvent.created(inputText, now) },
    ...copied.map(({ type, target: name, seq, payloadText, at }, index) => ({
      iteration,
      pos: index + 1,
      event: { type, target: name, seq, payloadText: payloadText ?? null, at },
    })),
    { iteration, pos: null, event: newEvent.forked({ runId: request.source.runId, iteration, fromStep, seed }, now) },
  ];
  return { row, events };
}
