import { CorruptPayloadError, RunStalledError, UnknownWorkflowError } from "../errors.js";
import { EventType, type RecordedEvent, type RunKey, runKeyId } from "../history/index.js";
import { decodePayload } from "../json.js";
import { RunExecutor } from "../replay/executor.js";
import { MAX_STALLS } from "../store/rules/stalls.js";
import type { ClaimedRun, FreshRun, TaskRow } from "../store/types.js";
import type { Tracing, WorkflowSpan } from "../telemetry/tracing.js";
import { newTokenId } from "../tokens/id.js";
import type { ActorHost, CachedRun, ReplayTarget } from "./actor-host.js";
import type { LruCache } from "./cache.js";
import type { HeldRuns } from "./held-runs.js";
import { activityKey, newPendingActivity, type PendingActivity } from "./pending-activities.js";
import { RunActor } from "./run-actor.js";
import { isUnreadablePayload } from "./unreadable.js";
import type { ResolvedWorkerOptions } from "./worker-options.js";

/** What the loader needs of its worker. */
export interface RunLoaderHost {
  readonly held: HeldRuns;
  /** Suspended runs by runKeyId, with their executors (see CachedRun). */
  readonly cache: LruCache<CachedRun>;
  readonly tracing: Tracing;
  /** What every actor this loader builds is handed; the loader parks, releases and logs through it too. */
  readonly actors: ActorHost;
  /** A run was taken up: its local wake, if one is armed, is moot (see LocalWakes.taken). */
  taken(id: string): void;
  /** The run could not be taken up: updates offered for it in this process go back to their callers. */
  dropLocalUpdates(key: RunKey): void;
  kick(byWork?: boolean): void;
}

/**
 * Takes up claimed runs: from the cache when its executor is current, else by loading the
 * iteration's history and its pending activities and replaying the workflow code over it.
 * Counts what it does, for WorkerStats.
 */
export class RunLoader {
  readonly #options: ResolvedWorkerOptions;
  readonly #host: RunLoaderHost;
  #invocations = 0;
  #claims = 0;
  #cacheHits = 0;

  constructor(options: ResolvedWorkerOptions, host: RunLoaderHost) {
    this.#options = options;
    this.#host = host;
  }

  get stats(): { readonly workflowInvocations: number; readonly claims: number; readonly cacheHits: number } {
    return { workflowInvocations: this.#invocations, claims: this.#claims, cacheHits: this.#cacheHits };
  }

  /** Takes up a claimed run; `holdUntil`: taken up early, it waits here until then (see LocalWakes.arm). */
  activate(run: ClaimedRun, holdUntil?: number, unread = false): void {
    const key = runKeyId(run);
    const { held, actors } = this.#host;
    this.#host.taken(key);
    // Already taken up in-process: the lease this claim wrote is ours, and that actor's commit
    // settles it; a local wake still loading it leases it by key over this lease (leasableByKey).
    if (held.has(key)) return;
    // Read before this worker's own later steps of the run, whose commits settled the lease since.
    if (held.isStale(run)) return;
    if ((run.stalls ?? 0) >= MAX_STALLS) {
      void actors
        .park(run, new RunStalledError(run.runId, run.stalls ?? 0))
        .catch((error: unknown) => actors.logError("could not park run", error, run));
      return;
    }
    this.#claims++;
    this.#observeClaim(run);
    held.startLoading(key);
    void this.#load(run, holdUntil, unread).then(
      (actor) => {
        held.stopLoading(key);
        held.hold(key, actor);
        actor.pump();
      },
      (error: unknown) => this.#notLoaded(run, error),
    );
  }

  /**
   * Takes up a run cached here at once, from the claim its last step here left (no read): its
   * first commit is fenced by that version, and refused when another worker moved the run on or
   * the run was paused (StepWrite.refusePaused).
   */
  activateCached(cached: CachedRun): void {
    this.activate(cached.claim, undefined, true);
  }

