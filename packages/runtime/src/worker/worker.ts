import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type {
  Client,
  Clock,
  LocalRunEnding,
  LocalRunRef,
  Logger,
  QueueOptions,
  Timers,
  Worker,
  WorkerOptions,
} from "../api.js";
import { toMillis } from "../duration.js";
import {
  CorruptPayloadError,
  DatabaseUnreachableError,
  ReplayError,
  RunStalledError,
  serializeError,
  UnknownWorkflowError,
} from "../errors.js";
import { EventType, type RecordedEvent, type RunKey, RunStatus, runKeyId } from "../history/index.js";
import { decodePayload, validateName } from "../json.js";
import { RunExecutor } from "../replay/executor.js";
import { planTicks } from "../schedule/plan.js";
import { workerTakes } from "../store/rules/claim-filter.js";
import type { QueueLimits } from "../store/rules/queue-picking.js";
import { MAX_STALLS } from "../store/rules/stalls.js";
import {
  type ChildStart,
  type ClaimedRun,
  type EngineStore,
  type FreshRun,
  freshClaim,
  type InboxSignal,
  type Presence,
  type StepResult,
  type StepWrite,
  type WorkerAbilities,
} from "../store/types.js";
import { defaultLogger, type RunLogRef, runFields } from "../telemetry/logging.js";
import { replaykitMeter, WorkerMetrics } from "../telemetry/metrics.js";
import { type MetricsServer, startMetricsServer } from "../telemetry/prometheus.js";
import { Tracing, type WorkflowSpan } from "../telemetry/tracing.js";
import type { Attempt } from "./activity-runner.js";
import { LruCache } from "./cache.js";
import { CommitQueue } from "./commit-queue.js";
import { type FailedAttempt, RetryLog } from "./retry-log.js";
import { type ActorHost, type CachedRun, type ReplayTarget, RunActor } from "./run-actor.js";
import { applySchedules, scheduleProblems } from "./schedules.js";
import { newTask, type TaskState, taskKey } from "./tasks.js";

const DEFAULTS = { concurrency: 16, leaseMs: 30_000, cacheSize: 1000, maxPollIntervalMs: 1000, stopTimeoutMs: 10_000 };
const MIN_POLL_MS = 2;
/** First wait before a failed lease release is tried again (doubling up to a second). */
const RELEASE_RETRY_FIRST_MS = 100;
/**
 * A run let go of to wait for a timer or retry due within this long is taken up by the worker
 * that let it go when that is due (see #armWake); one due later is left to the claim loop.
 */
const LOCAL_WAKE_WITHIN_MS = 60_000;
/**
 * How long before its wake time such a run is taken up (on real time): leasing it costs a
 * durable write, which is then done by the time the timer is due, and the run waits this last
 * moment in memory, lease held (see RunActor's holdUntil).
 */
const LOCAL_WAKE_LEAD_MS = 20;
/** How often the event loop is checked, and how late a check must be to say it was blocked. */
const LAG_CHECK_MS = 250;
const LAG_WARN_MS = 1000;

/** Counts workflow-function invocations (a replay from the start is one). For tests and benchmarks. */
export interface WorkerStats {
  readonly workflowInvocations: number;
  readonly claims: number;
  readonly cacheHits: number;
}

/**
 * Creates a worker that runs the namespace's workflows and activities.
 *
 * @example
 * const worker = createWorker({ client, namespace: "shop", workflows: { order }, activities: { charge } });
 * await worker.start();
 * // ...
 * await worker.stop();
 */
export function createWorker(
  options: WorkerOptions,
): Worker & { readonly stats: WorkerStats; readonly metricsUrl: string | undefined } {
  return new ReplayWorker(options);
}

class ReplayWorker implements Worker, ActorHost {
  readonly identity: string;
  readonly owner: string;
  readonly store: EngineStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly leaseMs: number;
  readonly maxPayloadBytes: number;
  readonly backends: unknown;
  readonly replayEveryStep: boolean;
  readonly activities: WorkerOptions["activities"];
  readonly tracing: Tracing;
  #metrics: WorkerMetrics;
  /** The Prometheus endpoint of `metrics: { port }`, once started. */
  #metricsServer: MetricsServer | undefined;
  /** Says this worker is alive while it runs (see EngineStore.holdPresence). */
  #presence: Presence | undefined;
  readonly #options: WorkerOptions;
  readonly #client: Client;
  readonly #log: Logger;
  readonly #retryLog: RetryLog;
  readonly #concurrency: number;
  readonly #cache: LruCache<CachedRun>;
  readonly #commits: CommitQueue;
  readonly #actors = new Map<string, RunActor>();
  /** Runs claimed whose history is still loading; they count against concurrency. */
  readonly #loading = new Set<string>();
  /** Runs this worker let go of until a timer or retry due soon, by run: when, and the local timer's cancel. */
  readonly #wakes = new Map<string, { readonly at: number; cancel: () => void }>();
  /** The last claim round took all it could (or could take none): due runs may be waiting for a slot. */
  #backlog = false;
  #invocations = 0;
  #claims = 0;
  #cacheHits = 0;
  #state: "new" | "running" | "stopping" | "stopped" = "new";
  #started: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #wakeLoop: (() => void) | undefined;
  #kicked = false;
  /** Whether the last kick came from new work (restarts polling from MIN_POLL_MS) or only a freed slot. */
  #kickedByWork = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #failures = 0;
  /** The queues this worker serves, and which of them a claim round starts with. */
  readonly #queueNames: readonly string[];
  #queueTurn = 0;
  /** The workflows and activities this worker has: it claims only runs it can take further. */
  readonly #can: WorkerAbilities;
  #lagWatch: NodeJS.Timeout | undefined;
  #lastStepped: RunKey | undefined;
  /** Activities runs asked for that this worker lacks, each logged once. */
  readonly #lacking = new Set<string>();
  /** When schedules are looked at next (client clock); 0: at the next loop. */
  #scheduleCheckAt = 0;

