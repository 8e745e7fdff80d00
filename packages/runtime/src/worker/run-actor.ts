import type { LocalRunEnding } from "../api.js";
import { CancelledError } from "../errors.js";
import { type NewEvent, type RunKey, RunStatus } from "../history/index.js";
import type { RunExecutor } from "../replay/executor.js";
import type { QueryAnswer } from "../replay/handlers.js";
import { PAUSED_REFUSAL } from "../store/rules/fence.js";
import { refusedIfPaused, takesArrivals } from "../store/rules/pause.js";
import type { ClaimedRun, HeldRun, InboxSignal } from "../store/types.js";
import type { RunLogRef } from "../telemetry/logging.js";
import type { WorkflowSpan } from "../telemetry/tracing.js";
import { type AttemptResult, runAttempt } from "./activity-runner.js";
import { ActivitySlots } from "./activity-slots.js";
import { type ActorHost, type CachedRun, claimOfCached, type LoadedRun } from "./actor-host.js";
import { attemptOf } from "./attempts.js";
import { deliverStep } from "./deliveries.js";
import { type ActorWrite, endingWrite } from "./ending-write.js";
import { RunInbox } from "./inbox.js";
import { recordOutbox } from "./outbox.js";
import { encodeOutcome, endingOf } from "./outcome.js";
import type { PendingActivity } from "./pending-activities.js";
import { answerQuery, RunRequests } from "./run-requests.js";
import { changesBesidesEvents, newStepChanges, type StepChanges } from "./step-changes.js";
import type { StepDecision } from "./step-decision.js";
import { isUnreadablePayload } from "./unreadable.js";

/** After an unexpected error (e.g. the database went away mid-step), try the run again this much later. */
const RETRY_AFTER_ERROR_MS = 1000;

/**
 * Drives one leased run: feeds the executor what the store and local activities say,
 * writes each step with one fenced commit, runs due activities, and lets go of the run when
 * nothing runs here any more. What a step leads to is decided by decideStep.
 */
export class RunActor {
  readonly key: RunKey;
  /**
   * The claim the run was taken up with: its iteration, code version, deadline, queue, and what a
   * replay needs; what a cached run is taken up again from (see #snapshot).
   */
  readonly #claim: ClaimedRun;
  readonly #host: ActorHost;
  #executor: RunExecutor;
  #steps = 0;
  readonly #pending: Map<string, PendingActivity>;
  #version: number;
  #nextPos: number;
  readonly #inbox: RunInbox;
  readonly #slots: ActivitySlots;
  readonly #requests: RunRequests;
  #cancelRequested: boolean;
  /** Paused (pauseRun): the step in progress is committed, nothing new starts or is delivered, the run is let go of. */
  #paused = false;
  /**
   * Taken up without a read (LoadedRun.unread): its commits are refused while the run is paused
   * (StepWrite.refusePaused) until one goes through. A poke does not clear it: the step in
   * progress may have taken requests before the poke told of the pause.
   */
  #unread: boolean;
  /** A commit of this actor is on its way: the version it reads under may be its own. */
  #committing = false;
  /** Taken over, or claimed with a stall count: cleared once a step gets through (see MAX_STALLS). */
  #stalled: boolean;
  readonly #completions: AttemptResult[] = [];
  #pumping = false;
  #again = false;
  #done = false;
  /** Let go of with its state cached: the executor is as its last commit left it. */
  #kept = false;
  /** Queries of in-process callers waiting for the step in progress (see query). */
  #queries: (() => void)[] = [];
  #cancelTimer: (() => void) | undefined;
  readonly #span: WorkflowSpan;
  /** When the current step started (performance.now()), for the step duration. */
  #stepStarted = 0;
  /** When each signal the current step consumes was stored, for the signal-to-resume delay. */
  readonly #signalArrivals: number[] = [];
  /**
   * Taken up a moment before its next timer or retry is due (the worker's local wake-up, lease
   * already held): until then the run waits here instead of being let go of again.
   */
  #holdUntil: number | undefined;

