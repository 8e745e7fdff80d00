import type { WorkflowFn } from "../api.js";
import { decodeEvent, EventType, type HistoryEvent, hasPayload, type RecordedEvent } from "../history/index.js";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "../json.js";
import { type PayloadOptions, resolvePayloadOptions } from "../payload/options.js";
import { PayloadPipeline } from "../payload/pipeline.js";
import { RunExecutor } from "../replay/executor.js";
import { newTokenId } from "../tokens/id.js";
import { HistoryShapeError, HistoryWorkflowMissingError, InvalidHistoryError } from "./errors.js";

/** The run a history is of. Replay needs it: it seeds the run's random() and uuid(). */
export interface RunIdentity {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
}

/**
 * A run's history as a fixture keeps it: the events of `client.getHistory` and whose they are.
 * `replaykit runs history <workflow> <runId> --fixture` writes one.
 */
export interface RunHistory extends RunIdentity {
  readonly events: readonly HistoryEvent[];
}

export interface ReplayHistoryOptions extends Pick<PayloadOptions, "codecs" | "payloadStore"> {
  /** The current code, by workflow name (the same map a worker gets). */
  readonly workflows: Readonly<Record<string, WorkflowFn>>;
  /**
   * The history's payloads are as stored (`getHistory(..., { raw: true })`, the form to keep in
   * a file: bytes and encoded payloads are plain JSON there): they are decoded first, encoded
   * ones with `codecs`, offloaded ones from `payloadStore`. Default false: decoded values, as
   * getHistory returns them.
   */
  readonly raw?: boolean;
}

/**
 * Replays a recorded history against the current code, without a database: resolves when the
 * code issues the same commands in the same order with the same inputs (its last iteration
 * is replayed), and rejects with the NonDeterminismError a worker would park the run with.
 * Replay last week's production histories in CI before a deploy. Give it a history file, or
 * the events of `client.getHistory` with the run they are of; anything else is refused with a
 * HistoryShapeError that says what it got.
 *
 * @example
 * // saved with: JSON.stringify({ ...key, events: await client.getHistory(ns, wf, runId, { raw: true }) })
 * const history = JSON.parse(readFileSync("histories/order-42.json", "utf8")) as RunHistory;
 * await replayHistory({ workflows: { order }, raw: true, codecs }, history);
 * // or, straight from the client (decoded by the client's codecs):
 * const events = await client.getHistory("shop", "order", "o-42");
 * await replayHistory({ workflows: { order } }, events, { namespace: "shop", workflow: "order", runId: "o-42" });
 */
export async function replayHistory(options: ReplayHistoryOptions, history: RunHistory): Promise<void>;
export async function replayHistory(
  options: ReplayHistoryOptions,
  events: readonly HistoryEvent[],
  run: RunIdentity,
): Promise<void>;
export async function replayHistory(
  options: ReplayHistoryOptions,
  given: RunHistory | readonly HistoryEvent[],
  run?: RunIdentity,
): Promise<void> {
  const history = historyOf(given, run);
  const fn = options.workflows[history.workflow];
  if (fn === undefined) throw new HistoryWorkflowMissingError(history, Object.keys(options.workflows));
  const iteration = Math.max(...history.events.map((event) => event.iteration));
  const last = history.events.filter((event) => event.iteration === iteration);
  const events = options.raw ? await decodedEvents(options, history, last) : last;
  const created = events.find((event) => event.type === EventType.Created && event.pos === 0);
  if (created === undefined) throw new InvalidHistoryError(history.runId, iteration);
  const forked = events.find((event) => event.type === EventType.Forked);
  const seed = forked?.type === EventType.Forked ? forked.payload.seed : undefined;
  // A reset's iteration replays its copied steps with the random values they were recorded with.
  const reset = events.find((event) => event.type === EventType.Reset);
  const seedIteration = reset?.type === EventType.Reset ? reset.payload.seedIteration : undefined;
  const { namespace, workflow, runId } = history;
  const identity = { namespace, workflow, runId, iteration, seed, seedIteration };
  const executor = new RunExecutor(identity, created.at, {
    maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
    newTokenId,
  });
  // New commands past the end of an unfinished history are fine: the run was waiting there.
  executor.setClock(() => Math.max(...events.map((event) => event.at)));
  await executor.start(fn, created.payload, events);
  if (executor.fault) throw executor.fault;
}

/** The history file replayHistory was given, or made of the events and run it was given; else HistoryShapeError. */
function historyOf(given: unknown, run: RunIdentity | undefined): RunHistory {
  if (Array.isArray(given)) {
    if (run !== undefined && isIdentity(run)) return { ...pick(run), events: given as HistoryEvent[] };
    const count = `an array of ${given.length} event${given.length === 1 ? "" : "s"}`;
    throw new HistoryShapeError(run === undefined ? `${count} and no run` : `${count} and a run that lacks a field`);
  }
  if (typeof given !== "object" || given === null) throw new HistoryShapeError(given === null ? "null" : typeof given);
  const record = given as Record<string, unknown>;
  if (isIdentity(record) && Array.isArray(record.events)) return given as RunHistory;
  const keys = Object.keys(record).sort();
  throw new HistoryShapeError(`an object with ${keys.length === 0 ? "no keys" : `keys ${keys.join(", ")}`}`);
}

function isIdentity(value: object): value is RunIdentity {
  const { namespace, workflow, runId } = value as Record<string, unknown>;
  return typeof namespace === "string" && typeof workflow === "string" && typeof runId === "string";
}

function pick({ namespace, workflow, runId }: RunIdentity): RunIdentity {
  return { namespace, workflow, runId };
}

/** Raw events decoded, with their stored text decoded too (replay compares it byte for byte). */
async function decodedEvents(
  options: ReplayHistoryOptions,
  history: RunHistory,
  events: readonly HistoryEvent[],
): Promise<RecordedEvent[]> {
  const { codecs, payloadStore } = options;
  const payloads = new PayloadPipeline(resolvePayloadOptions({ codecs, payloadStore }, undefined));
  const key = { namespace: history.namespace, workflow: history.workflow, runId: history.runId };
  return Promise.all(
    events.map(async (event) => {
      const stored = hasPayload(event.type) ? JSON.stringify(event.payload) : null;
      const payloadText = stored === null ? null : await payloads.decode(stored, key);
      const where = `event ${event.type} ${event.target}#${event.seq} of run ${history.runId}`;
      return decodeEvent({ ...event, payloadText }, where);
    }),
  );
}
