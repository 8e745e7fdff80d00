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
  /** The payload as stored: what a fork or a reset copies (encoded when a client's codecs encoded it). */
  readonly payloadText?: string | null | undefined;
  /**
   * The payload as JSON text, when its stored text is encoded (set by openEvents for the kinds
   * the rules read): what the rules parse. Undefined: payloadText is plain JSON.
   */
  readonly openText?: string | null | undefined;
  readonly at: number;
}

/** The value of a source event's payload, as the rules read it (see SourceEvent.openText); `fallback` when it has none. */
export function readPayload(event: SourceEvent, fallback = "null"): unknown {
  return JSON.parse(event.openText ?? event.payloadText ?? fallback);
}

/**
 * The fork of a run (see ForkRequest): a new run in the source's iteration with the source's
 * input, its created event, the steps before `fromStep` with their results at the positions
 * after it, and a `forked` marker (no position: not part of replay). It keeps the source's
 * seed, so ctx.random() and ctx.uuid() replay the same values, its tags, its code version unless
 * the request pins another, and its start options (see forkPlacement).
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
    ...forkPlacement(source, request),
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
