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
  /** The source's start options, which the fork keeps unless the request overrides them. */
  readonly queue: string | null;
  readonly priority: number;
  readonly concurrencyKey: string | null;
  readonly deadline: number | null;
  readonly createdAt: number;
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
 * seed, so ctx.random() and ctx.uuid() replay the same values, its code version unless the
 * request pins another, and its start options (see forkPlacement).
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
    ...forkPlacement(source, request),
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

/**
 * The fork's queue, priority, concurrency key and deadline: the source's, each replaced by the
 * request's override when it has one (null removes it). The source's timeout is kept as a
 * length: its deadline was its start plus the timeout, so the fork's is its own start plus the same.
 */
export function forkPlacement(
  source: Pick<ForkSource, "queue" | "priority" | "concurrencyKey" | "deadline" | "createdAt">,
  request: Pick<ForkRequest, "overrides" | "now">,
): { queue: string | null; priority: number; concurrencyKey: string | null; deadline: number | null } {
  const overrides = request.overrides ?? {};
  const timeoutMs =
    overrides.timeoutMs !== undefined
      ? overrides.timeoutMs
      : source.deadline === null
        ? null
        : source.deadline - source.createdAt;
  return {
    queue: overrides.queue !== undefined ? overrides.queue : source.queue,
    priority: overrides.priority ?? source.priority,
    concurrencyKey: overrides.concurrencyKey !== undefined ? overrides.concurrencyKey : source.concurrencyKey,
    deadline: timeoutMs === null ? null : request.now + timeoutMs,
  };
}
