import type { SerializedError } from "./errors.js";
import type { RunStatus } from "./history/index.js";
import type { LocalRequest, LocalRequestRef, LocalRequestState, LocalTicket } from "./request-api.js";
import type { ClaimedRun, FreshRun, RunSnapshot } from "./store/types.js";
import type { LocalStreamRef } from "./stream-api.js";

/*
 * Time and in-process notifications shared by a client and the workers built on it.
 */

/** A source of time in milliseconds since the epoch. The default follows the database clock. */
export interface Clock {
  now(): number;
}

/** Where the runtime's timers come from: real timers by default, virtual time in `createTestEnv`. */
export interface Timers {
  /** Calls `fn` once the client's clock reads `time` or later. Returns a function that cancels it. */
  at(time: number, fn: () => void): () => void;
  /**
   * Virtual time (`createTestEnv`): it moves only when told to, once every run has done what it
   * can, so a worker holds no run to wait for a timer here (see the worker's local wake-ups).
   */
  readonly virtual?: boolean;
}

/** A run named in an in-process wake-up. */
export interface LocalRunRef {
  readonly workflow: string;
  readonly runId: string;
  /** Set when the run was just created: its input and creation time, so no read is needed. */
  readonly fresh?: FreshRun;
  /**
   * Set when the write that woke the run read it back (a signal sent here, see
   * ClientStore.addSignalAndRead): the run as that write left it, its unconsumed signals along,
   * so a worker here takes it up without reading it.
   */
  readonly read?: RunSnapshot<ClaimedRun>;
}

/** How a run ended, as a worker in this process reports it. */
export interface LocalRunEnding {
  readonly status: RunStatus;
  readonly result?: unknown;
  readonly error?: SerializedError;
}

/** In-process wake-ups, so a local producer does not wait for a poll. */
export interface LocalBus {
  /**
   * Something in `namespace` may have work now (a run started, signalled, cancelled). `run`
   * names the run when the write has committed, so a worker may take it up at once.
   */
  wake(namespace: string, run?: LocalRunRef): void;
  onWake(namespace: string, listener: (run?: LocalRunRef) => void): () => void;
  /** A run ended (completed, failed, cancelled, stuck); `ending` saves a read when given. */
  runEnded(namespace: string, workflow: string, runId: string, ending?: LocalRunEnding): void;
  onRunEnded(
    listener: (namespace: string, workflow: string, runId: string, ending?: LocalRunEnding) => void,
  ): () => void;
  /** Chunks of a run's stream `key` were committed (or it was closed): readers in this process read at once. */
  streamWritten(run: LocalStreamRef): void;
  onStreamWritten(run: LocalStreamRef, listener: () => void): () => void;
  /**
   * Offers an update or query to the workers of `namespace` in this process: one that holds or
   * caches the run takes it (returning its ticket) and reports on it with requestSettled; none
   * does: undefined, and the caller stores the request instead.
   */
  offerRequest(namespace: string, request: LocalRequest): LocalTicket | undefined;
  onRequest(namespace: string, listener: (request: LocalRequest) => LocalTicket | undefined): () => void;
  /** A worker in this process wrote (or dropped) what became of a request. */
  requestSettled(namespace: string, request: LocalRequestRef, state: LocalRequestState): void;
  onRequestSettled(
    namespace: string,
    request: LocalRequestRef,
    listener: (state: LocalRequestState) => void,
  ): () => void;
}
