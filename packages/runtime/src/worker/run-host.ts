import type { ActivityRegistration, Clock, LocalRequestState, LocalRunEnding, Timers } from "../api.js";
import { errorText, type RunKey, RunStatus, runKeyId } from "../history/index.js";
import type { RunExecutor } from "../replay/executor.js";
import { serializeError } from "../serialize-error.js";
import type {
  ChildStart,
  EngineStore,
  InboxSignal,
  SlotAnswer,
  SlotRequest,
  StepResult,
  StepWrite,
  StoredRequest,
} from "../store/types.js";
import type { RunLogRef } from "../telemetry/logging.js";
import type { WorkerMetrics } from "../telemetry/metrics.js";
import type { Attempt } from "./activity-runner.js";
import type { ActorHost, CachedRun, ReplayTarget } from "./actor-host.js";
import type { LruCache } from "./cache.js";
import { CommitQueue } from "./commit-queue.js";
import type { HeldRuns } from "./held-runs.js";
import type { LocalUpdate } from "./local-update.js";
import type { FailedAttempt } from "./retry-log.js";
import type { RunActor } from "./run-actor.js";
import type { StreamSink } from "./stream-writer.js";
import type { WorkerLog } from "./worker-log.js";
import type { ResolvedStreamBatch, ResolvedWorkerOptions } from "./worker-options.js";

/** First wait before a failed lease release is tried again (doubling up to a second). */
const RELEASE_RETRY_FIRST_MS = 100;

/** What the run host needs of its worker. */
export interface RunHostParts {
  readonly held: HeldRuns;
  /** Suspended runs by runKeyId (see CachedRun). */
  readonly cache: LruCache<CachedRun>;
  readonly log: WorkerLog;
  metrics(): WorkerMetrics;
  isRunning(): boolean;
  /** A fresh executor replayed from the stored history of the iteration (see RunLoader.replay). */
  replay(run: ReplayTarget, iteration: number): Promise<RunExecutor>;
  /** A run let go of to wait for its next timer or retry: a local timer may take it up again (see LocalWakes.arm). */
  armWake(key: RunKey, cached: CachedRun): void;
  /** The updates offered for the run in this process (see LocalRequests.take). */
  takeLocalUpdates(key: RunKey): LocalUpdate[];
  /** The run was let go of: updates offered for it that no step took go back to their callers. */
  dropLocalUpdates(key: RunKey): void;
  kick(byWork?: boolean): void;
}

/**
 * What the worker gives each run actor (ActorHost): the store, with steps batched into group
 * commits; the local bus, for the runs a step reached and for endings; the hand-back of a run
 * (lease released, state cached); parking; and the worker's log.
 */
export class RunHost implements ActorHost {
  readonly owner: string;
  readonly leaseMs: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly maxPayloadBytes: number;
  readonly backends: unknown;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  readonly replayEveryStep: boolean;
  readonly streams: StreamSink;
  readonly streamBatch: ResolvedStreamBatch;
  readonly #options: ResolvedWorkerOptions;
  readonly #store: EngineStore;
  readonly #parts: RunHostParts;
  readonly #commits: CommitQueue;

