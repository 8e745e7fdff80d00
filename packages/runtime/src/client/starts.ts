import type { Clock, ForkOptions, LocalBus, RunOptions, Transaction, WriteOptions } from "../api.js";
import { toMillis } from "../duration.js";
import { ReplayError } from "../errors.js";
import { checkTags, type RunKey } from "../history/index.js";
import { encodePayload, validateName } from "../json.js";
import type { FreshRun, NewRequest, NewRun, NewSignal, RequestArrival, Store } from "../store/types.js";
import type { ClientMetrics } from "../telemetry/metrics.js";
import { SpanAttr, SpanName } from "../telemetry/names.js";
import { runSpanAttributes, type Tracing } from "../telemetry/tracing.js";
import { forkOverridesOf, placementOf, runKey } from "./arguments.js";

/** What starting runs needs of the client. */
export interface StartDeps {
  readonly store: Store;
  readonly local: LocalBus;
  readonly clock: Clock;
  readonly tracing: Tracing;
  readonly metrics: ClientMetrics;
  readonly maxPayloadBytes: number;
  /** The client's `version` option: the code version runs are pinned to unless told otherwise. */
  readonly defaultVersion: string | undefined;
  /** Resolves once the store answered (on the caller's `tx`, when given). */
  ready(tx?: unknown): Promise<void>;
}

/**
 * How the client begins runs and signals them: runWorkflow, triggerSchedule, forkRun, signalRun, and the with-start calls, which start
 * a run unless it exists and deliver something to it in the same transaction.
 */
export class RunStarts {
  readonly #deps: StartDeps;

  constructor(deps: StartDeps) {
    this.#deps = deps;
  }

  /** The run that runWorkflow's arguments describe, checked now, stamped with the clock when written. */
  newRun(key: RunKey, input: unknown, opts: Omit<RunOptions, "tx">): () => Omit<NewRun, "traceContext"> {
    const { maxPayloadBytes, defaultVersion, clock } = this.#deps;
    const inputText = encodePayload("input", input, maxPayloadBytes);
    const codeVersion = opts.version === undefined ? defaultVersion : validateName("version", opts.version);
    const timeoutMs = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
    const { delayMs, ...placement } = placementOf(opts);
    const tags = opts.tags === undefined ? undefined : checkTags("tags", opts.tags);
    return () => {
      const now = clock.now();
      const deadline = timeoutMs === undefined ? undefined : now + timeoutMs;
      const startAt = placement.startAt ?? (delayMs === undefined ? undefined : now + delayMs);
      return { key, inputText, now, codeVersion, deadline, ...placement, startAt, tags };
    };
  }

  /**
   * The one way the client begins a run. Inside a start span, whose context is stored with the
   * run so that its spans on any worker join the caller's trace: once the store is ready, writes
   * the run that `describe` gives (it reads the clock then) with `write` (default: createRun;
   * true when it created the run), counts it, and wakes the workers in this process. `fresh`:
   * what else a worker that takes it up must know.
   */
  start(
    key: RunKey,
    tx: Transaction | undefined,
    describe: () => Omit<NewRun, "traceContext">,
    write: (run: NewRun) => Promise<boolean> = (run) => this.#deps.store.createRun(run, tx),
    fresh: Pick<FreshRun, "requestGen"> = {},
  ): Promise<boolean> {
    const { tracing, metrics, local } = this.#deps;
    return tracing.producer(
      SpanName.Start,
      () => runSpanAttributes(key),
      async (traceContext) => {
        await this.#deps.ready(tx);
        const run = { ...describe(), traceContext };
        if (!(await write(run))) return false;
        metrics.runStarted(key.namespace, key.workflow);
        // With `tx` the write is not committed yet: wake without naming the run, so workers poll
        // soon instead of looking at a row they cannot see. A spurious wake-up is harmless.
        local.wake(key.namespace, tx ? undefined : { ...key, fresh: { ...freshRunOf(run), ...fresh } });
        return true;
      },
    );
  }

