/*
 * The public API of talking to running runs: updates, queries and conditions. What workflow code
 * registers and waits for (RequestsContext, part of RunContext), what a client sends
 * (RequestsClient, part of Client), and what the local bus carries between a client and the
 * workers of its process. The rest of the public API is in api.ts, which re-exports this file.
 */
import type { Duration } from "./duration.js";
import type { RequestKind, RequestState } from "./store/request-records.js";

/** Options of executeUpdate and startUpdate. */
export interface UpdateOptions {
  /**
   * Applies the update once per (run, updateId): a second call with the same id runs nothing and
   * gets the first outcome. Default: a random id (every call is a new update).
   */
  readonly updateId?: string;
  /**
   * Give up after this long: UpdateTimeoutError, which says whether a worker took the update up
   * (it then completes) or not (it was withdrawn and is never applied). Default: wait forever.
   */
  readonly timeout?: Duration;
}

/** Options of queryRun. */
export interface QueryOptions {
  /** Give up after this long (QueryTimeoutError). Default 30 s. */
  readonly timeout?: Duration;
}

/** An update a worker accepted (startUpdate): its handler runs. */
export interface UpdateHandle {
  readonly updateId: string;
  /** The handler's result, or its error (UpdateFailedError); with `timeout`, UpdateTimeoutError after that long. */
  result(opts?: { readonly timeout?: Duration }): Promise<unknown>;
}

/** Options of ctx.onUpdate. */
export interface UpdateHandlerOptions {
  /**
   * Runs before the update is accepted, with the caller's input, and refuses it by throwing (the
   * caller gets UpdateRejectedError with its message). Synchronous and read-only; not run again
   * when the run is replayed.
   */
  readonly validator?: (input: never) => void;
}

/** What workflow code uses to be talked to (part of RunContext). */
export interface RequestsContext {
  /**
   * Handles update `name`: executeUpdate (or startUpdate) runs `handler` with the caller's input
   * from the point of the run where the update is accepted, and answers with what it returns or
   * throws. Its steps (activities, sleeps, awaits, children) are steps of the run. `validator`
   * runs first, read-only: by throwing, it refuses the update, and nothing is recorded. Register
   * handlers when the workflow starts, before its first await.
   */
  onUpdate(name: string, handler: (input: never) => unknown, options?: UpdateHandlerOptions): void;
  /** Answers query `name` synchronously from the run's state; it may read, never run a command. */
  onQuery(name: string, handler: (input: never) => unknown): void;
  /**
   * Resolves with true once `predicate` holds: now, or after any event the run receives (an
   * update, a signal, a result). With `timeout` (a durable timer), false when it passes first.
   */
  condition(predicate: () => boolean, timeout?: Duration): Promise<boolean>;
}

/** What a client uses to talk to running runs (part of Client; updateWithStart and signalWithStart are in Client). */
export interface RequestsClient {
  /**
   * Sends update `update` to the run and returns its handler's result. Throws UpdateRejectedError
   * (its validator refused it, or the run has no handler: nothing was recorded),
   * UpdateFailedError (the handler threw, or the run ended first), UpdateTimeoutError,
   * RunNotFoundError, RunEndedError.
   */
  executeUpdate(
    namespace: string,
    workflow: string,
    runId: string,
    update: string,
    input: unknown,
    opts?: UpdateOptions,
  ): Promise<unknown>;
  /** Sends the update and returns once a worker accepted it (see executeUpdate for what it throws). */
  startUpdate(
    namespace: string,
    workflow: string,
    runId: string,
    update: string,
    input: unknown,
    opts?: UpdateOptions,
  ): Promise<UpdateHandle>;
  /**
   * Asks a running run query `query`: a worker answers from the run's state, writing nothing to
   * its history. Throws UnknownQueryError, QueryTimeoutError, RunNotFoundError, RunEndedError.
   */
  queryRun(
    namespace: string,
    workflow: string,
    runId: string,
    query: string,
    input?: unknown,
    opts?: QueryOptions,
  ): Promise<unknown>;
}

/** An update or query that a client offers the workers of its process (see LocalBus.offerRequest). */
export interface LocalRequest {
  readonly kind: RequestKind;
  readonly workflow: string;
  readonly runId: string;
  readonly requestId: string;
  /** The update's or query's name. */
  readonly name: string;
  readonly inputText: string;
}

/** A request of a run, as a local notification names it. */
export interface LocalRequestRef {
  readonly workflow: string;
  readonly runId: string;
  readonly requestId: string;
}

/**
 * Where a request stands, as a worker in this process reports it. "dropped": a request offered
 * in-process that the worker did not apply (the run moved on elsewhere): send it to the store.
 */
export type LocalRequestState = RequestState | { readonly status: "dropped" };

/** A worker's hold on a request offered in-process. */
export interface LocalTicket {
  /** The caller gave up: true when no step had taken the request yet (it never will); false once one did. */
  withdraw(): boolean;
}
