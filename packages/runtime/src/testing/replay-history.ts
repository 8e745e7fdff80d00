import type { WorkflowFn } from "../api.js";
import { EventType, type HistoryEvent } from "../history/index.js";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "../json.js";
import { RunExecutor } from "../replay/executor.js";
import { HistoryWorkflowMissingError, InvalidHistoryError } from "./errors.js";

/** A run's history as a fixture keeps it: the events of `client.getHistory` and whose they are. */
export interface RunHistory {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly events: readonly HistoryEvent[];
}

export interface ReplayHistoryOptions {
  /** The current code, by workflow name (the same map a worker gets). */
  readonly workflows: Readonly<Record<string, WorkflowFn>>;
}

/**
 * Replays a recorded history against the current code, without a database: resolves when the
 * code issues the same commands in the same order with the same inputs (its last iteration
 * is replayed), and rejects with the NonDeterminismError a worker would park the run with.
 * Replay last week's production histories in CI before a deploy.
 *
 * @example
 * const history = JSON.parse(readFileSync("histories/order-42.json", "utf8")) as RunHistory;
 * await replayHistory({ workflows: { order } }, history);
 */
export async function replayHistory(options: ReplayHistoryOptions, history: RunHistory): Promise<void> {
  const fn = options.workflows[history.workflow];
  if (fn === undefined) throw new HistoryWorkflowMissingError(history, Object.keys(options.workflows));
  const iteration = Math.max(...history.events.map((event) => event.iteration));
  const events = history.events.filter((event) => event.iteration === iteration);
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
  });
  // New commands past the end of an unfinished history are fine: the run was waiting there.
  executor.setClock(() => Math.max(...events.map((event) => event.at)));
  await executor.start(fn, created.payload, events);
  if (executor.fault) throw executor.fault;
}