  /** signalWithStart: what signalRun answers (false: this externalId was sent before). */
  async withSignal(key: RunKey, input: unknown, signal: NewSignal, opts: RunOptions): Promise<boolean> {
    let sent = false;
    const created = await this.start(key, opts.tx, this.newRun(key, input, opts), async (run) => {
      const written = await this.#deps.store.signalWithStart(run, signal, opts.tx);
      sent = written.sent;
      return written.created;
    });
    if (!created && sent) this.#deps.local.wake(key.namespace, opts.tx ? undefined : key);
    return sent;
  }

  /** updateWithStart's writes: the run unless it exists, and the update's request. */
  async withRequest(
    key: RunKey,
    input: unknown,
    request: NewRequest,
    opts: Omit<RunOptions, "tx">,
  ): Promise<RequestArrival> {
    let arrival: RequestArrival = { added: true };
    const write = async (run: NewRun) => {
      const written = await this.#deps.store.updateWithStart(run, request);
      arrival = written.arrival;
      return written.created;
    };
    // A run created with its request: the worker that takes it up reads its requests at once.
    const created = await this.start(key, undefined, this.newRun(key, input, opts), write, { requestGen: 1 });
    if (!created && arrival.added) this.#deps.local.wake(key.namespace, key);
    return arrival;
  }

  /** signalRun: the signal, stored inside a producer span; workers here are woken once it is committed. */
  signal(key: RunKey, row: NewSignal, opts: WriteOptions): Promise<boolean> {
    const { store, clock, local, tracing } = this.#deps;
    const attributes = () => ({ ...runSpanAttributes(key), [SpanAttr.Signal]: row.signal });
    return tracing.producer(SpanName.Signal, attributes, async () => {
      await this.#deps.ready(opts.tx);
      if (opts.tx) {
        // Woken once the caller's transaction commits, which this cannot see: by namespace.
        const sent = await store.addSignal(key, row, clock.now(), opts.tx);
        if (sent) local.wake(key.namespace);
        return sent;
      }
      // The run as the signal left it comes along, so a worker here takes it up without a read.
      const { sent, run } = await store.addSignalAndRead(key, row, clock.now());
      if (sent) local.wake(key.namespace, run === undefined ? key : { ...key, read: run });
      return sent;
    });
  }

  /** forkRun: a new run from a step of `source` (its own id, `opts.newRunId`). */
  async fork(source: RunKey, opts: ForkOptions): Promise<boolean> {
    const { store, clock, local, metrics, defaultVersion } = this.#deps;
    const target = runKey(source.namespace, source.workflow, opts?.newRunId);
    const fromStep = opts.fromStep ?? 0;
    if (!Number.isInteger(fromStep) || fromStep < 0) {
      throw new ReplayError("INVALID_STEP", `invalid fromStep ${String(fromStep)}: use a whole number from 0`);
    }
    const version = opts.version ?? defaultVersion;
    const codeVersion = version === undefined ? undefined : validateName("version", version);
    const overrides = forkOverridesOf(opts);
    await this.#deps.ready();
    const forked = await store.forkRun({ source, target, fromStep, codeVersion, overrides, now: clock.now() });
    if (forked) {
      metrics.runStarted(target.namespace, target.workflow);
      local.wake(target.namespace, target);
    }
    return forked;
  }
}

/** A signal's row, checked: its name, external id and message. */
export function signalRow(signal: string, message: unknown, externalId: string, maxPayloadBytes: number): NewSignal {
  return {
    signal: validateName("signal", signal),
    externalId: validateName("externalId", externalId),
    payloadText: encodePayload("message", message, maxPayloadBytes),
  };
}

/** What a worker in this process needs to take up a run just created, without reading it back. */
function freshRunOf(run: NewRun): FreshRun {
  const { inputText, now, codeVersion, deadline, queue, startAt, scheduledAt, traceContext } = run;
  return { inputText, createdAt: now, codeVersion, deadline, queue, startAt, scheduledAt, traceContext };
}
