import { UnknownQueryError, UpdateRejectedError } from "../request-errors.js";
import { serializeError } from "../serialize-error.js";

type Handler = (input: never) => unknown;

interface Registered {
  readonly handler: Handler;
  readonly validator: Handler | undefined;
}

interface Waiting {
  readonly predicate: () => boolean;
  readonly resolve: (held: boolean) => void;
}

/**
 * What a Flow mock's `on<Update>` and `on<Query>` members registered, and the conditions
 * waiting for a handler to change the state: a unit test delivers updates and queries through
 * mockUpdate and mockQuery, as a client would, without a worker.
 */
export class MockRequests {
  readonly #workflow: string;
  readonly #runId: string;
  readonly #handlers = new Map<string, Registered>();
  #waiting: Waiting[] = [];

  constructor(workflow: string, runId: string) {
    this.#workflow = workflow;
    this.#runId = runId;
  }

  register(member: string, handler: unknown, options?: { readonly validator?: unknown }): void {
    const validator = options?.validator;
    this.#handlers.set(member, {
      handler: handler as Handler,
      validator: typeof validator === "function" ? (validator as Handler) : undefined,
    });
  }

  /**
   * In a mock, time passes at once (as `sleep` does): a condition that does not hold yet resolves
   * false when it has a timeout, and else waits until an update delivered by mockUpdate makes it hold.
   */
  condition(predicate: () => boolean, timeout: unknown): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    if (timeout !== undefined) return Promise.resolve(false);
    return new Promise((resolve) => this.#waiting.push({ predicate, resolve }));
  }

  /** Runs the validator (a refusal is UpdateRejectedError, as a client gets it), then the handler. */
  async update(member: string, input: unknown): Promise<unknown> {
    const registered = this.#registered(member);
    if (registered === undefined) throw this.#rejected(member, new Error(`no handler was registered with ${member}`));
    try {
      registered.validator?.(input as never);
    } catch (error) {
      throw this.#rejected(member, error);
    }
    try {
      return await registered.handler(input as never);
    } finally {
      this.#recheck();
    }
  }

  query(member: string, input: unknown): unknown {
    const registered = this.#registered(member);
    const sent = { namespace: "mock", workflow: this.#workflow, runId: this.#runId, name: member };
    if (registered === undefined)
      throw new UnknownQueryError(sent, serializeError(new Error(`no handler was registered with ${member}`)));
    return registered.handler(input as never);
  }

  #registered(member: string): Registered | undefined {
    return this.#handlers.get(member);
  }

  #rejected(member: string, error: unknown): UpdateRejectedError {
    const sent = { namespace: "mock", workflow: this.#workflow, runId: this.#runId, name: member };
    return new UpdateRejectedError(sent, "mock", serializeError(error));
  }

  #recheck(): void {
    const still: Waiting[] = [];
    for (const waiting of this.#waiting) {
      if (waiting.predicate()) waiting.resolve(true);
      else still.push(waiting);
    }
    this.#waiting = still;
  }
}

const registries = new WeakMap<object, MockRequests>();

export function attachMockRequests(flow: object, requests: MockRequests): void {
  registries.set(flow, requests);
}

function requestsOf(flow: object): MockRequests {
  const requests = registries.get(flow);
  if (requests === undefined)
    throw new TypeError("mockUpdate and mockQuery take a Flow made by a mock<Workflow>Flow factory");
  return requests;
}

/**
 * Delivers an update to a Flow mock, as executeUpdate would: the handler the workflow registered
 * with `member` (e.g. "onChangeAddress") runs after its validator, and its answer comes back.
 * A refusal, or no handler, is UpdateRejectedError; what the handler throws is thrown as is.
 * Conditions waiting in the workflow are checked again afterwards.
 */
export function mockUpdate<F extends object>(flow: F, member: keyof F & string, input?: unknown): Promise<unknown> {
  return requestsOf(flow).update(member, input ?? null);
}

/** Asks a Flow mock a query, as queryRun would: the handler registered with `member` answers. */
export function mockQuery<F extends object>(flow: F, member: keyof F & string, input?: unknown): unknown {
  return requestsOf(flow).query(member, input ?? null);
}
