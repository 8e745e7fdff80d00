/*
 * A deterministic stand-in for a language model: no network, the same answer every time, a token
 * at a fixed pace, and one failure mid-answer on purpose on an activity's first attempt, so the
 * example shows what a retry does to a streamed answer.
 */

/** The answer the fake model gives to every question. */
export const ANSWER =
  "Thanks for asking! You can return any unworn item within 30 days of delivery. " +
  "Open the order in your account, choose Return, and print the prepaid label. " +
  "Drop the parcel at any post office; the refund reaches your card within five working days " +
  "of our warehouse receiving it.";

/** The answer cut into tokens as a model streams them: each word with the space after it. */
export const TOKENS: readonly string[] = ANSWER.match(/\S+\s*/g) ?? [];

export interface FakeModelOptions {
  /** The pause before each token, in ms. Default 60. */
  readonly paceMs?: number;
  /** On the first attempt, the connection drops after this many tokens. Default 14; 0: never fails. */
  readonly failFirstAttemptAfter?: number;
}

/** Thrown on purpose by the first attempt, mid-answer. */
export class ModelDisconnectedError extends Error {
  override readonly name = "ModelDisconnectedError";

  constructor(readonly tokensSent: number) {
    super(
      `the model's connection dropped after ${tokensSent} tokens (on purpose: the fake model fails the first attempt once); the activity is retried`,
    );
  }
}

export class FakeModel {
  readonly paceMs: number;
  readonly failFirstAttemptAfter: number;

  constructor(options: FakeModelOptions = {}) {
    this.paceMs = options.paceMs ?? 60;
    this.failFirstAttemptAfter = options.failFirstAttemptAfter ?? 14;
  }

  /** The answer's tokens at the model's pace; `attempt` 1 fails mid-answer. Ends early when `signal` aborts. */
  async *complete(_question: string, attempt: number, signal?: AbortSignal): AsyncGenerator<string> {
    for (const [index, token] of TOKENS.entries()) {
      if (attempt === 1 && this.failFirstAttemptAfter > 0 && index === this.failFirstAttemptAfter) {
        throw new ModelDisconnectedError(index);
      }
      await pause(this.paceMs, signal);
      yield token;
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
