import { ReplayError, type SerializedError } from "./errors.js";
import { serializeError } from "./serialize-error.js";

export interface SagaOptions {
  /** Start every compensation at once (latest first) instead of one after another. Default false. */
  readonly parallel?: boolean;
  /** Go on past a failing compensation and report every failure at the end. Default false: stop at the first. */
  readonly continueOnError?: boolean;
}

/** Compensations of a saga failed; `failures` has one entry per failed compensation, latest step first. */
export class CompensationError extends ReplayError {
  override name = "CompensationError";
  readonly failures: readonly SerializedError[];
  /** Compensations not run because an earlier one failed (without continueOnError). */
  readonly skipped: number;
  constructor(failures: readonly unknown[], skipped: number) {
    const serialized = failures.map((failure) => serializeError(failure));
    const listed = serialized.map((failure) => `${failure.name}: ${failure.message}`).join("; ");
    const rest = skipped > 0 ? `; ${skipped} earlier compensation(s) not run` : "";
    super("COMPENSATION_FAILED", `${serialized.length} compensation(s) failed: ${listed}${rest}`, {
      cause: failures[0],
    });
    this.failures = serialized;
    this.skipped = skipped;
  }
}

/**
 * Undo what a workflow did when a later step fails: `add` a compensation after each step that
 * needs undoing, and `compensate()` runs them in reverse order. It is plain workflow code, so
 * compensations that call activities are recorded and replayed like any command: a crash in
 * the middle of compensating resumes it, and no compensation runs twice.
 *
 * @example
 * const saga = new Saga();
 * const charge = await flow.chargePayment(order);
 * saga.add(() => flow.refundPayment({ chargeId: charge.chargeId }));
 * try {
 *   await flow.shipOrder(order);
 * } catch (error) {
 *   await saga.compensate();
 *   throw error;
 * }
 */
export class Saga {
  readonly #options: SagaOptions;
  #compensations: (() => Promise<unknown>)[] = [];

  constructor(options: SagaOptions = {}) {
    this.#options = options;
  }

  /** Registers the undoing of the step just done. */
  add(compensation: () => Promise<unknown>): void {
    this.#compensations.push(compensation);
  }

  /** Runs the compensations added so far, latest first, once each; throws CompensationError when some fail. */
  async compensate(): Promise<void> {
    const pending = this.#compensations.reverse();
    this.#compensations = [];
    if (this.#options.parallel) {
      const settled = await Promise.allSettled(pending.map((compensation) => compensation()));
      const failures = settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
      if (failures.length > 0) throw new CompensationError(failures, 0);
      return;
    }
    const failures: unknown[] = [];
    for (const [index, compensation] of pending.entries()) {
      try {
        await compensation();
      } catch (error) {
        failures.push(error);
        if (!this.#options.continueOnError) throw new CompensationError(failures, pending.length - index - 1);
      }
    }
    if (failures.length > 0) throw new CompensationError(failures, 0);
  }
}
