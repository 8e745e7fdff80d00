import type { ActivityContext, ActivityFn, ActivityOptions, Clock, Timers } from "../api.js";
import { toMillis } from "../duration.js";
import { ActivityTimeoutError, ReplayError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { decodePayload, encodePayload } from "../json.js";
import type { WorkerMetrics } from "../telemetry/metrics.js";
import type { WorkflowSpan } from "../telemetry/tracing.js";
import { HeartbeatWriter } from "./heartbeats.js";
import { AttemptStreams, type StreamSink } from "./stream-writer.js";
import { type ResolvedStreamBatch, resolveStreamBatch, streamBatchProblems } from "./worker-options.js";

/** How one attempt of an activity ended. */
export type AttemptResult =
  | { readonly target: string; readonly seq: number; readonly attempt: number; readonly resultText: string }
  | {
      readonly target: string;
      readonly seq: number;
      readonly attempt: number;
      readonly error: unknown;
      /** No retry may help (the result cannot be stored, or scheduleToCloseTimeout passed). */
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
  /** Details of the last heartbeat of an earlier attempt, as JSON text. */
  readonly lastHeartbeat: string | null | undefined;
  /** Every attempt must end by then (scheduleToCloseTimeout), ms since the epoch. */
  readonly closeBy: number | undefined;
  /** The attempt sent a heartbeat with these details (JSON text). */
  onHeartbeat(detailsText: string): void;
  /** The attempt wrote to a stream: the activity's tasks row counts it now (see AttemptStreams). */
  onStreamed(): void;
  /** The span of the run's workflow: the attempt's span is its child. */
  readonly span: WorkflowSpan;
}

/** What running an attempt needs from the worker. */
export interface AttemptEnvironment {
  readonly backends: unknown;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly maxPayloadBytes: number;
  readonly metrics: WorkerMetrics;
  /** Keeps heartbeat details for attempts on other workers. */
  persistHeartbeat(attempt: Attempt, detailsText: string): Promise<void>;
  /** Where attempts write their streams, and the worker's batching of them. */
  readonly streams: StreamSink;
  readonly streamBatch: ResolvedStreamBatch;
}

/**
 * Runs one attempt of an activity: never throws; the outcome says what happened. The attempt
 * runs in its `replaykit.activity` span (active while the activity function runs, so spans it
 * makes nest under it) and is counted and timed. Only attempts executed here get a span: replay
 * reads recorded results and makes none.
 */
export async function runAttempt(call: Attempt, env: AttemptEnvironment): Promise<AttemptResult> {
  const started = performance.now();
  const span = call.span.activity(call);
  const result = await span.run(() => attemptOnce(call, env));
  const error = "error" in result ? (result.error ?? new Error("the activity threw undefined")) : undefined;
  span.end(error);
  env.metrics.activityAttempt(call.target, performance.now() - started, error !== undefined);
  return result;
}

async function attemptOnce(call: Attempt, env: AttemptEnvironment): Promise<AttemptResult> {
  const { target, seq, attempt } = call;
  const problems = streamBatchProblems(`options of activity ${target}: streamBatch`, call.options.streamBatch);
  if (problems.length > 0)
    return { target, seq, attempt, error: new ReplayError("INVALID_ARGUMENT", problems.join("; ")), final: true };
  const bounds = new AttemptBounds(call, env);
  const writer = new HeartbeatWriter((text) => env.persistHeartbeat(call, text), env, bounds.heartbeatMs);
  const streams = streamsOf(call, env);
  const context = contextOf(call, env, streams, (text) => {
    call.onHeartbeat(text);
    writer.beat(text);
    bounds.beat();
  });
  let result: unknown;
  try {
    // Readers learn that the earlier attempts' chunks are void before this one writes any.
    await streams.resetEarlier();
    const input = decodePayload(call.inputText, `input of activity ${target}#${seq}`) as never;
    const running = (call.fn as (ctx: ActivityContext, backends: unknown, input: unknown) => Promise<unknown>)(
      context,
      env.backends,
      input,
    );
    // An abort from outside (shutdown, lost lease, run ended) ends the attempt at once, so its
    // timers are cleared even when the activity ignores ctx.signal; its outcome is discarded.
    result = await Promise.race([running, bounds.expiry, abortedBy(call.controller.signal)]);
    // Its result is recorded only once every chunk it wrote is.
    await streams.finish(false);
  } catch (error) {
    // An abandoned attempt's queued chunks are dropped; a failed one's are written (the retry resets them).
    await streams.finish(call.controller.signal.aborted).catch(() => {});
    const final = error instanceof ActivityTimeoutError && error.kind === "scheduleToClose";
    return { target, seq, attempt, error, final };
  } finally {
    bounds.clear();
    writer.stop();
  }
  try {
    const resultText =
      result === undefined ? "null" : encodePayload(`activity ${target} result`, result, env.maxPayloadBytes);
    return { target, seq, attempt, resultText };
  } catch (error) {
    return { target, seq, attempt, error, final: true };
  }
}

/** Rejects with the abort reason once `signal` aborts; never settles otherwise (no listener kept after). */
function abortedBy(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  return aborted;
}

/** The attempt's stream writes, batched as its options (over the worker's) say. */
function streamsOf(call: Attempt, env: AttemptEnvironment): AttemptStreams {
  const { key, iteration, target, seq, attempt } = call;
  const batching = resolveStreamBatch(call.options.streamBatch, env.streamBatch);
  const writer = { key, iteration, activity: target, seq, attempt };
  return new AttemptStreams(env.streams, writer, batching, () => call.onStreamed());
}

function contextOf(
  call: Attempt,
  env: AttemptEnvironment,
  streams: AttemptStreams,
  beat: (text: string) => void,
): ActivityContext {
  const { key, iteration, target, seq, attempt } = call;
  const where = `heartbeat details of activity ${target}#${seq} of run ${key.runId}`;
  return {
    namespace: key.namespace,
    workflow: key.workflow,
    runId: key.runId,
    iteration,
    activity: target,
    seq,
    attempt,
    idempotencyKey: `${key.namespace}/${key.workflow}/${key.runId}/${iteration}/${target}/${seq}`,
    signal: call.controller.signal,
    heartbeat: (details?: unknown) => beat(encodePayload("heartbeat details", details ?? null, env.maxPayloadBytes)),
    lastHeartbeat: call.lastHeartbeat == null ? undefined : decodePayload(call.lastHeartbeat, where),
    writeStream: (streamKey, value) => streams.write(streamKey, value),
    closeStream: (streamKey) => streams.close(streamKey),
  };
}

/**
 * The timers that end an attempt from outside: its own timeout, the heartbeat timeout (reset
 * by every heartbeat), and the schedule-to-close deadline of all attempts. Each aborts the
 * attempt's signal with the ActivityTimeoutError that `expiry` rejects with. Every timer is
 * cleared when the attempt ends, also when the activity ignores its signal.
 */
class AttemptBounds {
  readonly expiry: Promise<never>;
  readonly heartbeatMs: number | undefined;
  readonly #env: AttemptEnvironment;
  readonly #call: Attempt;
  readonly #cancels = new Map<string, () => void>();
  #fail: (error: ActivityTimeoutError) => void = () => {};

  constructor(call: Attempt, env: AttemptEnvironment) {
    this.#env = env;
    this.#call = call;
    this.expiry = new Promise<never>((_, reject) => {
      this.#fail = (error) => {
        call.controller.abort(error);
        reject(error);
      };
    });
    this.expiry.catch(() => {});
    const { timeout, heartbeatTimeout, scheduleToCloseTimeout } = call.options;
    const now = env.clock.now();
    if (timeout !== undefined) this.#arm("attempt", now + toMillis(timeout), toMillis(timeout));
    this.heartbeatMs = heartbeatTimeout === undefined ? undefined : toMillis(heartbeatTimeout);
    this.beat();
    if (call.closeBy !== undefined && scheduleToCloseTimeout !== undefined) {
      this.#arm("scheduleToClose", call.closeBy, toMillis(scheduleToCloseTimeout));
    }
  }

  /** A heartbeat: the heartbeat timeout starts again. */
  beat(): void {
    if (this.heartbeatMs !== undefined)
      this.#arm("heartbeat", this.#env.clock.now() + this.heartbeatMs, this.heartbeatMs);
  }

  clear(): void {
    for (const cancel of this.#cancels.values()) cancel();
    this.#cancels.clear();
  }

  #arm(kind: ActivityTimeoutError["kind"], at: number, ms: number): void {
    this.#cancels.get(kind)?.();
    const cancel = this.#env.timers.at(at, () => this.#fail(new ActivityTimeoutError(this.#call.target, ms, kind)));
    this.#cancels.set(kind, cancel);
  }
}
