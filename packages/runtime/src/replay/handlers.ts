import { ReplayError, type SerializedError } from "../errors.js";
import { type NewEvent, newEvent } from "../history/index.js";
import { encodePayload, validateName } from "../json.js";
import { serializeError } from "../serialize-error.js";

/** An update handler and its validator, as the workflow registered them (ctx.onUpdate). */
interface UpdateRegistration {
  readonly handler: (input: unknown) => unknown;
  readonly validator: ((input: unknown) => unknown) | undefined;
}

/** How an update's handler ended. */
export type UpdateOutcome = { readonly result: unknown } | { readonly error: unknown };

/** An accepted update whose handler has not finished. */
export interface RunningUpdate {
  readonly updateId: string;
  readonly name: string;
  readonly seq: number;
}

/** A query's answer as JSON text, or why there is none. */
export type QueryAnswer = { readonly resultText: string } | { readonly error: SerializedError };

/** What the handlers need of the executor that owns them. */
export interface HandlersHost {
  readonly runId: string;
  readonly maxPayloadBytes: number;
  /** Runs `fn` with the run context read-only: a command it issues throws ReadOnlyContextError naming `where`. */
  readOnly<T>(where: string, fn: () => T): T;
  /** The handler of accepted update `name#seq` ended. */
  updateEnded(update: RunningUpdate, outcome: UpdateOutcome): void;
}

/**
 * The update and query handlers a run's code registered, and the updates whose handler runs.
 * Registration is not recorded: the code registers its handlers again on every replay, in the
 * same order, before the history reaches the updates they take. Validators and query handlers
 * run read-only and synchronously (nothing they do is recorded); an update handler runs like
 * workflow code, its commands steps of the run.
 */
export class RunHandlers {
  readonly #host: HandlersHost;
  readonly #updates = new Map<string, UpdateRegistration>();
  readonly #queries = new Map<string, (input: unknown) => unknown>();
  /** Updates whose handler runs, by update id, in the order they were accepted. */
  readonly #running = new Map<string, RunningUpdate>();
  /** The sequence number of the next accepted update, per update name. */
  readonly #sequences = new Map<string, number>();

  constructor(host: HandlersHost) {
    this.#host = host;
  }

  onUpdate(name: string, handler: unknown, validator: unknown): void {
    validateName("update", name);
    checkFunction(`the handler of update "${name}"`, handler);
    if (validator !== undefined) checkFunction(`the validator of update "${name}"`, validator);
    this.#updates.set(name, {
      handler: handler as (input: unknown) => unknown,
      validator: validator as ((input: unknown) => unknown) | undefined,
    });
  }

  onQuery(name: string, handler: unknown): void {
    validateName("query", name);
    checkFunction(`the handler of query "${name}"`, handler);
    this.#queries.set(name, handler as (input: unknown) => unknown);
  }

  /** How many accepted updates have a handler that has not finished. */
  get running(): number {
    return this.#running.size;
  }

  runningUpdates(): RunningUpdate[] {
    return [...this.#running.values()];
  }

  /** Why the update would be refused (no handler, or what its validator threw), or undefined when it passes. */
  validate(name: string, input: unknown): SerializedError | undefined {
    const registered = this.#updates.get(name);
    if (registered === undefined) return unknownHandler(this.#host.runId, "update", name, this.#updates.keys());
    const { validator } = registered;
    if (validator === undefined) return undefined;
    const where = `the validator of update "${name}"`;
    try {
      const returned = this.#host.readOnly(where, () => validator(input));
      if (isThenable(returned)) return notSynchronous(where, "throw to refuse the update");
      return undefined;
    } catch (error) {
      return serializeError(error);
    }
  }

  /** The sequence number for the next update of `name` this run accepts. */
  nextSeq(name: string): number {
    return this.#sequences.get(name) ?? 0;
  }

  /**
   * Starts the handler of an accepted update (accepted now, or replayed from its update_accepted
   * event). False when the code has no handler of that name: it is not the code that accepted it.
   */
  begin(update: RunningUpdate, input: unknown): boolean {
    const { name, seq } = update;
    this.#sequences.set(name, Math.max(this.nextSeq(name), seq + 1));
    const registered = this.#updates.get(name);
    if (registered === undefined) return false;
    this.#running.set(update.updateId, update);
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(registered.handler(input));
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (result) => this.#ended(update, { result }),
      (error: unknown) => this.#ended(update, { error }),
    );
    return true;
  }

  #ended(update: RunningUpdate, outcome: UpdateOutcome): void {
    this.#running.delete(update.updateId);
    this.#host.updateEnded(update, outcome);
  }

  /** The answer of query `name` from the run's state now, read-only. */
  query(name: string, input: unknown): QueryAnswer {
    const handler = this.#queries.get(name);
    if (handler === undefined) return { error: unknownHandler(this.#host.runId, "query", name, this.#queries.keys()) };
    const where = `the handler of query "${name}"`;
    let answer: unknown;
    try {
      answer = this.#host.readOnly(where, () => handler(input));
    } catch (error) {
      return { error: serializeError(error) };
    }
    if (isThenable(answer)) return { error: notSynchronous(where, "return the answer itself") };
    try {
      const resultText =
        answer === undefined ? "null" : encodePayload(`query ${name} answer`, answer, this.#host.maxPayloadBytes);
      return { resultText };
    } catch (error) {
      return { error: serializeError(error) };
    }
  }
}

/** update_completed for an ended handler: its result (null for none), or its error, also when the result cannot be stored. */
export function completionEvent(update: RunningUpdate, outcome: UpdateOutcome, maxBytes: number, at: number): NewEvent {
  const { name, seq, updateId } = update;
  if ("error" in outcome) return newEvent.updateError(name, seq, updateId, serializeError(outcome.error), at);
  try {
    const resultText =
      outcome.result === undefined ? "null" : encodePayload(`update ${name} result`, outcome.result, maxBytes);
    return newEvent.updateResult(name, seq, updateId, resultText, at);
  } catch (error) {
    return newEvent.updateError(name, seq, updateId, serializeError(error), at);
  }
}

function checkFunction(what: string, value: unknown): void {
  if (typeof value !== "function") {
    throw new ReplayError(
      "INVALID_ARGUMENT",
      `${what} must be a function, got ${value === null ? "null" : typeof value}`,
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  const then = (value as { then?: unknown } | null | undefined)?.then;
  if (typeof then !== "function") return false;
  // Seen, not awaited: its rejection must not go unhandled.
  (value as PromiseLike<unknown>).then(undefined, () => {});
  return true;
}

function notSynchronous(where: string, instead: string): SerializedError {
  return {
    name: "NotSynchronousError",
    message: `${where} returned a promise: it runs synchronously against the run's state, so its outcome could not be seen; make it a plain function and ${instead}`,
  };
}

function unknownHandler(
  runId: string,
  kind: "update" | "query",
  name: string,
  known: Iterable<string>,
): SerializedError {
  const names = [...known].map((n) => JSON.stringify(n)).join(", ") || "none";
  const register = kind === "update" ? "ctx.onUpdate" : "ctx.onQuery";
  return {
    name: kind === "update" ? "UnknownUpdateError" : "UnknownQueryError",
    message: `run ${runId} has no handler for ${kind} "${name}" (its ${kind} handlers: ${names}); register one with ${register}("${name}", handler) when the workflow starts`,
  };
}