  constructor(options: ResolvedWorkerOptions, parts: RunHostParts) {
    this.#options = options;
    this.#parts = parts;
    const { client } = options;
    this.#store = client.store;
    this.owner = options.identity;
    this.leaseMs = options.leaseMs;
    this.clock = client.clock;
    this.timers = client.timers;
    this.maxPayloadBytes = client.maxPayloadBytes;
    this.backends = options.backends;
    this.activities = options.activities;
    this.replayEveryStep = options.replayEveryStep;
    this.streamBatch = options.streamBatch;
    const { owner, maxPayloadBytes } = this;
    this.streams = { store: client.store, local: client.local, owner, maxPayloadBytes, now: () => this.now() };
    this.#commits = new CommitQueue((steps) => this.#store.commit(steps), {
      maxInFlight: 4,
      maxBatch: 64,
      onBatch: (steps) => this.metrics.commitBatch(steps),
    });
  }

  get metrics(): WorkerMetrics {
    return this.#parts.metrics();
  }

  now(): number {
    return this.clock.now();
  }

  isStopping(): boolean {
    return !this.#parts.isRunning();
  }

  replay(run: ReplayTarget, iteration: number): Promise<RunExecutor> {
    return this.#parts.replay(run, iteration);
  }

  async commit(step: StepWrite): Promise<StepResult> {
    const result = await this.#commits.submit(step);
    // Readers of the streams the workflow wrote, in this process, read at once.
    if (result.ok && step.streamWrites?.length) {
      for (const key of new Set(step.streamWrites.map((write) => write.key))) {
        this.#options.client.local.streamWritten({ ...step.key, key });
      }
    }
    return result;
  }

  loadSignals(key: RunKey, names: readonly string[]): Promise<InboxSignal[]> {
    return this.#store.loadSignals(key, names);
  }

  loadRequests(key: RunKey): Promise<StoredRequest[]> {
    return this.#store.loadRequests(key);
  }

  takeLocalUpdates(key: RunKey): LocalUpdate[] {
    return this.#parts.takeLocalUpdates(key);
  }

  report(key: RunKey, requestId: string, state: LocalRequestState): void {
    const { workflow, runId } = key;
    this.#options.client.local.requestSettled(key.namespace, { workflow, runId, requestId }, state);
  }

  wakeOthers(starts: readonly ChildStart[], result: Extract<StepResult, { ok: true }>, createdAt: number): void {
    const local = this.#options.client.local;
    const created = new Set((result.createdChildren ?? []).map(runKeyId));
    for (const start of starts) {
      if (!created.has(runKeyId(start.key))) continue;
      this.metrics.runStarted(start.key.workflow);
      const { inputText, codeVersion, deadline, queue, traceContext } = start;
      const fresh = { inputText, createdAt, codeVersion, deadline, queue, traceContext };
      local.wake(start.key.namespace, { ...start.key, fresh });
    }
    for (const key of result.woken ?? []) local.wake(key.namespace, key);
  }

  async acquireSlot(request: SlotRequest): Promise<SlotAnswer> {
    const answer = await this.#store.acquireSlot(request);
    this.#wakeLocally(answer.woken);
    return answer;
  }

  async releaseSlot(key: RunKey, iteration: number, task: { readonly target: string; readonly seq: number }) {
    try {
      this.#wakeLocally(await this.#store.releaseSlot(key, iteration, task, this.now()));
    } catch (error) {
      this.logError("could not give back a queue slot; it is freed when its lease ends", error, key);
    }
  }

  /**
   * Runs a queue woke (their turn for a slot came) are due now: workers of this process claim
   * them, and poke those they hold. Not named: a named run is taken up in-process without a
   * lease, and a step that asks for a slot may start its attempt without a commit (nothing new
   * to write), which only a lease may do.
   */
  #wakeLocally(runs: readonly RunKey[]): void {
    const namespaces = new Set(runs.map((key) => key.namespace));
    for (const namespace of namespaces) this.#options.client.local.wake(namespace);
  }

  async persistHeartbeat(attempt: Attempt, detailsText: string): Promise<void> {
    const { key, iteration, target, seq } = attempt;
    await this.#store.recordHeartbeat(
      key,
      iteration,
      { target, seq, attempt: attempt.attempt },
      detailsText,
      this.now(),
    );
  }

  clearStalls(key: RunKey): void {
    this.#store
      .clearStalls(key, this.owner)
      .catch((error: unknown) => this.logError("could not clear stalls", error, key));
  }

  /**
   * Gives a run's lease back. When the database cannot be reached, tries again until it can or
   * the lease has run out anyway: a lease left to run out reads as this worker frozen or gone,
   * and a run taken over after its code was marked would count a stall it did not cause.
   */
  async release(key: RunKey, wakeAt: number | null): Promise<void> {
    const until = this.now() + this.leaseMs;
    for (let delay = RELEASE_RETRY_FIRST_MS; ; delay = Math.min(delay * 2, 1000)) {
      try {
        await this.#store.release(key, this.owner, wakeAt);
        return;
      } catch {
        // Stopping (releaseAll follows), taken up here again, or the lease is gone: nothing to give back.
        if (!this.#parts.isRunning() || this.#parts.held.has(runKeyId(key))) return;
        if (this.now() + delay >= until) return;
        await sleep(delay);
      }
    }
  }

  released(actor: RunActor, cached: CachedRun | undefined, ending?: LocalRunEnding): void {
    const { held, cache } = this.#parts;
    const key = runKeyId(actor.key);
    held.letGo(key, actor);
    if (cached) cache.put(key, cached);
    else cache.delete(key);
    if (cached && actor.queue === undefined) this.#parts.armWake(actor.key, cached);
    this.#parts.dropLocalUpdates(actor.key);
    if (ending) this.#options.client.local.runEnded(actor.key.namespace, actor.key.workflow, actor.key.runId, ending);
    this.#parts.kick(false);
  }

  async park(run: RunLogRef, error: unknown, version?: number): Promise<void> {
    const serialized = serializeError(error);
    const key = { namespace: run.namespace, workflow: run.workflow, runId: run.runId };
    const parked = await this.#store.park(key, this.owner, errorText(serialized), this.now(), version);
    const log = this.#parts.log;
    if (parked) {
      log.logError(`run ${key.workflow}/${key.runId} parked as stuck: ${serialized.message}`, undefined, run);
      this.metrics.runEnded(key.workflow, RunStatus.Stuck);
    } else {
      log.logInfo(`run ${key.workflow}/${key.runId} not parked: another worker holds it or moved it on`, run);
    }
    const ending: LocalRunEnding | undefined = parked ? { status: RunStatus.Stuck, error: serialized } : undefined;
    this.#options.client.local.runEnded(key.namespace, key.workflow, key.runId, ending);
  }

  logError(message: string, error: unknown, run: RunLogRef): void {
    this.#parts.log.logError(message, error, run);
  }

  logInfo(message: string, run: RunLogRef): void {
    this.#parts.log.logInfo(message, run);
  }

  logRetry(failure: FailedAttempt): void {
    this.#parts.log.logRetry(failure);
  }

  stepping(key: RunKey): void {
    this.#parts.log.stepping(key);
  }

  lacksActivity(key: RunKey, activity: string): void {
    this.#parts.log.lacksActivity(key, activity);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
