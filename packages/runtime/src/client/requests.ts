import { randomUUID } from "node:crypto";
import type { Duration, LocalBus, LocalRequest } from "../api.js";
import { toMillis } from "../duration.js";
import { RunEndedError, type SerializedError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { decodePayload, encodePayload, validateName } from "../json.js";
import {
  QueryTimeoutError,
  type SentRequest,
  UnknownQueryError,
  UpdateFailedError,
  UpdateRejectedError,
  UpdateTimeoutError,
} from "../request-errors.js";
import type { NewRequest, RequestArrival, RequestState, Store } from "../store/types.js";
import {
  type Awaited,
  deadlineOf,
  type RequestWatchHandle,
  type WaitOutcome,
  waitForRow,
  waitForTicket,
  watchRequest,
} from "./request-wait.js";

/**
 * How long queryRun waits for an answer unless told otherwise: one default lease, so that a run
 * held by a worker in another process (activities running) is reached by that worker's next look
 * at what it holds (every third of its lease).
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

/** What sending updates and queries needs of the client. */
export interface RequestDeps {
  readonly store: Store;
  readonly local: LocalBus;
  readonly maxPayloadBytes: number;
  now(): number;
  ready(): Promise<void>;
  /** Told while a caller waits (the test environment skips time only then). */
  waiting<T>(work: () => Promise<T>): Promise<T>;
}

/** An update or query about to be sent: its run, its request, and when its caller gives up. */
export interface Outgoing {
  readonly key: RunKey;
  readonly request: NewRequest;
  readonly deadline: number;
  readonly timeoutMs: number | undefined;
}

/**
 * Sends updates and queries (see docs/talking-to-runs.md for the protocol). An update with an
 * id of the client's own, and every query, is offered first to a worker of this process that
 * holds or caches the run: then the update is applied in that worker's next step and answered
 * after its commit, and the query is answered from memory, with no write. Otherwise, and when
 * that worker drops it, the request is stored (an update with the caller's id is stored first
 * anyway, so the database refuses a repeated id) and the run woken; the caller reads the
 * request's row until it has what it waits for, and withdraws it when its timeout passes.
 */
export class RequestCalls {
  readonly #deps: RequestDeps;

  constructor(deps: RequestDeps) {
    this.#deps = deps;
  }

  /** An update's request, checked: its name, input and id (InvalidNameError, InvalidPayloadError). */
  update(key: RunKey, name: string, input: unknown, opts: UpdateCallOptions): Outgoing {
    validateName("update", name);
    const inputText = encodePayload(`update ${name} input`, input ?? null, this.#deps.maxPayloadBytes);
    const requestId = opts.updateId === undefined ? randomUUID() : validateName("updateId", opts.updateId);
    const timeoutMs = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
    return { key, request: { requestId, kind: "update", name, inputText }, deadline: 0, timeoutMs };
  }

  /** Sends the update and waits until it is `until`; the update's state then. Throws what its caller gets. */
  async sendUpdate(outgoing: Outgoing, until: Awaited, ownId: boolean): Promise<RequestState> {
    return this.#deps.waiting(async () => {
      await this.#deps.ready();
      const started = { ...outgoing, deadline: deadlineOf(outgoing.timeoutMs) };
      return stateOf(started, (await this.#send(started, until, !ownId)).outcome);
    });
  }

  /** Waits for an update stored already (updateWithStart, or a handle's result). */
  async awaitStored(outgoing: Outgoing, arrival: RequestArrival, until: Awaited): Promise<RequestState> {
    return this.#deps.waiting(async () => {
      const started = { ...outgoing, deadline: deadlineOf(outgoing.timeoutMs) };
      if (!arrival.added && reachedNow(arrival.state, until)) return arrival.state;
      const pending = watchRequest(this.#deps.local, started.key, started.request.requestId);
      try {
        return stateOf(started, await this.#waitRow(started, until, pending));
      } finally {
        pending.close();
      }
    });
  }

  /** Asks the run the query and returns the answer (the request's row, if one was written, is deleted). */
  async query(key: RunKey, name: string, input: unknown, timeout: Duration | undefined): Promise<unknown> {
    validateName("query", name);
    const inputText = encodePayload(`query ${name} input`, input ?? null, this.#deps.maxPayloadBytes);
    const timeoutMs = timeout === undefined ? DEFAULT_QUERY_TIMEOUT_MS : toMillis(timeout);
    const request: NewRequest = { requestId: randomUUID(), kind: "query", name, inputText };
    return this.#deps.waiting(async () => {
      await this.#deps.ready();
      const outgoing = { key, request, deadline: deadlineOf(timeoutMs), timeoutMs };
      const sent = await this.#send(outgoing, "settled", true);
      // A query's row (when it had to be stored) is of no use once answered.
      if (sent.stored) await this.#deps.store.forgetRequest(key, request.requestId).catch(() => {});
      return this.outcome(outgoing, stateOf(outgoing, sent.outcome));
    });
  }

  /**
   * Offers the request in-process (when `local`), and stores it when no worker here takes or
   * keeps it. `stored`: a row was written (or found).
   */
  async #send(
    outgoing: Outgoing,
    until: Awaited,
    local: boolean,
  ): Promise<{ readonly outcome: WaitOutcome; readonly stored: boolean }> {
    const { key, request } = outgoing;
    const pending = watchRequest(this.#deps.local, key, request.requestId);
    try {
      if (local) {
        const offered: LocalRequest = { ...request, workflow: key.workflow, runId: key.runId };
        const ticket = this.#deps.local.offerRequest(key.namespace, offered);
        if (ticket !== undefined) {
          const watch = { deadline: outgoing.deadline, until };
          const outcome = await waitForTicket(this.#deps, key, request.requestId, ticket, watch, pending);
          if (outcome.kind !== "dropped") return { outcome, stored: false };
          if (Date.now() >= outgoing.deadline) return { outcome: { kind: "timeout", accepted: false }, stored: false };
        }
      }
      const arrival = await this.#deps.store.addRequest(key, request, this.#deps.now());
      if (!arrival.added && reachedNow(arrival.state, until)) {
        return { outcome: { kind: "state", state: arrival.state }, stored: true };
      }
      this.#deps.local.wake(key.namespace, key);
      return { outcome: await this.#waitRow(outgoing, until, pending), stored: true };
    } finally {
      pending.close();
    }
  }

  #waitRow(outgoing: Outgoing, until: Awaited, pending: RequestWatchHandle): Promise<WaitOutcome> {
    return waitForRow(this.#deps, outgoing.key, outgoing.request.requestId, { ...outgoing, until }, pending);
  }

  /** The value of a settled request: its result, or the error its caller gets. */
  async outcome(outgoing: Outgoing, state: RequestState): Promise<unknown> {
    if (state.status === "ended") {
      const run = await this.#deps.store.getRun(outgoing.key).catch(() => undefined);
      throw endedError(outgoing, run?.status ?? "ended");
    }
    return settledValue(outgoing, state);
  }
}

/** Options of an update call, as the client takes them. */
export interface UpdateCallOptions {
  readonly updateId?: string;
  readonly timeout?: Duration;
}

function reachedNow(state: RequestState, until: Awaited): boolean {
  return state.status !== "requested" && (until === "accepted" || state.status !== "accepted");
}

/** The request's state, or the timeout its caller gets. */
function stateOf(outgoing: Outgoing, outcome: WaitOutcome): RequestState {
  if (outcome.kind === "state") return outcome.state;
  const { key, request } = outgoing;
  const sent = sentOf(key, request.name);
  const timeoutMs = outgoing.timeoutMs ?? 0;
  if (request.kind === "query") throw new QueryTimeoutError(sent, timeoutMs);
  throw new UpdateTimeoutError(sent, request.requestId, timeoutMs, outcome.kind === "timeout" && outcome.accepted);
}

/** A settled request's result, or its error (an ended run's is RunEndedError, see RequestCalls.outcome). */
function settledValue(outgoing: Outgoing, state: RequestState): unknown {
  const { key, request } = outgoing;
  const sent = sentOf(key, request.name);
  const reason = () => decodePayload(state.errorText, `the error of request ${request.requestId}`) as SerializedError;
  switch (state.status) {
    case "completed":
      return decodePayload(state.resultText, `the result of ${request.kind} ${request.requestId}`) ?? null;
    case "rejected":
      throw new UpdateRejectedError(sent, request.requestId, reason());
    case "failed":
      if (request.kind === "query") throw new UnknownQueryError(sent, reason());
      throw new UpdateFailedError(sent, request.requestId, reason());
    case "ended":
      throw endedError(outgoing, "ended");
    default:
      throw new Error(`request ${request.requestId} is ${state.status}, which has no value yet`);
  }
}

function endedError(outgoing: Outgoing, status: string): RunEndedError {
  const { key, request } = outgoing;
  const sent = request.kind === "update" ? { update: request.name } : { query: request.name };
  return new RunEndedError(key.namespace, key.workflow, key.runId, status, sent);
}

function sentOf(key: RunKey, name: string): SentRequest {
  return { namespace: key.namespace, workflow: key.workflow, runId: key.runId, name };
}