  constructor(host: ActorHost, claim: ClaimedRun, loaded: LoadedRun, holdUntil?: number) {
    this.key = { namespace: claim.namespace, workflow: claim.workflow, runId: claim.runId };
    this.#claim = claim;
    this.#host = host;
    this.#executor = loaded.executor;
    this.#pending = loaded.pending;
    this.#version = claim.version;
    this.#nextPos = loaded.nextPos;
    this.#inbox = new RunInbox(this.key, host, claim.wakeGen, claim.signals);
    this.#slots = new ActivitySlots(this.key, claim.iteration, host);
    this.#requests = new RunRequests(this.key, host, claim.requestGen ?? 0, loaded.requestsReadGen);
    this.#cancelRequested = claim.cancelRequested;
    this.#stalled = claim.takeover === true || (claim.stalls ?? 0) > 0;
    this.#span = loaded.span;
    this.#holdUntil = holdUntil;
    this.#unread = loaded.unread === true;
  }

  /** The run's queue: a queued run is claimed through the queue's limits only. */
  get queue(): string | undefined {
    return this.#claim.queue;
  }

  /** The run as log lines name it, with its trace id. */
  get logRef(): RunLogRef {
    return { ...this.key, traceId: this.#span.traceId };
  }

  /** The run's version as this actor last saw it: claimed at, or written by its last commit. */
  get version(): number {
    return this.#version;
  }

  /** Paused, or maybe paused (taken up without a read): it takes no update and answers no query. */
  get paused(): boolean {
    return this.#paused || this.#unread;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Activities of this run executing right now. */
  get running(): number {
    let count = 0;
    for (const activity of this.#pending.values()) if (activity.controller) count++;
    return count;
  }

  /** An attempt of the run holds a queue slot: renewed with the run's lease. */
  get holdsSlots(): boolean {
    return this.#slots.holds(this.#pending.values());
  }

  /**
   * Something outside changed: a signal or cancel (wake_gen), a request (request_gen), a pause,
   * or an operator took the run (terminated: not running; reset: a version past this actor's).
   * Stale reads, and reads while a commit is on its way (whose result tells the same), are not
   * looked at.
   */
  poke(run: Omit<HeldRun, "key">, signals?: readonly InboxSignal[]): void {
    if (this.#done || this.#committing || run.version < this.#version) return;
    if (run.status !== RunStatus.Running || run.version > this.#version) {
      this.#lose(run.status);
      return;
    }
    const { wakeGen, cancelRequested, paused } = run;
    const requests = this.#requests.moveTo(run.requestGen);
    const same = wakeGen === this.#inbox.wakeGen && cancelRequested === this.#cancelRequested;
    if (same && paused === this.#paused && !requests) return;
    // The inbox is read after this (or served from `signals`, read with this wake_gen), so it sees everything up to it.
    if (wakeGen !== this.#inbox.wakeGen) this.#inbox.moveTo(wakeGen, signals);
    this.#cancelRequested = cancelRequested;
    this.#paused = paused;
    this.pump();
  }

  /** The run was taken from this worker: its attempts are aborted and it lets go, writing nothing. */
  #lose(status: string): void {
    this.abortAll(new CancelledError(this.key.runId));
    if (status === RunStatus.Terminated) this.#span.end("terminated");
    const what = status === RunStatus.Running ? "reset" : status;
    this.#host.logInfo(`run ${this.key.workflow}/${this.key.runId} was ${what} by an operator; let go`, this.logRef);
    this.#finish(undefined);
  }

  /**
   * Answers a query of an in-process caller (see LocalRequests) from the run's state as written:
   * at once between steps, else once the step in progress is (undefined when it was not, or the
   * run was let go of without its state, or is paused: the caller then stores the query, which a
   * paused run answers once it is unpaused).
   */
  query(name: string, inputText: string, answer: (answer: QueryAnswer | undefined) => void): void {
    const now = () =>
      answer((this.#done && !this.#kept) || this.paused ? undefined : answerQuery(this.#executor, name, inputText));
    if (this.#pumping) this.#queries.push(now);
    else now();
  }

  /** Aborts every activity in flight (shutdown, lost lease, run ended). */
  abortAll(reason: unknown): void {
    for (const activity of this.#pending.values()) activity.controller?.abort(reason);
  }

  /** Shutdown: abort what runs and let go without writing anything more. */
  stopNow(reason: unknown): void {
    this.abortAll(reason);
    this.#finish(undefined);
  }

  /** Runs steps until there is nothing left to do now. Never throws. */
  pump(): void {
    if (this.#done) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    void this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      do {
        this.#again = false;
        await this.#step();
        if (this.#stalled) {
          // Taken over from a holder that let its lease run out: this worker got through a
          // step, so the run's code is not what blocks workers.
          this.#stalled = false;
          this.#host.clearStalls(this.key);
        }
      } while (this.#again && !this.#done);
    } catch (error) {
      if (isUnreadablePayload(error)) {
        await this.#park(error);
        return;
      }
      this.#host.logError("run step failed; the run is released and retried in a second", error, this.logRef);
      this.abortAll(error);
      this.#finish(undefined);
      await this.#host.release(this.key, this.#host.now() + RETRY_AFTER_ERROR_MS);
    } finally {
      // Synchronously after the last check of #again: a pump() from now on starts a new loop.
      this.#pumping = false;
      const waiting = this.#queries;
      this.#queries = [];
      for (const answer of waiting) answer();
    }
  }

  /** One step: deliver what happened, record what the workflow asked for, then end, or do what decideStep says. */
  async #step(): Promise<void> {
    const now = await this.#beginStep();
    const executor = this.#executor;
    // The wake_gen this step reads the inbox under (see StepChanges.observedWakeGen).
    const step = newStepChanges(this.#inbox.wakeGen);
    const tookArrivals = await this.#deliver(step, now);
    // Taken from this worker meanwhile (see poke): nothing of the step is written.
    if (this.#done) return;
    if (executor.fault) return this.#park(executor.fault);
    const outbox = executor.takeOutbox();
    this.#requests.recordCompletions(outbox, step);
    recordOutbox(outbox, {
      key: this.key,
      codeVersion: this.#claim.codeVersion,
      pending: this.#pending,
      step,
      now,
      childTraceContext: () => this.#span.childContext(),
    });
    if (executor.outcome) return this.#commitEnd(step, outbox, now, tookArrivals);
    step.slotDeletes.push(...this.#slots.dropped(this.#pending.values(), executor, false));
    const decision = await this.#decideWithSlots(outbox, step, now);
    if (decision.write) {
      const { wantedActivity } = decision.write;
      if (wantedActivity !== undefined) this.#host.lacksActivity(this.key, wantedActivity);
      const ok = await this.#commit({ ...step, events: outbox, ...decision.write }, now, tookArrivals);
      if (!ok) return;
    }
    if (!decision.hold) return this.#finish(this.#snapshot(this.#paused ? null : decision.write.wakeAt));
    if (this.#paused) return this.#startNothing(decision.start);
    this.#startAttempts(decision.start);
    this.#stepAgainAt(decision.stepAgainAt);
  }

  /**
   * Paused: the attempts the step would start give their slots back, and the run steps again to
   * let go; with attempts in flight and none to give back, their completions step it (not a loop).
   */
  async #startNothing(starting: readonly PendingActivity[]): Promise<void> {
    for (const activity of starting) await this.#slots.release(activity);
    if (starting.length > 0 || this.running === 0) this.#again = true;
  }

  /** Starts a step: its timing, the executor (rebuilt when the cache is off), the end of a wait here. Returns its time. */
  async #beginStep(): Promise<number> {
    this.#stepStarted = performance.now();
    this.#signalArrivals.length = 0;
    this.#host.stepping(this.key);
    if (this.#steps++ > 0 && this.#host.replayEveryStep) {
      this.#executor = await this.#host.replay(this.#claim, this.#claim.iteration);
    }
    const host = this.#host;
    const now = host.now();
    // Closes over the host, not this actor: a cached executor keeps its clock, and must not keep
    // the actor that let go of the run (its inbox, requests, slots and claim) alive with it.
    this.#executor.setClock(() => host.now());
    if (this.#holdUntil !== undefined && now >= this.#holdUntil) {
      // The wait here is over: a signal stored meanwhile by another process moved wake_gen
      // unseen, so the inbox is read again before a timeout can win over it.
      this.#holdUntil = undefined;
      this.#inbox.recheck();
    }
    return now;
  }

  /** Delivers to the workflow what happened (see deliverStep); a paused run gets its attempts' results only. True when it took arrivals. */
  #deliver(step: StepChanges, now: number): Promise<boolean> {
    return deliverStep({
      key: this.key,
      executor: this.#executor,
      pending: this.#pending,
      step,
      now,
      registered: this.#host.activities,
      host: this.#host,
      cancelRequested: this.#cancelRequested,
      deadline: this.#claim.deadline,
      completions: this.#completions,
      inbox: this.#inbox,
      requests: this.#requests,
      takesArrivals: takesArrivals(this.#paused),
      signalArrivals: this.#signalArrivals,
    });
  }

  /** What becomes of a run that goes on: decideStep, with the queue slots its attempts need (see ActivitySlots.decide). */
  #decideWithSlots(outbox: readonly NewEvent[], step: StepChanges, now: number): Promise<StepDecision> {
    const executor = this.#executor;
    return this.#slots.decide(this.#pending.values(), executor, this.#paused, (requested) => ({
      now,
      stopping: this.#host.isStopping(),
      paused: this.#paused,
      requested,
      running: this.running,
      registered: this.#host.activities,
      timers: [this.#claim.deadline, ...executor.pending().map((command) => command.deadline)],
      holdUntil: this.#holdUntil,
      changes: outbox.length > 0 || changesBesidesEvents(step),
    }));
  }

  async #commitEnd(step: StepChanges, outbox: readonly NewEvent[], now: number, tookArrivals: boolean): Promise<void> {
    const outcome = this.#executor.outcome;
    if (!outcome) return;
    const encoded = encodeOutcome(outcome, this.#executor.cancelDelivered, this.#host.maxPayloadBytes, now);
    if (encoded.kind === "unwritable") return this.#park(encoded.error);
    this.abortAll(new CancelledError(this.key.runId));
    const slotDeletes = this.#slots.dropped(this.#pending.values(), this.#executor, true);
    const write = endingWrite(this.key, this.#executor, step, outbox, encoded, slotDeletes);
    const ok = await this.#commit(write, now, tookArrivals);
    if (!ok) return;
    if (encoded.kind === "end") {
      this.#host.metrics.runEnded(this.key.workflow, encoded.end.status);
      this.#span.end(encoded.end.status, outcome.kind === "failed" ? outcome.error : undefined);
      this.#finish(undefined, endingOf(encoded.end));
    } else {
      // Continue-as-new: the next iteration gets a span of its own, under the same stored parent.
      this.#span.end("restarted");
      this.#finish(undefined);
    }
  }

  /** Writes the step fenced by the version this actor last saw (see refusedIfPaused); false when it was refused. */
  async #commit(step: ActorWrite, now: number, tookArrivals: boolean): Promise<boolean> {
    if (this.#done) return false;
    this.#committing = true;
    const result = await this.#host
      .commit({
        ...step,
        key: this.key,
        owner: this.#host.owner,
        iteration: this.#claim.iteration,
        expectedVersion: this.#version,
        firstPos: this.#nextPos,
        hasTaskRows: [...this.#pending.values()].some((activity) => activity.persisted),
        now,
        leaseUntil: now + this.#host.leaseMs,
        refusePaused: refusedIfPaused({ unread: this.#unread, tookArrivals }),
        seen: { requestGen: this.#requests.gen, cancelRequested: this.#cancelRequested, paused: this.#paused },
      })
      .finally(() => {
        this.#committing = false;
      });
    if (!result.ok && result.unwritable !== undefined) {
      // Committing it again would fail the same way, and each try would run its activities
      // again: the run waits, stuck with the reason, for a fix and resumeRun.
      await this.#park(result.unwritable);
      return false;
    }
    if (!result.ok) {
      await this.#refused(result.reason, now);
      return false;
    }
    this.#unread = false;
    this.#version = result.version;
    this.#nextPos = result.nextPos;
    this.#paused = result.paused;
    this.#requests.committed(this.#executor, step.end);
    this.#observeCommit();
    this.#host.wakeOthers(step.childStarts, result, now);
    if (result.wakeGen !== this.#inbox.wakeGen) {
      this.#inbox.moveTo(result.wakeGen);
      if (step.hold) this.#again = true;
    }
    if (this.#requests.moveTo(result.requestGen) && step.hold) this.#again = true;
    if (result.cancelRequested && !this.#cancelRequested) {
      this.#cancelRequested = true;
      if (step.hold) this.#again = true;
    }
    return true;
  }

  /** The step was not written: the run is let go of, and the in-process updates the step took go back to their callers. */
  async #refused(reason: string, now: number): Promise<void> {
    // Paused before this actor heard of it (see refusedIfPaused): expected, the run waits for its unpause.
    if (reason === PAUSED_REFUSAL) this.#host.logInfo(`run ${this.key.runId} is paused; let go`, this.logRef);
    else
      this.#host.logError(`step not written: ${reason}; the run is left to its current owner`, undefined, this.logRef);
    this.abortAll(new CancelledError(this.key.runId));
    this.#finish(undefined);
    // If the lease is still ours (e.g. a duplicate event), hand the run back at once rather than at lease expiry.
    await this.#host.release(this.key, now);
  }

  /** A step was committed: how long it took, and how long its signals waited. */
  #observeCommit(): void {
    const metrics = this.#host.metrics;
    metrics.stepDuration(this.key.workflow, performance.now() - this.#stepStarted);
    if (this.#signalArrivals.length === 0) return;
    const now = this.#host.now();
    for (const storedAt of this.#signalArrivals) metrics.signalToResume(this.key.workflow, Math.max(0, now - storedAt));
    this.#signalArrivals.length = 0;
  }

  async #park(error: unknown): Promise<void> {
    const ref = this.logRef;
    this.abortAll(error);
    // Parked before letting go: until the run is stuck in the store, this actor keeps the
    // worker from taking the run up again (and parking it a second time).
    await this.#host.park(ref, error, this.#version);
    this.#span.end("stuck", error);
    this.#finish(undefined);
  }

  /**
   * Lets go of the run. Cached (the run waits), its span stays open in the cache with a
   * `suspended` event; otherwise the span ends, as released unless it ended with the run.
   */
  #finish(cached: CachedRun | undefined, ending?: LocalRunEnding): void {
    if (this.#done) return;
    this.#done = true;
    this.#kept = cached !== undefined;
    this.#cancelTimer?.();
    this.#requests.abandon();
    if (cached) this.#span.suspended();
    else this.#span.release();
    this.#host.released(this, cached, ending);
  }

  #snapshot(wakeAt: number | null): CachedRun {
    return {
      wakeAt,
      executor: this.#executor,
      version: this.#version,
      iteration: this.#claim.iteration,
      nextPos: this.#nextPos,
      pending: this.#pending,
      span: this.#span,
      claim: claimOfCached(this.#claim, {
        version: this.#version,
        nextPos: this.#nextPos,
        wakeGen: this.#inbox.wakeGen,
        requestGen: this.#requests.gen,
        cancelRequested: this.#cancelRequested,
      }),
      requestsReadGen: this.#requests.readGen,
    };
  }

  /** While the run is held here, a step runs again at `at` (its next timer or retry). */
  #stepAgainAt(at: number | undefined): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (at === undefined) return;
    this.#cancelTimer = this.#host.timers.at(at, () => this.pump());
  }

  #startAttempts(activities: readonly PendingActivity[]): void {
    for (const activity of activities) void this.#runAttempt(activity);
  }

  async #runAttempt(activity: PendingActivity): Promise<void> {
    const scope = { key: this.key, iteration: this.#claim.iteration, executor: this.#executor, span: this.#span };
    const attempt = attemptOf({ ...scope, registered: this.#host.activities }, activity);
    if (attempt === undefined) return;
    const completion = await runAttempt(attempt, this.#host);
    await this.#slots.release(activity);
    if (this.#done) return;
    this.#completions.push(completion);
    this.pump();
  }
}
