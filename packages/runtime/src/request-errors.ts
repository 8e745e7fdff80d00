/**
 * The errors of updates and queries: what a caller gets when it talks to a running run, and what
 * a workflow's read-only code (an update validator, a query handler) gets when it tries to do
 * more than read. Part of the runtime's errors (errors.ts holds the rest and the base class).
 */
import { ReplayError, type SerializedError } from "./errors.js";

/** The update or query a caller sent, as the errors below name it. */
export interface SentRequest {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  /** The update's or the query's name. */
  readonly name: string;
}

const runOf = (sent: SentRequest) => `${sent.namespace}/${sent.workflow}/${sent.runId}`;

/**
 * The run's validator refused the update, or the run has no handler for it. Nothing was
 * recorded: the run's history is as it was.
 */
export class UpdateRejectedError extends ReplayError {
  override name = "UpdateRejectedError";
  readonly runId: string;
  readonly update: string;
  readonly updateId: string;
  /** What the validator threw, or why no handler took the update. */
  readonly reason: SerializedError;
  constructor(sent: SentRequest, updateId: string, reason: SerializedError) {
    super(
      "UPDATE_REJECTED",
      `update "${sent.name}" (id ${updateId}) of run ${runOf(sent)} was rejected: ${reason.message}. Nothing was recorded; change the input, or send the update to a run that handles it.`,
      { cause: reason },
    );
    this.runId = sent.runId;
    this.update = sent.name;
    this.updateId = updateId;
    this.reason = reason;
  }
}

/**
 * The update was accepted and its handler failed: it threw, its result could not be stored, or
 * the run ended before the handler finished. Steps the handler took before are recorded.
 */
export class UpdateFailedError extends ReplayError {
  override name = "UpdateFailedError";
  readonly runId: string;
  readonly update: string;
  readonly updateId: string;
  readonly failure: SerializedError;
  constructor(sent: SentRequest, updateId: string, failure: SerializedError) {
    super(
      "UPDATE_FAILED",
      `update "${sent.name}" (id ${updateId}) of run ${runOf(sent)} failed: ${failure.name}: ${failure.message}`,
      { cause: failure },
    );
    this.runId = sent.runId;
    this.update = sent.name;
    this.updateId = updateId;
    this.failure = failure;
  }
}

/**
 * The caller's timeout passed. `accepted` false: no worker took the update up; it was withdrawn
 * and is never applied. `accepted` true: a worker accepted it and its handler still runs; it
 * completes, and a call with the same updateId waits for its outcome.
 */
export class UpdateTimeoutError extends ReplayError {
  override name = "UpdateTimeoutError";
  readonly runId: string;
  readonly update: string;
  readonly updateId: string;
  readonly timeoutMs: number;
  readonly accepted: boolean;
  constructor(sent: SentRequest, updateId: string, timeoutMs: number, accepted: boolean) {
    const head = `update "${sent.name}" (id ${updateId}) of run ${runOf(sent)}`;
    super(
      "UPDATE_TIMEOUT",
      accepted
        ? `${head} was accepted but did not complete within ${timeoutMs} ms; it will complete. Call executeUpdate again with updateId "${updateId}" to wait for its outcome.`
        : `${head} was not taken up within ${timeoutMs} ms: no worker took it up. It was withdrawn and will not be applied. Start a worker for namespace "${sent.namespace}" with workflow "${sent.workflow}", or give the update a longer timeout.`,
    );
    this.runId = sent.runId;
    this.update = sent.name;
    this.updateId = updateId;
    this.timeoutMs = timeoutMs;
    this.accepted = accepted;
  }
}

/** No worker answered the query within the caller's timeout. The query was withdrawn. */
export class QueryTimeoutError extends ReplayError {
  override name = "QueryTimeoutError";
  readonly runId: string;
  readonly query: string;
  readonly timeoutMs: number;
  constructor(sent: SentRequest, timeoutMs: number) {
    super(
      "QUERY_TIMEOUT",
      `query "${sent.name}" of run ${runOf(sent)} was not answered within ${timeoutMs} ms: no worker answered it. Workers answer queries: start one for namespace "${sent.namespace}" with workflow "${sent.workflow}", or give the query a longer timeout.`,
    );
    this.runId = sent.runId;
    this.query = sent.name;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The run could not answer the query: it has no handler of that name, the handler threw (on
 * arguments it does not take, say), or its answer is not a JSON value.
 */
export class UnknownQueryError extends ReplayError {
  override name = "UnknownQueryError";
  readonly runId: string;
  readonly query: string;
  readonly reason: SerializedError;
  constructor(sent: SentRequest, reason: SerializedError) {
    super("UNKNOWN_QUERY", `query "${sent.name}" of run ${runOf(sent)} could not be answered: ${reason.message}`, {
      cause: reason,
    });
    this.runId = sent.runId;
    this.query = sent.name;
    this.reason = reason;
  }
}

/**
 * Thrown inside a workflow when an update validator or a query handler tries to run a command
 * (an activity, a sleep, an await, an output, a child...), draw a random number, or register
 * handlers: they may only read the run's state, since nothing they do is recorded.
 */
export class ReadOnlyContextError extends ReplayError {
  override name = "ReadOnlyContextError";
  readonly attempted: string;
  constructor(attempted: string, where: string) {
    super(
      "READ_ONLY_CONTEXT",
      `${attempted} was called in ${where}, which may only read the run's state: nothing it does is recorded. Do it in the workflow or in an update handler.`,
    );
    this.attempted = attempted;
  }
}
