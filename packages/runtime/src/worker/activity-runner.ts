import { toMillis } from "../duration.js";
import { ActivityTimeoutError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { encodePayload } from "../json.js";
import type { ActivityContext, ActivityFn, ActivityOptions, Clock, Timers } from "../types.js";

/** How one attempt of an activity ended. */
export type AttemptResult =
  | { readonly target: string; readonly seq: number; readonly attempt: number; readonly resultText: string }
  | {
      readonly target: string;
      readonly seq: number;
      readonly attempt: number;
      readonly error: unknown;
      /** No retry may help (the result cannot be stored). */
      readonly final: boolean;
    };

/** One attempt to run. */
export interface Attempt {
  readonly key: RunKey;
  readonly iteration: number;
  readonly target: string;
  readonly seq: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly inputText: string;
  readonly options: ActivityOptions;
  readonly fn: ActivityFn;
  readonly controller: AbortController;
}

/** What running an attempt needs from the worker. */
export interface AttemptEnvironment {
  readonly backends: unknown;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly maxPayloadBytes: number;
}

/** Runs one attempt of an activity: never throws; the outcome says what happened. */
export async function runAttempt(call: Attempt, env: AttemptEnvironment): Promise<AttemptResult> {
  const { key, iteration, target, seq, attempt, controller } = call;
  const context: ActivityContext = {
    namespace: key.namespace,
    workflow: key.workflow,
    runId: key.runId,
    iteration,
    activity: target,
    seq,
    attempt,
    idempotencyKey: `${key.namespace}/${key.workflow}/${key.runId}/${iteration}/${target}/${seq}`,
    signal: controller.signal,
  };
  let result: unknown;
  try {
    const input = JSON.parse(call.inputText) as never;
    const timeoutMs = call.options.timeout === undefined ? undefined : toMillis(call.options.timeout);
    const running = (call.fn as (ctx: ActivityContext, backends: unknown, input: unknown) => Promise<unknown>)(
      context,
      env.backends,
      input,
    );
    result = await withTimeout(running, timeoutMs, controller, target, env);
  } catch (error) {
    return { target, seq, attempt, error, final: false };
  }
  try {
    const resultText =
      result === undefined ? "null" : encodePayload(`activity ${target} result`, result, env.maxPayloadBytes);
    return { target, seq, attempt, resultText };
  } catch (error) {
    return { target, seq, attempt, error, final: true };
  }
}

/** Races the attempt against its timeout on the client's timers; the timer is always cleared. */
async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number | undefined,
  controller: AbortController,
  name: string,
  env: AttemptEnvironment,
): Promise<T> {
  if (timeoutMs === undefined) return promise;
  let cancel: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    cancel = env.timers.at(env.clock.now() + timeoutMs, () => {
      const error = new ActivityTimeoutError(name, timeoutMs);
      controller.abort(error);
      reject(error);
    });
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    cancel?.();
  }
}
