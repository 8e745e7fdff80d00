import { ReplayError } from "../errors.js";

/** A ctx.condition() waiting for its predicate. */
interface ConditionWaiter {
  readonly predicate: () => unknown;
  /** False once the condition settled otherwise (its timeout passed, the run was cancelled): it is dropped. */
  isOpen(): boolean;
  /** The predicate held: the condition resolves with true. */
  satisfied(): void;
  reject(error: unknown): void;
}

/** A condition's timer, as the executor records it: a condition_request command. */
export interface ConditionTimer {
  readonly promise: Promise<boolean>;
  /** The command's key (see commandKey) and sequence number. */
  readonly key: string;
  readonly seq: number;
}

/** What conditions need of their executor. */
export interface ConditionHost {
  /** False once the iteration has an outcome or a fault: a condition then never settles. */
  goesOn(): boolean;
  /** Runs `fn` with the run context read-only. */
  readOnly<T>(where: string, fn: () => T): T;
  /** A cancellation that found nothing to interrupt, taken by this wait (which rejects with it). */
  takePendingCancel(): Error | undefined;
  /** Records the condition_request of a wait of at most `timeoutMs`. */
  issueTimer(timeoutMs: number): ConditionTimer;
  /** True while command `key` waits (it did not time out and was not cancelled). */
  waits(key: string): boolean;
  /** The predicate of the condition with timer `key` held: its command resolves with true. */
  held(key: string, seq: number): void;
  reject(key: string, error: unknown): void;
}

/** Never settles: the workflow is abandoned at this await (the iteration has ended). */
const never = <T>(): Promise<T> => new Promise<T>(() => {});

/**
 * The conditions a run waits for (ctx.condition). The executor settles them after every event it
 * delivers (and after the workflow starts), once the workflow has run as far as it can: a
 * predicate reads the workflow's state, which only events change, so replay settles each
 * condition at the same point. A condition with a timeout records a condition_request, whose
 * timer the engine fires like a sleep's.
 */
export class Conditions {
  readonly #host: ConditionHost;
  #waiters: ConditionWaiter[] = [];

  constructor(host: ConditionHost) {
    this.#host = host;
  }

  /** See RunContext.condition. A predicate that holds now resolves at once and records nothing. */
  wait(predicate: () => unknown, timeoutMs: number | undefined): Promise<boolean> {
    const host = this.#host;
    if (!host.goesOn()) return never();
    if (typeof predicate !== "function") return Promise.reject(notAPredicate(predicate));
    const holds = this.#holds(predicate);
    if (holds !== false) return holds === true ? Promise.resolve(true) : Promise.reject(holds.threw);
    if (timeoutMs === undefined) {
      const cancelled = host.takePendingCancel();
      if (cancelled) return Promise.reject(cancelled);
      return new Promise((resolve, reject) => {
        this.#waiters.push({ predicate, isOpen: () => true, satisfied: () => resolve(true), reject });
      });
    }
    const { promise, key, seq } = host.issueTimer(timeoutMs);
    if (host.waits(key)) {
      this.#waiters.push({
        predicate,
        isOpen: () => host.waits(key),
        satisfied: () => host.held(key, seq),
        reject: (error) => host.reject(key, error),
      });
    }
    return promise;
  }

  /**
   * Settles, in the order they began to wait, the conditions whose predicate holds (or throws:
   * the condition rejects with what it threw). True when any settled: the workflow may go on.
   */
  settle(): boolean {
    if (this.#waiters.length === 0 || !this.#host.goesOn()) return false;
    const settled: { waiter: ConditionWaiter; threw?: { readonly threw: unknown } }[] = [];
    const kept: ConditionWaiter[] = [];
    for (const waiter of this.#waiters) {
      if (!waiter.isOpen()) continue;
      const holds = this.#holds(waiter.predicate);
      if (holds === false) kept.push(waiter);
      else settled.push(holds === true ? { waiter } : { waiter, threw: holds });
    }
    this.#waiters = kept;
    for (const { waiter, threw } of settled) {
      if (threw) waiter.reject(threw.threw);
      else waiter.satisfied();
    }
    return settled.length > 0;
  }

  /** The run was cancelled: every open condition rejects. True when any was waiting. */
  rejectAll(error: unknown): boolean {
    const open = this.#waiters.filter((waiter) => waiter.isOpen());
    this.#waiters = [];
    for (const waiter of open) waiter.reject(error);
    return open.length > 0;
  }

  /** Evaluates a predicate read-only: true, false, or what it threw. */
  #holds(predicate: () => unknown): boolean | { readonly threw: unknown } {
    try {
      return Boolean(this.#host.readOnly("a condition's predicate", predicate));
    } catch (error) {
      return { threw: error };
    }
  }
}

function notAPredicate(value: unknown): ReplayError {
  return new ReplayError(
    "INVALID_ARGUMENT",
    `ctx.condition takes a function that returns true once the wait is over, got ${value === null ? "null" : typeof value}`,
  );
}