  constructor(options: WorkerOptions) {
    validateOptions(options);
    this.#options = options;
    this.#client = options.client;
    this.identity = options.identity ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.owner = this.identity;
    this.#log = options.logger ?? defaultLogger(this.identity);
    this.#retryLog = new RetryLog(this.#log, options.client.clock);
    this.store = options.client.store;
    this.clock = options.client.clock;
    this.timers = options.client.timers;
    this.leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    this.maxPayloadBytes = options.client.maxPayloadBytes;
    this.backends = options.backends;
    this.activities = options.activities;
    this.#concurrency = options.concurrency ?? DEFAULTS.concurrency;
    // A run dropped from the cache (evicted, stale, worker stopped) is let go of: its span ends.
    this.#cache = new LruCache(options.cacheSize ?? DEFAULTS.cacheSize, (cached) => cached.span.release());
    this.replayEveryStep = (options.cacheSize ?? DEFAULTS.cacheSize) === 0;
    this.#commits = new CommitQueue((steps) => this.store.commit(steps), {
      maxInFlight: 4,
      maxBatch: 64,
      onBatch: (steps) => this.#metrics.commitBatch(steps),
    });
    this.#queueNames = Object.keys(options.queues ?? {});
    this.tracing = new Tracing(options.tracerProvider);
    // With `metrics: { port }` the worker records through the endpoint's provider, made by start().
    const ownEndpoint = options.metrics?.port !== undefined;
    this.#metrics = this.#metricsOn(ownEndpoint ? undefined : replaykitMeter(options.metrics?.meterProvider));
    this.#can = { workflows: Object.keys(options.workflows), activities: Object.keys(options.activities) };
  }

  get stats(): WorkerStats {
    return { workflowInvocations: this.#invocations, claims: this.#claims, cacheHits: this.#cacheHits };
  }

  get metrics(): WorkerMetrics {
    return this.#metrics;
  }

  /** Where Prometheus scrapes this worker (`metrics: { port }`), once started; else undefined. */
  get metricsUrl(): string | undefined {
    return this.#metricsServer?.url;
  }

  #metricsOn(meter: ReturnType<typeof replaykitMeter>): WorkerMetrics {
    const metrics = new WorkerMetrics(this.#options.namespace, meter);
    const namespace = this.#options.namespace;
    const countQueued = async (queue: string) =>
      (await this.#client.store.countRuns({ namespace, queue }, this.now())).queued;
    metrics.observeQueueDepth(this.#queueNames, countQueued);
    return metrics;
  }

  /** `metrics: { port }`: the worker records through a provider of its own, which the endpoint serves. */
  async #serveMetrics(): Promise<void> {
    const port = this.#options.metrics?.port;
    if (port === undefined) return;
    const host = this.#options.metrics?.host;
    this.#metricsServer = await startMetricsServer(host === undefined ? { port } : { port, host });
    this.#metrics = this.#metricsOn(replaykitMeter(this.#metricsServer.meterProvider));
  }

  /** Starts the loops; calling it again while the worker runs is a no-op. */
  start(): Promise<void> {
    if (this.#state === "new") this.#started = this.#begin();
    if (this.#started && this.#state === "running") return this.#started;
    return Promise.reject(
      new ReplayError("WORKER_STOPPED", `worker ${this.identity} was stopped; create a new worker instead`),
    );
  }

  async #begin(): Promise<void> {
    this.#state = "running";
    try {
      await this.store.checkSchema();
    } catch (error) {
      // A database that is down may come back: the loops wait for it. A database without
      // replaykit's tables, or one we may not use, will not fix itself: say so now.
      if (!(error instanceof DatabaseUnreachableError)) {
        this.#state = "new";
        this.#started = undefined;
        throw error;
      }
    }
    try {
      await this.#serveMetrics();
    } catch (error) {
      this.#state = "stopped";
      throw error;
    }
    // Before any claim: a run this worker takes over and then freezes on must find it present.
    const presence = await this.store.holdPresence(this.owner);
    if (this.#state !== "running") {
      // stop() came meanwhile and found nothing to end.
      await presence.close();
      return;
    }
    this.#presence = presence;
    this.#unsubscribe = this.#client.local.onWake(this.#options.namespace, (run) => {
      // A named run is taken up directly, or poked when it is held here; the claim loop is
      // kicked only when neither applies.
      if (run) {
        const held = this.#actors.get(runKeyId(run));
        if (held) return void this.#checkOne(held);
        if (this.#takeLocal(run)) return;
      }
      this.#kick();
      // A wake-up that names no run may be a schedule created or resumed here: look at once.
      if (!run) this.#scheduleCheckAt = 0;
      if (!run && this.#actors.size > 0) void this.#checkHeld();
    });
    this.#heartbeat = setInterval(() => void this.#beat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.#heartbeat.unref?.();
    this.#watchEventLoop();
    this.#loop = this.#claimLoop();
  }

  async stop(): Promise<void> {
    if (this.#state !== "running") return;
    this.#state = "stopping";
    for (const wake of this.#wakes.values()) wake.cancel();
    this.#wakes.clear();
    this.#kick();
    await this.#loop;
    const deadline = Date.now() + (this.#options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs);
    while (this.#actors.size + this.#loading.size > 0 && Date.now() < deadline) await sleep(10);
    for (const actor of this.#actors.values())
      actor.stopNow(new ReplayError("WORKER_STOPPED", `worker ${this.identity} stopped`));
    this.#actors.clear();
    this.#cache.clear();
    clearInterval(this.#heartbeat);
    clearInterval(this.#lagWatch);
    this.#unsubscribe?.();
    await this.store.releaseAll(this.#options.namespace, this.owner, this.now()).catch((error: unknown) => {
      this.#log.warn("could not release leases on stop; they end by themselves", {
        error: serializeError(error).message,
      });
    });
    await this.#metricsServer?.close();
    await this.#presence?.close();
    this.#state = "stopped";
  }

  now(): number {
    return this.#client.clock.now();
  }

  commit(step: StepWrite): Promise<StepResult> {
    return this.#commits.submit(step);
  }

  isStopping(): boolean {
    return this.#state !== "running";
  }

  wakeOthers(starts: readonly ChildStart[], result: Extract<StepResult, { ok: true }>, createdAt: number): void {
    const created = new Set((result.createdChildren ?? []).map(runKeyId));
    for (const start of starts) {
      if (!created.has(runKeyId(start.key))) continue;
      this.#metrics.runStarted(start.key.workflow);
      const { inputText, codeVersion, deadline, queue, traceContext } = start;
      const fresh = { inputText, createdAt, codeVersion, deadline, queue, traceContext };
      this.#client.local.wake(start.key.namespace, { ...start.key, fresh });
    }
    for (const key of result.woken ?? []) this.#client.local.wake(key.namespace, key);
  }

  async persistHeartbeat(attempt: Attempt, detailsText: string): Promise<void> {
    const { key, iteration, target, seq } = attempt;
    await this.store.recordHeartbeat(
      key,
      iteration,
      { target, seq, attempt: attempt.attempt },
      detailsText,
      this.now(),
    );
  }

  loadSignals(key: RunKey, names: readonly string[]): Promise<InboxSignal[]> {
    return this.store.loadSignals(key, names);
  }

  clearStalls(key: RunKey): void {
    this.store
      .clearStalls(key, this.owner)
      .catch((error: unknown) => this.logError("could not clear stalls", error, key));
  }

  /**
   * Gives a run's lease back. When the database cannot be reached, tries again until it can or
   * the lease has run out anyway: a lease left to run out reads as this worker frozen or gone,
   * and a run taken over after its code was marked would count a stall it did not cause.
   */
  async release(key: RunKey, wakeAt: number): Promise<void> {
    const until = this.now() + this.leaseMs;
    for (let delay = RELEASE_RETRY_FIRST_MS; ; delay = Math.min(delay * 2, 1000)) {
      try {
        await this.store.release(key, this.owner, wakeAt);
        return;
      } catch {
        // Stopping (releaseAll follows), taken up here again, or the lease is gone: nothing to give back.
        const id = runKeyId(key);
        if (this.#state !== "running" || this.#actors.has(id) || this.#loading.has(id)) return;
        if (this.now() + delay >= until) return;
        await sleep(delay);
      }
    }
  }

  released(actor: RunActor, cached: CachedRun | undefined, ending?: LocalRunEnding): void {
    const key = runKeyId(actor.key);
    if (this.#actors.get(key) === actor) this.#actors.delete(key);
    if (cached) this.#cache.put(key, cached);
    else this.#cache.delete(key);
    if (cached && actor.queue === undefined) this.#armWake(actor.key, cached);
    if (ending) this.#client.local.runEnded(actor.key.namespace, actor.key.workflow, actor.key.runId, ending);
    this.#kick(false);
  }

  async park(run: RunLogRef, error: unknown, version?: number): Promise<void> {
    const serialized = serializeError(error);
    const key = { namespace: run.namespace, workflow: run.workflow, runId: run.runId };
    const parked = await this.store.park(key, this.owner, JSON.stringify(serialized), this.now(), version);
    if (parked) {
      this.#log.error(`run ${key.workflow}/${key.runId} parked as stuck: ${serialized.message}`, runFields(run));
      this.#metrics.runEnded(key.workflow, RunStatus.Stuck);
    } else {
      this.#log.info(
        `run ${key.workflow}/${key.runId} not parked: another worker holds it or moved it on`,
        runFields(run),
      );
    }
    const ending: LocalRunEnding | undefined = parked ? { status: RunStatus.Stuck, error: serialized } : undefined;
    this.#client.local.runEnded(key.namespace, key.workflow, key.runId, ending);
  }

  logError(message: string, error: unknown, run: RunLogRef): void {
    const cause = error === undefined ? {} : { error: serializeError(error).message };
    this.#log.error(message, { ...runFields(run), ...cause });
  }

  /** The run whose step runs now: named when the event loop turns out to have been blocked. */
  stepping(key: RunKey): void {
    this.#lastStepped = key;
  }

  /**
   * Notices a blocked event loop (a timer firing far too late) and names the run whose step
   * ran last: a workflow in a synchronous loop freezes the whole worker, its leases included.
   */
  #watchEventLoop(): void {
    let expected = Date.now() + LAG_CHECK_MS;
    this.#lagWatch = setInterval(() => {
      const lag = Date.now() - expected;
      expected = Date.now() + LAG_CHECK_MS;
      if (lag < LAG_WARN_MS) return;
      const run = this.#lastStepped;
      const suspect = run === undefined ? "" : `; the last step that ran was of run ${run.workflow}/${run.runId}`;
      this.#log.warn(
        `the event loop was blocked for ${lag} ms${suspect}: workflow code must not block (no synchronous loops or I/O)`,
        { blockedMs: lag, ...(run === undefined ? {} : runFields(this.#actors.get(runKeyId(run))?.logRef ?? run)) },
      );
    }, LAG_CHECK_MS);
    this.#lagWatch.unref?.();
  }

  lacksActivity(key: RunKey, activity: string): void {
    // Once per activity: in a rolling deploy every run of the new code passes by here.
    if (this.#lacking.has(activity)) return;
    this.#lacking.add(activity);
    this.#log.warn(
      `run ${key.workflow}/${key.runId} waits for activity ${JSON.stringify(activity)}, which this worker does not have; it is left to a worker that has it`,
      { ...runFields(this.#actors.get(runKeyId(key))?.logRef ?? key), activity },
    );
  }

  logInfo(message: string, run: RunLogRef): void {
    this.#log.info(message, runFields(run));
  }

  logRetry(failure: FailedAttempt): void {
    this.#retryLog.failed(failure);
  }

  /**
   * Runs a claim round now. New work (`byWork`, the default) also restarts adaptive polling
   * from its shortest interval; a slot freed by a released run does not: one claim round
   * looks for waiting runs, and an idle worker keeps its interval instead of polling again
   * at 2, 4, 8... ms after every run it finishes.
   */
  #kick(byWork = true): void {
    this.#kicked = true;
    if (byWork) this.#kickedByWork = true;
    this.#wakeLoop?.();
  }

  /**
   * A run let go of to wait for its next timer or retry is taken up here when that is due: a
   * local timer, then claimRun (one update by key, with the cached executor when it is still
   * current), instead of the claim loop's poll and claim round. The run stays released
   * meanwhile, so a signal or cancel wakes it as before, and should this worker be gone,
   * another claims it at its wake time.
   */
  #armWake(key: RunKey, cached: CachedRun): void {
    const id = runKeyId(key);
    this.#wakes.get(id)?.cancel();
    this.#wakes.delete(id);
    const at = cached.wakeAt;
    const now = this.now();
    if (at === null || at <= now || at - now > LOCAL_WAKE_WITHIN_MS || this.#state !== "running") return;
    // Only the version is kept: the cache may drop the run meanwhile.
    const { version } = cached;
    const early = !this.timers.virtual && at - LOCAL_WAKE_LEAD_MS > now;
    const wake = { at, cancel: () => {} };
    this.#wakes.set(id, wake);
    wake.cancel = this.timers.at(early ? at - LOCAL_WAKE_LEAD_MS : at, () => {
      if (this.#wakes.get(id) === wake) this.#wakes.delete(id);
      this.#wakeUp(key, version, early ? at : undefined);
    });
  }

  /**
   * The local timer of a run let go of fired: lease it by key if it is still as its last step
   * here left it, and take it up. The claim loop is kicked either way: it did not wait for this
   * time (see #idle), and it claims the run itself when this could not.
   */
  #wakeUp(key: RunKey, version: number, holdUntil: number | undefined): void {
    const id = runKeyId(key);
    // With due runs waiting for a slot, this one queues up behind them in the claim loop.
    const full = this.#backlog || this.#actors.size + this.#loading.size >= this.#concurrency;
    if (this.#state !== "running" || full || this.#actors.has(id) || this.#loading.has(id)) {
      this.#kick(false);
      return;
    }
    this.#loading.add(id);
    const options = { owner: this.owner, now: this.now(), leaseMs: this.leaseMs };
    void this.store.claimRun(key, version, options).then(
      (claimed) => {
        this.#loading.delete(id);
        if (claimed) this.#activate(claimed, holdUntil);
        this.#kick(false);
      },
      () => {
        this.#loading.delete(id);
        this.#kick(false);
      },
    );
  }

  /** True when a local timer of this worker takes up a run due at `at` (see #armWake). */
  #wakesAt(at: number): boolean {
    for (const wake of this.#wakes.values()) if (wake.at === at) return true;
    return false;
  }

  /** A run started or signalled in this process: take it up now, without a claim transaction. */
  #takeLocal(run: LocalRunRef): boolean {
    const key = { namespace: this.#options.namespace, workflow: run.workflow, runId: run.runId };
    const id = runKeyId(key);
    const shards = this.#options.shards;
    if (this.#state !== "running") return false;
    if (this.#options.workflows[run.workflow] === undefined) return false;
    if (this.#actors.has(id) || this.#loading.has(id)) return true;
    if (this.#actors.size + this.#loading.size >= this.#concurrency) return false;
    const filter = { shards, version: this.#options.version, can: this.#can };
    const known = { workflow: run.workflow, runId: run.runId, codeVersion: run.fresh?.codeVersion };
    if (!workerTakes(filter, known)) return false;
    // A queued run is claimed through its queue's limits; a delayed one waits for its time.
    if (run.fresh?.queue !== undefined || (run.fresh?.startAt ?? 0) > this.now()) return false;
    if (run.fresh) {
      // Just created in this process: everything the first step needs is known.
      this.#activate(freshClaim(key, run.fresh));
      return true;
    }
    this.#loading.add(id);
    void this.store.readRun(key, this.owner, this.now()).then(
      (claimed) => {
        this.#loading.delete(id);
        const mine = claimed !== undefined && claimed.queue === undefined && workerTakes(filter, claimed);
        if (mine && !this.#actors.has(id) && !this.#loading.has(id)) this.#activate(claimed);
        else this.#kick();
      },
      () => {
        this.#loading.delete(id);
        this.#kick();
      },
    );
    return true;
  }

  async #claimLoop(): Promise<void> {
    let idleMs = MIN_POLL_MS;
    let configured = false;
    while (this.#state === "running") {
      // A kick (local producer) restarts adaptive polling from its shortest interval.
      if (this.#kickedByWork) idleMs = MIN_POLL_MS;
      this.#kicked = false;
      this.#kickedByWork = false;
      const free = this.#concurrency - this.#actors.size - this.#loading.size;
      let claimed = 0;
      try {
        if (!configured) configured = await this.#configure();
        await this.#fireSchedules();
        if (free > 0) claimed = await this.#claimRound(free);
        this.#backlog = claimed === free;
        this.#recovered();
      } catch (error) {
        await this.#backOff(error);
        continue;
      }
      if (claimed > 0 && claimed === free) {
        idleMs = MIN_POLL_MS;
        continue;
      }
      if (claimed > 0) idleMs = MIN_POLL_MS;
      else idleMs = Math.min(idleMs * 2, this.#options.maxPollIntervalMs ?? DEFAULTS.maxPollIntervalMs);
      await this.#idle(idleMs);
    }
  }

  /**
   * Starts the runs of due schedule ticks. Looked at when the earliest known tick is due, and
   * at least once per poll interval (a schedule created by another process), never faster.
   */
  async #fireSchedules(): Promise<void> {
    const now = this.now();
    if (now < this.#scheduleCheckAt) return;
    const fired = await this.store.fireSchedules(this.#options.namespace, now, (due) => planTicks(due, now));
    for (const run of fired.started) this.#metrics.runStarted(run.workflow);
    // Named wake-ups would have every worker of this process read the run; a kick claims it once.
    if (fired.started.length > 0) this.#kick();
    const poll = this.#options.maxPollIntervalMs ?? DEFAULTS.maxPollIntervalMs;
    this.#scheduleCheckAt = Math.min(fired.nextTick ?? Number.POSITIVE_INFINITY, now + poll);
  }

  /**
   * Stores the limits of the queues this worker serves, so every claim of them applies the same,
   * and applies its schedules. Retried with the claim loop's back-off until it succeeds.
   */
  async #configure(): Promise<true> {
    for (const [queue, options] of Object.entries(this.#options.queues ?? {})) {
      await this.store.configureQueue(this.#options.namespace, queue, queueLimits(options), this.now());
    }
    await applySchedules(this.#client, this.#options.namespace, this.#options.schedules ?? []);
    return true;
  }

  /**
   * Claims up to `free` runs: the default queue first, then the served queues, starting each
   * round at the next queue so that none always comes last. Returns how many it claimed.
   */
  async #claimRound(free: number): Promise<number> {
    const queues = this.#queueNames;
    const start = queues.length === 0 ? 0 : this.#queueTurn++ % queues.length;
    const order = [undefined, ...queues.slice(start), ...queues.slice(0, start)];
    let claimed = 0;
    for (const queue of order) {
      if (claimed >= free || this.#state !== "running") break;
      const heldBack = queue === undefined ? undefined : () => this.#metrics.queueLimitWait(queue);
      const runs = await this.store.claim({ ...this.#claimOptions(free - claimed), queue, heldBack });
      for (const run of runs) this.#activate(run);
      claimed += runs.length;
    }
    return claimed;
  }

  #claimOptions(limit: number) {
    return {
      namespace: this.#options.namespace,
      owner: this.owner,
      now: this.now(),
      leaseMs: this.leaseMs,
      limit,
      shards: this.#options.shards,
      version: this.#options.version,
      can: this.#can,
    };
  }

  /** Waits for a kick, the next known timer, or the poll interval, whichever is first. */
  async #idle(pollMs: number): Promise<void> {
    if (this.#kicked || this.#state !== "running") return;
    let waitMs = pollMs;
    if (this.#actors.size < this.#concurrency) {
      const next = await this.store
        .nextWake(this.#options.namespace, this.now(), this.#queueNames, this.#can)
        .catch(() => undefined);
      if (next !== undefined) {
        // Never 0: a due run that a claim skipped (locked by a writer) is retried, not spun on.
        const untilNext = Math.max(MIN_POLL_MS, next - this.now());
        // A wake time a local timer of this worker takes care of is not polled at: the timer
        // kicks the loop once it has taken its run up (see #wakeUp), and a claim round just
        // after it would race it for the run.
        if (!this.#wakesAt(next)) waitMs = Math.min(waitMs, untilNext);
        else if (waitMs >= untilNext) waitMs += untilNext;
      }
    }
    if (this.#kicked) return;
    await this.#pause(waitMs);
  }

  /** Sleeps up to `ms`; a kick (new local work, or stop()) ends it early. */
  async #pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeLoop = done;
    });
    this.#wakeLoop = undefined;
  }

  async #backOff(error: unknown): Promise<void> {
    this.#failures++;
    const delay = Math.min(100 * 2 ** (this.#failures - 1), 10_000);
    this.#log.warn(`cannot claim work (${serializeError(error).message}); retrying in ${delay} ms`, {
      attempt: this.#failures,
    });
    // Interruptible, so stop() does not wait out a long back-off; a local kick retries at once.
    await this.#pause(delay);
  }

  #recovered(): void {
    if (this.#failures > 0) this.#log.info("database reachable again", { afterFailures: this.#failures });
    this.#failures = 0;
  }

  /** Takes up a claimed run; `holdUntil`: taken up early, it waits here until then (see #armWake). */
  #activate(run: ClaimedRun, holdUntil?: number): void {
    const key = runKeyId(run);
    const wake = this.#wakes.get(key);
    if (wake) {
      // Taken up before its local timer (a signal, a claim): the timer is moot, and the claim
      // loop, which did not poll at its time (see #idle), looks for the next wake again.
      wake.cancel();
      this.#wakes.delete(key);
      this.#kick(false);
    }
    // Already taken up in-process: the lease this claim wrote is ours, and that actor's commit settles it.
    if (this.#actors.has(key) || this.#loading.has(key)) return;
    if ((run.stalls ?? 0) >= MAX_STALLS) {
      void this.park(run, new RunStalledError(run.runId, run.stalls ?? 0)).catch((error: unknown) =>
        this.logError("could not park run", error, run),
      );
      return;
    }
    this.#claims++;
    this.#observeClaim(run);
    this.#loading.add(key);
    void this.#prepare(run, holdUntil).then(
      (actor) => {
        this.#loading.delete(key);
        this.#actors.set(key, actor);
        actor.pump();
      },
      async (error: unknown) => {
        this.#loading.delete(key);
        this.#cache.delete(key);
        if (error instanceof CorruptPayloadError || error instanceof UnknownWorkflowError) {
          await this.park(run, error).catch((e: unknown) => this.logError("could not park run", e, run));
        } else {
          this.logError("could not load run; released for a retry", error, run);
          await this.release(run, this.now() + 1000);
        }
        this.#kick();
      },
    );
  }

  /** A run taken up: how long it waited to be, and whether its lease was taken over. */
  #observeClaim(run: ClaimedRun): void {
    if (run.takeover) this.#metrics.leaseTakenOver();
    if (run.dueAt !== undefined) this.#metrics.scheduleToStart(run.workflow, Math.max(0, this.now() - run.dueAt));
  }

  /**
   * Builds the actor from the cache when its version is current (its workflow span resumes),
   * else by replaying history under a new workflow span.
   */
  async #prepare(run: ClaimedRun, holdUntil: number | undefined): Promise<RunActor> {
    const key = runKeyId(run);
    const cached = this.#cache.take(key);
    if (cached && cached.version === run.version && cached.iteration === run.iteration) {
      this.#cacheHits++;
      this.#metrics.cacheHit();
      cached.span.resumed();
      await this.#markTakeover(run);
      return new RunActor(this, run, cached.executor, cached.nextPos, cached.tasks, cached.span, holdUntil);
    }
    // Another worker advanced the run since it was cached here: that take-up is over.
    cached?.span.release();
    if (!run.fresh) this.#metrics.cacheMiss();
    const span = this.tracing.workflow(run);
    try {
      return await this.#replayed(run, span, holdUntil);
    } catch (error) {
      span.release();
      throw error;
    }
  }

  /**
   * Taken over from a worker that let its lease run out: mark the run just before its code runs
   * here, so that, should the code freeze or crash this worker too, the next takeover counts it.
   * Not earlier: a worker killed while it loads the history was not stopped by the run's code.
   */
  async #markTakeover(run: ClaimedRun): Promise<void> {
    if (run.takeover) await this.store.markStall(run, this.owner).catch(() => {});
  }

  async #replayed(run: ClaimedRun, span: WorkflowSpan, holdUntil: number | undefined): Promise<RunActor> {
    const [executor, taskRows] = await Promise.all([
      this.replay(run, run.iteration, run.fresh && freshHistory(run, run.fresh), () => this.#markTakeover(run)),
      run.fresh ? [] : this.store.loadTasks(run, run.iteration),
    ]);
    const tasks = new Map<string, TaskState>();
    for (const row of taskRows) {
      const { target, seq, attempt, readyAt, heartbeat } = row;
      const state = { target, seq, attempt, readyAt, controller: undefined, persisted: true, lastHeartbeat: heartbeat };
      tasks.set(taskKey(target, seq), state);
    }
    // Requested and never answered, with no retry row: due now (a first attempt, or one lost with a worker).
    for (const command of executor.pending("activity")) {
      const key = taskKey(command.target, command.seq);
      if (!tasks.has(key)) tasks.set(key, newTask(command.target, command.seq, 0));
    }
    return new RunActor(this, run, executor, run.nextPos, tasks, span, holdUntil);
  }

  /** A fresh executor that has replayed the stored history of the iteration. */
  async replay(
    run: ReplayTarget,
    iteration: number,
    known?: RecordedEvent[],
    beforeCode?: () => Promise<void>,
  ): Promise<RunExecutor> {
    const fn = this.#options.workflows[run.workflow];
    if (!fn) throw new UnknownWorkflowError(run.namespace, run.workflow);
    this.stepping(run);
    const history = known ?? (await this.store.loadHistory(run, iteration));
    await beforeCode?.();
    const created = history[0];
    if (created?.type !== EventType.Created) {
      const why = new Error("history has no created event at position 0");
      throw new CorruptPayloadError(`run ${run.runId} iteration ${iteration}`, why);
    }
    const executor = new RunExecutor(
      {
        namespace: run.namespace,
        workflow: run.workflow,
        runId: run.runId,
        iteration,
        seed: run.seed,
        scheduledAt: run.scheduledAt,
      },
      created.at,
      { maxPayloadBytes: this.maxPayloadBytes },
    );
    this.#invocations++;
    await executor.start(fn, created.payload, history);
    return executor;
  }

  /** Renews leases of held runs and pokes those that something woke from outside. */
  async #beat(): Promise<void> {
    if (this.#actors.size === 0) return;
    try {
      await this.store.renewLeases(this.#heldKeys(), this.owner, this.now() + this.leaseMs);
      await this.#checkHeld();
    } catch (error) {
      this.#log.warn(`could not renew leases: ${serializeError(error).message}`);
    }
  }

  async #checkOne(actor: RunActor): Promise<void> {
    const run = await this.store.readRun(actor.key, this.owner, this.now()).catch(() => undefined);
    if (run) actor.poke(run.wakeGen, run.cancelRequested);
  }

  /** The runs this worker works on now: the only leases it needs to renew and watch. */
  #heldKeys(): RunKey[] {
    return [...this.#actors.values()].map((actor) => actor.key);
  }

  /** Signals and cancels that reach a run while it is held here (activities running) are picked up now. */
  async #checkHeld(): Promise<void> {
    const held = await this.store.heldRuns(this.#heldKeys(), this.owner).catch(() => []);
    for (const run of held) this.#actors.get(runKeyId(run.key))?.poke(run.wakeGen, run.cancelRequested);
  }
}

/** The whole history of a run that has only its created event. */
function freshHistory(run: RunKey, fresh: FreshRun): RecordedEvent[] {
  const payload = decodePayload(fresh.inputText, `input of run ${run.runId}`);
  const created = { type: EventType.Created, iteration: 0, pos: 0, target: "", seq: 0, payload, at: fresh.createdAt };
  return [{ ...created, payloadText: fresh.inputText }];
}

const DAY_MS = 86_400_000;
/** Numeric worker options and their ranges (a lease under 50 ms could not be renewed in time). */
const NUMERIC_OPTIONS = [
  ["concurrency", 1, 100_000],
  ["leaseMs", 50, DAY_MS],
  ["maxPollIntervalMs", 1, DAY_MS],
  ["stopTimeoutMs", 0, DAY_MS],
  ["cacheSize", 0, 10_000_000],
] as const satisfies readonly (readonly [keyof WorkerOptions, number, number])[];

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function validateOptions(options: WorkerOptions): void {
  const problems: string[] = [];
  if (!options.client) problems.push("client is required (createClient(...))");
  if (!options.namespace) problems.push("namespace is required");
  if (Object.keys(options.workflows ?? {}).length === 0) problems.push("workflows must name at least one workflow");
  for (const [field, min, max] of NUMERIC_OPTIONS) {
    const value: unknown = options[field];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
      problems.push(`${field} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
    }
  }
  const shards = options.shards;
  if (
    shards &&
    !(
      Number.isInteger(shards.count) &&
      shards.count > 0 &&
      Number.isInteger(shards.index) &&
      shards.index >= 0 &&
      shards.index < shards.count
    )
  ) {
    problems.push(`shards must be { count > 0, 0 <= index < count }, got ${JSON.stringify(shards)}`);
  }
  problems.push(...metricsProblems(options.metrics));
  problems.push(...queueProblems(options.queues ?? {}));
  const maxPayloadBytes = options.client?.maxPayloadBytes ?? Number.POSITIVE_INFINITY;
  problems.push(...scheduleProblems(options.namespace, options.schedules ?? [], maxPayloadBytes));
  if (problems.length > 0)
    throw new ReplayError("INVALID_WORKER_OPTIONS", `invalid worker options: ${problems.join("; ")}`);
}

function metricsProblems(metrics: WorkerOptions["metrics"]): string[] {
  if (metrics === undefined) return [];
  const problems: string[] = [];
  const port: unknown = metrics.port;
  if (port !== undefined && !(Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65_535)) {
    problems.push(`metrics.port must be an integer from 0 to 65535 (0: any free port), got ${describeValue(port)}`);
  }
  if (port !== undefined && metrics.meterProvider !== undefined) {
    problems.push("give metrics.port or metrics.meterProvider, not both: the port serves a meter provider of its own");
  }
  return problems;
}

function queueProblems(queues: Readonly<Record<string, QueueOptions>>): string[] {
  const problems: string[] = [];
  const positive = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
  for (const [name, queue] of Object.entries(queues)) {
    try {
      validateName("queue", name);
    } catch (error) {
      problems.push((error as Error).message);
    }
    for (const field of ["concurrency", "keyConcurrency"] as const) {
      if (queue[field] !== undefined && !positive(queue[field])) {
        problems.push(`queues.${name}.${field} must be a positive integer, got ${String(queue[field])}`);
      }
    }
    const rate = queue.rateLimit;
    if (rate !== undefined) {
      if (!positive(rate.limit))
        problems.push(`queues.${name}.rateLimit.limit must be a positive integer, got ${String(rate.limit)}`);
      try {
        if (toMillis(rate.period) <= 0) throw new Error("it is 0");
      } catch {
        problems.push(
          `queues.${name}.rateLimit.period must be a positive duration such as "1s" or "1m", got ${JSON.stringify(rate.period)}`,
        );
      }
    }
  }
  return problems;
}

function queueLimits(options: QueueOptions): QueueLimits {
  const { concurrency, keyConcurrency, rateLimit } = options;
  return {
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(keyConcurrency === undefined ? {} : { keyConcurrency }),
    ...(rateLimit === undefined ? {} : { rateLimit: { limit: rateLimit.limit, periodMs: toMillis(rateLimit.period) } }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