  /** A run that could not be loaded: parked when it never will be, else released for a retry. */
  async #notLoaded(run: ClaimedRun, error: unknown): Promise<void> {
    const key = runKeyId(run);
    const { held, cache, actors } = this.#host;
    held.stopLoading(key);
    cache.delete(key);
    this.#host.dropLocalUpdates(run);
    if (isUnreadablePayload(error) || error instanceof UnknownWorkflowError) {
      await actors.park(run, error).catch((e: unknown) => actors.logError("could not park run", e, run));
    } else {
      actors.logError("could not load run; released for a retry", error, run);
      await actors.release(run, actors.now() + 1000);
    }
    this.#host.kick();
  }

  /** A run taken up: how long it waited to be, and whether its lease was taken over. */
  #observeClaim(run: ClaimedRun): void {
    const metrics = this.#host.actors.metrics;
    if (run.takeover) metrics.leaseTakenOver();
    if (run.dueAt !== undefined)
      metrics.scheduleToStart(run.workflow, Math.max(0, this.#host.actors.now() - run.dueAt));
  }

  /**
   * Builds the actor from the cache when its version is current (its workflow span resumes),
   * else by replaying history under a new workflow span.
   */
  async #load(run: ClaimedRun, holdUntil: number | undefined, unread: boolean): Promise<RunActor> {
    const { cache, actors, tracing } = this.#host;
    const cached = cache.take(runKeyId(run));
    if (cached && cached.version === run.version && cached.iteration === run.iteration) {
      this.#cacheHits++;
      actors.metrics.cacheHit();
      cached.span.resumed();
      await this.#markTakeover(run);
      return new RunActor(actors, run, { ...cached, unread }, holdUntil);
    }
    // Another worker advanced the run since it was cached here: that take-up is over.
    cached?.span.release();
    if (!run.fresh) actors.metrics.cacheMiss();
    const span = tracing.workflow(run);
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
    if (run.takeover) await this.#options.client.store.markStall(run, this.#options.identity).catch(() => {});
  }

  async #replayed(run: ClaimedRun, span: WorkflowSpan, holdUntil: number | undefined): Promise<RunActor> {
    const [executor, taskRows] = await Promise.all([
      this.replay(run, run.iteration, run.fresh && freshHistory(run, run.fresh), () => this.#markTakeover(run)),
      run.fresh ? [] : this.#options.client.store.loadTasks(run, run.iteration),
    ]);
    const pending = pendingActivities(executor, taskRows);
    return new RunActor(this.#host.actors, run, { executor, nextPos: run.nextPos, pending, span }, holdUntil);
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
    this.#host.actors.stepping(run);
    const history = known ?? (await this.#options.client.store.loadHistory(run, iteration));
    await beforeCode?.();
    const created = history[0];
    if (created?.type !== EventType.Created) {
      const why = new Error("history has no created event at position 0");
      throw new CorruptPayloadError(`run ${run.runId} iteration ${iteration}`, why);
    }
    const { namespace, workflow, runId, seed, seedIteration, scheduledAt } = run;
    const identity = { namespace, workflow, runId, iteration, seed, seedIteration, scheduledAt };
    const executor = new RunExecutor(identity, created.at, {
      maxPayloadBytes: this.#options.client.maxPayloadBytes,
      newTokenId,
    });
    this.#invocations++;
    await executor.start(fn, created.payload, history);
    return executor;
  }
}

/**
 * The pending activities of a replayed run: those with a row in the tasks table (a retry that
 * waits, or a heartbeat), and those requested and never answered, with no row: due now (a first
 * attempt, or one lost with a worker).
 */
function pendingActivities(executor: RunExecutor, taskRows: readonly TaskRow[]): Map<string, PendingActivity> {
  const pending = new Map<string, PendingActivity>();
  for (const row of taskRows) {
    const { target, seq, attempt, readyAt, heartbeat } = row;
    const activity = {
      target,
      seq,
      attempt,
      readyAt,
      controller: undefined,
      persisted: true,
      lastHeartbeat: heartbeat,
    };
    pending.set(activityKey(target, seq), activity);
  }
  for (const command of executor.pending("activity")) {
    const key = activityKey(command.target, command.seq);
    if (!pending.has(key)) pending.set(key, newPendingActivity(command.target, command.seq, 0));
  }
  return pending;
}

/** The whole history of a run that has only its created event. */
function freshHistory(run: RunKey, fresh: FreshRun): RecordedEvent[] {
  const payload = decodePayload(fresh.inputText, `input of run ${run.runId}`);
  const created = { type: EventType.Created, iteration: 0, pos: 0, target: "", seq: 0, payload, at: fresh.createdAt };
  return [{ ...created, payloadText: fresh.inputText }];
}
