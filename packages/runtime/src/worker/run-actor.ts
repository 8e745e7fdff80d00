import type { ActivityFn, ActivityOptions, ActivityRegistration, LocalRunEnding, Timers } from "../api.js";
import { toMillis } from "../duration.js";
import { ActivityTimeoutError, CancelledError, CorruptPayloadError, RunTimeoutError } from "../errors.js";
import {
  CHILD_SIGNAL,
  type ChildEnding,
  type ChildRequest,
  childEndingId,
  EventType,
  type NewEvent,
  newEvent,
  type RunKey,
  type SignalSent,
} from "../history/index.js";
import { decodePayload } from "../json.js";
import type { PendingCommand } from "../replay/commands.js";
import type { RunExecutor } from "../replay/executor.js";
import { serializeError } from "../serialize-error.js";
import type {
  ChildStart,
  ClaimedRun,
  InboxSignal,
  SignalToSend,
  StepResult,
  StepWrite,
  TaskRetry,
} from "../store/types.js";
import type { RunLogRef } from "../telemetry/logging.js";
import type { WorkerMetrics } from "../telemetry/metrics.js";
import type { WorkflowSpan } from "../telemetry/tracing.js";
import { type Attempt, type AttemptEnvironment, type AttemptResult, runAttempt } from "./activity-runner.js";
import { encodeOutcome, endingOf } from "./outcome.js";
import { mergeOptions, nextRetryDelay } from "./retry.js";
import type { FailedAttempt } from "./retry-log.js";
import { newTask, type TaskState, taskKey } from "./tasks.js";

/** A run to replay, with what its executor needs besides its history. */
export type ReplayTarget = RunKey & {
  readonly seed?: string | undefined;
  readonly scheduledAt?: number | undefined;
};

/** What survives between claims in the cache. */
export interface CachedRun {
  readonly executor: RunExecutor;
  readonly version: number;
  readonly iteration: number;
  readonly nextPos: number;
  readonly tasks: Map<string, TaskState>;
  /** The run's workflow span, open while the run waits in the cache (see WorkflowSpan). */
  readonly span: WorkflowSpan;
  /** When the step that let the run go asked for it to be woken (its next timer or retry); null: by something else. */
  readonly wakeAt: number | null;
}

/** What the actor needs from its worker. */
export interface ActorHost extends AttemptEnvironment {
  readonly owner: string;
  readonly leaseMs: number;
  readonly timers: Timers;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  readonly metrics: WorkerMetrics;
  /** The cache is off: rebuild the executor from history before every step. */
  readonly replayEveryStep: boolean;
  /** A fresh executor replayed from the stored history of the iteration. */
  replay(run: ReplayTarget, iteration: number): Promise<RunExecutor>;
  /** Writes the step, batched with other runs' steps into one transaction. */
  commit(step: StepWrite): Promise<StepResult>;
  /** Unconsumed signals of the run with these names, in arrival order. */
  loadSignals(key: RunKey, names: readonly string[]): Promise<InboxSignal[]>;
  /** In-process wake-ups for the runs a committed step reached (children, signal targets, a parent). */
  wakeOthers(starts: readonly ChildStart[], result: Extract<StepResult, { ok: true }>, createdAt: number): void;
  /** The run's code ran a step without blocking: its stall count goes back to 0; never throws. */
  clearStalls(key: RunKey): void;
  /** Gives up the run's lease, to be woken at `wakeAt`; never throws (the lease ends by itself). */
  release(key: RunKey, wakeAt: number): Promise<void>;
  now(): number;
  isStopping(): boolean;
  /** The actor let go of the run; `cached` is its state when it may be reused. */
  released(actor: RunActor, cached: CachedRun | undefined, ending?: LocalRunEnding): void;
  /** Parks the run as stuck, fenced by the version this actor last saw. */
  park(run: RunLogRef, error: unknown, version: number): Promise<void>;
  logError(message: string, error: unknown, run: RunLogRef): void;
  logInfo(message: string, run: RunLogRef): void;
  /** The run's workflow code is about to run (named if the event loop turns out to be blocked). */
  stepping(key: RunKey): void;
  /** The run waits for an activity this worker does not have: it is left to a worker that has it. */
  lacksActivity(key: RunKey, activity: string): void;
  /** An attempt failed and will be retried at `retryAt` (a throttled warning). */
  logRetry(failure: FailedAttempt): void;
}

/** After an unexpected error (e.g. the database went away mid-step), try the run again this much later. */
const RETRY_AFTER_ERROR_MS = 1000;

/** The changes of one step besides its events. */
interface MutableStep {
  readonly observedWakeGen: number;
  taskWrites: TaskRetry[];
  taskDeletes: { target: string; seq: number }[];
  signalsConsumed: { id: number; seq: number }[];
  childStarts: ChildStart[];
  signalsSent: SignalToSend[];
  cancelChildren: RunKey[];
}

function newStep(observedWakeGen: number): MutableStep {
  return {
    observedWakeGen,
    taskWrites: [],
    taskDeletes: [],
    signalsConsumed: [],
    childStarts: [],
    signalsSent: [],
    cancelChildren: [],
  };
}

/** True when the step changes anything besides events. */
function changesBesidesEvents(step: MutableStep): boolean {
  return (
    step.taskWrites.length > 0 ||
    step.taskDeletes.length > 0 ||
    step.signalsConsumed.length > 0 ||
    step.childStarts.length > 0 ||
    step.signalsSent.length > 0 ||
    step.cancelChildren.length > 0
  );
}

/**
 * Drives one leased run: feeds the executor what the store and local activities say,
 * writes each step with one fenced commit, runs due activities, and lets go of the run when
 * nothing runs here any more.
 */
export class RunActor {
  readonly key: RunKey;
  readonly #seed: string | undefined;
  readonly #scheduledAt: number | undefined;
  readonly #codeVersion: string | undefined;
  /** When the run times out (runWorkflow's `timeout`). */
  readonly #deadline: number | undefined;
  /** The run's queue: a queued run is claimed through the queue's limits only. */
  readonly queue: string | undefined;
  readonly #host: ActorHost;
  #executor: RunExecutor;
  #steps = 0;
  readonly #tasks: Map<string, TaskState>;
  #version: number;
  #nextPos: number;
  readonly #iteration: number;
  #observedWakeGen: number;
  #cancelRequested: boolean;
  /** Taken over, or claimed with a stall count: cleared once a step gets through (see MAX_STALLS). */
  #stalled: boolean;
  /** Signal awaits ("name#seq") already matched against the inbox since it last changed. */
  readonly #checkedSignals = new Set<string>();
  readonly #completions: AttemptResult[] = [];
  #pumping = false;
  #again = false;
  #done = false;
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

  constructor(
    host: ActorHost,
    claim: ClaimedRun,
    executor: RunExecutor,
    nextPos: number,
    tasks: Map<string, TaskState>,
    span: WorkflowSpan,
    holdUntil?: number,
  ) {
    this.key = { namespace: claim.namespace, workflow: claim.workflow, runId: claim.runId };
    this.#seed = claim.seed;
    this.#scheduledAt = claim.scheduledAt;
    this.#codeVersion = claim.codeVersion;
    this.#deadline = claim.deadline;
    this.queue = claim.queue;
    this.#host = host;
    this.#executor = executor;
    this.#tasks = tasks;
    this.#version = claim.version;
    this.#nextPos = nextPos;
    this.#iteration = claim.iteration;
    this.#observedWakeGen = claim.wakeGen;
    this.#cancelRequested = claim.cancelRequested;
    this.#stalled = claim.takeover === true || (claim.stalls ?? 0) > 0;
    this.#span = span;
    this.#holdUntil = holdUntil;
  }

  /** The run as log lines name it, with its trace id. */
  get logRef(): RunLogRef {
    return { ...this.key, traceId: this.#span.traceId };
  }

  get done(): boolean {
    return this.#done;
  }

  /** Activities of this run executing right now. */
  get running(): number {
    let count = 0;
    for (const task of this.#tasks.values()) if (task.controller) count++;
    return count;
  }

  /** Something outside changed (wake_gen, cancel): look at the inbox again. */
  poke(wakeGen: number, cancelRequested: boolean): void {
    if (wakeGen === this.#observedWakeGen && cancelRequested === this.#cancelRequested) return;
    // The inbox is read after this, so it sees everything up to this wake_gen.
    this.#observedWakeGen = wakeGen;
    this.#checkedSignals.clear();
    this.#cancelRequested = cancelRequested;
    this.pump();
  }

  /** Aborts every activity in flight (shutdown, lost lease, run ended). */
  abortAll(reason: unknown): void {
    for (const task of this.#tasks.values()) task.controller?.abort(reason);
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
      if (error instanceof CorruptPayloadError) {
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
    }
  }

  async #step(): Promise<void> {
    this.#stepStarted = performance.now();
    this.#signalArrivals.length = 0;
    this.#host.stepping(this.key);
    if (this.#steps++ > 0 && this.#host.replayEveryStep) {
      const target = { ...this.key, seed: this.#seed, scheduledAt: this.#scheduledAt };
      this.#executor = await this.#host.replay(target, this.#iteration);
    }
    const executor = this.#executor;
    const now = this.#host.now();
    executor.setClock(() => this.#host.now());
    if (this.#holdUntil !== undefined && now >= this.#holdUntil) {
      // The wait here is over: a signal stored meanwhile by another process moved wake_gen
      // unseen, so the inbox is read again before a timeout can win over it.
      this.#holdUntil = undefined;
      this.#checkedSignals.clear();
    }
    // The wake_gen this step reads the inbox under. A poke() during the step moves the field
    // on, but the commit must name this one, so the store sees what arrived since and wakes
    // the run again.
    const step = newStep(this.#observedWakeGen);

    if (this.#cancelRequested && !executor.cancelDelivered && !executor.outcome) {
      // Cancelling a run cancels the children it waits for.
      step.cancelChildren.push(...this.#waitedChildren());
      await executor.deliver(newEvent.cancelDelivered(this.#host.now()), null);
    }
    if (this.#deadline !== undefined && now >= this.#deadline && !executor.outcome) {
      step.cancelChildren.push(...this.#waitedChildren());
      executor.failRun(new RunTimeoutError(this.key.runId, this.#deadline));
    }
    await this.#applyCompletions(step, now);
    // A timer or signal may make the workflow wait for another signal: repeat until nothing moves.
    while ((await this.#applyInbox(step)) || (await this.#applyTimers(now))) {
      if (executor.fault || executor.outcome) break;
    }
    if (executor.fault) return this.#park(executor.fault);

    const outbox = executor.takeOutbox();
    for (const event of outbox) {
      switch (event.type) {
        case EventType.ActivityRequest:
          // No task row yet: the request event itself records the pending work. A row is written
          // only when an attempt fails and a retry must wait (see #applyCompletions).
          this.#tasks.set(taskKey(event.target, event.seq), newTask(event.target, event.seq, now));
          break;
        case EventType.ChildRequest:
          step.childStarts.push(this.#childStart(event, now));
          break;
        case EventType.SignalSent:
          step.signalsSent.push(signalToSend(this.key.namespace, event));
          break;
        default:
          break;
      }
    }

    if (executor.outcome) return this.#commitEnd(step, outbox, now);

    const stopping = this.#host.isStopping();
    const dueNow = stopping ? [] : this.#dueTasks(now);
    // An activity this worker lacks (newer code requested it, or another deployment did) is
    // left to a worker that has it: the run is released, marked as wanting that activity.
    const due = dueNow.filter((task) => this.#host.activities[task.target] !== undefined);
    const lacking = dueNow.find((task) => this.#host.activities[task.target] === undefined);
    // Taken up early for a timer or retry due in a moment: wait for it here, lease held.
    const holdUntil = this.#holdUntil;
    const waitHere =
      holdUntil !== undefined && !stopping && lacking === undefined && (this.#nextDeadline() ?? Infinity) <= holdUntil;
    const hold = this.running > 0 || due.length > 0 || waitHere;
    const wantedActivity = hold ? undefined : lacking?.target;
    if (wantedActivity !== undefined) this.#host.lacksActivity(this.key, wantedActivity);
    const changed = outbox.length > 0 || changesBesidesEvents(step) || wantedActivity !== undefined;
    if (!changed && hold) {
      // Nothing new to record, and the run stays ours: start the due attempts without a
      // commit. Their requests are already stored, so if this worker dies they run again
      // on another one once the lease ends.
      this.#startTasks(due);
      this.#scheduleWake(now);
      return;
    }
    const wakeAt = wantedActivity === undefined ? (this.#nextDeadline() ?? null) : now;
    const ok = await this.#commit({ ...step, events: outbox, hold, wakeAt, wantedActivity }, now);
    if (!ok) return;
    if (!hold) {
      this.#finish(this.#snapshot(wakeAt));
      return;
    }
    this.#startTasks(due);
    this.#scheduleWake(now);
  }

  async #applyCompletions(step: MutableStep, now: number): Promise<void> {
    for (let completion = this.#completions.shift(); completion; completion = this.#completions.shift()) {
      const { target, seq, attempt } = completion;
      const task = this.#tasks.get(taskKey(target, seq));
      if (task) task.controller = undefined;
      if ("resultText" in completion) {
        this.#forgetTask(step, target, seq);
        const payload = { result: JSON.parse(completion.resultText) as unknown, attempts: attempt };
        await this.#executor.deliver(
          newEvent.activityResult(target, seq, completion.resultText, attempt, this.#host.now()),
          payload,
        );
        continue;
      }
      let delay = completion.final
        ? undefined
        : nextRetryDelay(this.#optionsOf(target, seq).retry, attempt, completion.error);
      let failure: unknown = completion.error;
      const closeBy = this.#closeBy(target, seq);
      if (delay !== undefined && closeBy !== undefined && now + delay >= closeBy) {
        // No attempt fits before scheduleToCloseTimeout: the activity fails for good.
        const { scheduleToCloseTimeout } = this.#optionsOf(target, seq);
        failure = new ActivityTimeoutError(target, toMillis(scheduleToCloseTimeout ?? 0), "scheduleToClose");
        (failure as Error).cause = completion.error;
        delay = undefined;
      }
      if (delay !== undefined && task) {
        task.attempt = attempt;
        task.readyAt = now + delay;
        const retry = {
          target,
          seq,
          attempt,
          readyAt: task.readyAt,
          lastError: JSON.stringify(serializeError(completion.error)),
        };
        step.taskWrites.push(retry);
        task.persisted = true;
        this.#host.logRetry({
          key: this.key,
          activity: target,
          seq,
          attempt,
          error: completion.error,
          retryAt: task.readyAt,
        });
        continue;
      }
      const error = serializeError(failure);
      this.#forgetTask(step, target, seq);
      await this.#executor.deliver(newEvent.activityError(target, seq, error, attempt, this.#host.now()), {
        error,
        attempts: attempt,
      });
    }
  }

  #forgetTask(step: MutableStep, target: string, seq: number): void {
    const key = taskKey(target, seq);
    if (this.#tasks.get(key)?.persisted) step.taskDeletes.push({ target, seq });
    this.#tasks.delete(key);
  }

  /**
   * Gives waiting signal awaits the oldest unconsumed signals, and waiting children their
   * endings (signal "/child" in the inbox). The inbox is read again only for awaits not yet
   * checked since it last could have changed (wake_gen moved).
   */
  async #applyInbox(step: MutableStep): Promise<boolean> {
    const awaiting = this.#inboxAwaits();
    if (awaiting.every((command) => this.#checkedSignals.has(`${command.kind}/${command.target}#${command.seq}`))) {
      return false;
    }
    const names = [...new Set(awaiting.map((command) => inboxName(command)))];
    const taken = new Set(step.signalsConsumed.map((signal) => signal.id));
    // A poke while the inbox is read means it may have missed a signal: then check again.
    const readUnder = this.#observedWakeGen;
    const rows = (await this.#host.loadSignals(this.key, names)).filter((row) => !taken.has(row.id));
    let delivered = false;
    for (let match = this.#nextInboxMatch(rows, taken); match; match = this.#nextInboxMatch(rows, taken)) {
      const { command, row } = match;
      taken.add(row.id);
      step.signalsConsumed.push({ id: row.id, seq: command.seq });
      await this.#deliverInbox(command, row);
      delivered = true;
    }
    if (readUnder === this.#observedWakeGen) {
      // Only awaits whose names were read: one the workflow made after a delivery above (a
      // signal awaited once a child ended) has not been looked for yet.
      for (const command of this.#inboxAwaits()) {
        if (names.includes(inboxName(command)))
          this.#checkedSignals.add(`${command.kind}/${command.target}#${command.seq}`);
      }
    }
    return delivered;
  }

  /** Commands the inbox answers: signal awaits and waited-for children, in sequence order. */
  #inboxAwaits(): PendingCommand[] {
    return this.#executor.pending().filter((command) => command.kind === "signal" || command.kind === "child");
  }

  /** The oldest unconsumed inbox row for the earliest waiting command it answers. */
  #nextInboxMatch(
    rows: readonly InboxSignal[],
    taken: ReadonlySet<number>,
  ): { command: PendingCommand; row: InboxSignal } | undefined {
    const awaiting = this.#inboxAwaits().sort((a, b) => a.seq - b.seq);
    for (const command of awaiting) {
      const row = rows.find((candidate) => !taken.has(candidate.id) && answers(command, candidate));
      if (row) return { command, row };
    }
    return undefined;
  }

  async #deliverInbox(command: PendingCommand, row: InboxSignal): Promise<void> {
    const at = this.#host.now();
    const where = `signal ${row.id} of run ${this.key.runId}`;
    if (command.kind === "signal") {
      this.#signalArrivals.push(row.createdAt);
      const message = decodePayload(row.payloadText, where) ?? null;
      const event = newEvent.signalMessage(command.target, command.seq, row.id, row.payloadText ?? "null", at);
      await this.#executor.deliver(event, { signalId: row.id, message });
      return;
    }
    const ending = decodePayload(row.payloadText, where) as ChildEnding;
    const response = { runId: (command.input as ChildRequest).runId, ...ending };
    await this.#executor.deliver(newEvent.childResponse(command.target, command.seq, response, at), response);
  }

  /** The children the run waits for now (runChild), to cancel with the run. */
  #waitedChildren(): RunKey[] {
    return this.#executor.pending("child").map((command) => ({
      namespace: this.key.namespace,
      workflow: command.target,
      runId: (command.input as ChildRequest).runId,
    }));
  }

  /** A child_request of the outbox as the store starts it. */
  #childStart(event: NewEvent, now: number): ChildStart {
    const request = JSON.parse(event.payloadText ?? "null") as ChildRequest;
    return {
      key: { namespace: this.key.namespace, workflow: event.target, runId: request.runId },
      inputText: JSON.stringify(request.input),
      waits: request.wait,
      // A child runs the parent's code version, so one deploy's parents and children match.
      codeVersion: this.#codeVersion,
      deadline: request.timeout === undefined ? undefined : now + request.timeout,
      queue: request.queue,
      // The child joins this run's trace, under its workflow span.
      traceContext: this.#span.childContext(),
    };
  }

  /** Fires expired sleeps and signal timeouts, earliest first. */
  async #applyTimers(now: number): Promise<boolean> {
    let delivered = false;
    for (;;) {
      const expired = this.#executor
        .pending()
        .filter((command) => command.deadline !== undefined && command.deadline <= now)
        .sort((a, b) => (a.deadline ?? 0) - (b.deadline ?? 0) || a.seq - b.seq);
      const first = expired[0];
      if (!first) return delivered;
      delivered = true;
      const at = this.#host.now();
      if (first.kind === "sleep") await this.#executor.deliver(newEvent.sleepDone(first.seq, at), null);
      else await this.#executor.deliver(newEvent.signalTimeout(first.target, first.seq, at), { timedOut: true });
    }
  }

  async #commitEnd(step: MutableStep, outbox: readonly NewEvent[], now: number): Promise<void> {
    const outcome = this.#executor.outcome;
    if (!outcome) return;
    const encoded = encodeOutcome(outcome, this.#executor.cancelDelivered, this.#host.maxPayloadBytes, now);
    if (encoded.kind === "unwritable") return this.#park(encoded.error);
    this.abortAll(new CancelledError(this.key.runId));
    const write = {
      ...step,
      events: [...outbox, encoded.event],
      hold: false,
      wakeAt: null,
      ...(encoded.kind === "end" ? { end: encoded.end } : { restart: { inputText: encoded.inputText } }),
    };
    const ok = await this.#commit(write, now);
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

  /** Writes the step fenced by the version this actor last saw; false when it was refused. */
  async #commit(
    step: MutableStep &
      Pick<StepWrite, "events" | "hold" | "wakeAt"> &
      Partial<Pick<StepWrite, "end" | "restart" | "wantedActivity">>,
    now: number,
  ): Promise<boolean> {
    const result = await this.#host.commit({
      ...step,
      key: this.key,
      owner: this.#host.owner,
      iteration: this.#iteration,
      expectedVersion: this.#version,
      firstPos: this.#nextPos,
      hasTaskRows: [...this.#tasks.values()].some((task) => task.persisted),
      now,
      leaseUntil: now + this.#host.leaseMs,
    });
    if (!result.ok) {
      this.#host.logError(
        `step not written: ${result.reason}; the run is left to its current owner`,
        undefined,
        this.logRef,
      );
      this.abortAll(new CancelledError(this.key.runId));
      this.#finish(undefined);
      // If the lease is still ours (e.g. a duplicate event), hand the run back at once rather than at lease expiry.
      await this.#host.release(this.key, now);
      return false;
    }
    this.#version = result.version;
    this.#nextPos = result.nextPos;
    this.#observeCommit();
    this.#host.wakeOthers(step.childStarts, result, now);
    if (result.wakeGen !== this.#observedWakeGen) {
      this.#observedWakeGen = result.wakeGen;
      this.#checkedSignals.clear();
      if (step.hold) this.#again = true;
    }
    if (result.cancelRequested && !this.#cancelRequested) {
      this.#cancelRequested = true;
      if (step.hold) this.#again = true;
    }
    return true;
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
    this.#cancelTimer?.();
    if (cached) this.#span.suspended();
    else this.#span.release();
    this.#host.released(this, cached, ending);
  }

  #snapshot(wakeAt: number | null): CachedRun {
    return {
      wakeAt,
      executor: this.#executor,
      version: this.#version,
      iteration: this.#iteration,
      nextPos: this.#nextPos,
      tasks: this.#tasks,
      span: this.#span,
    };
  }

  #dueTasks(now: number): TaskState[] {
    const due: TaskState[] = [];
    for (const task of this.#tasks.values()) {
      if (!task.controller && task.readyAt <= now && this.#executor.activityInput(task.target, task.seq))
        due.push(task);
    }
    return due;
  }

  /** The earliest time something of this run becomes due: a timer, or a retry. */
  #nextDeadline(): number | undefined {
    let next: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && (next === undefined || at < next)) next = at;
    };
    consider(this.#deadline);
    for (const command of this.#executor.pending()) consider(command.deadline);
    for (const task of this.#tasks.values())
      if (!task.controller && this.#executor.activityInput(task.target, task.seq)) consider(task.readyAt);
    return next;
  }

  /** While the run is held here, a step runs again when its next timer or retry is due. */
  #scheduleWake(now: number): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const next = this.#nextDeadline();
    if (next === undefined) return;
    this.#cancelTimer = this.#host.timers.at(Math.max(next, now), () => this.pump());
  }

  /** When every attempt of the activity must have ended (scheduleToCloseTimeout from its request). */
  #closeBy(target: string, seq: number): number | undefined {
    const { scheduleToCloseTimeout } = this.#optionsOf(target, seq);
    const issuedAt = this.#executor.activityInput(target, seq)?.issuedAt;
    if (scheduleToCloseTimeout === undefined || issuedAt === undefined) return undefined;
    return issuedAt + toMillis(scheduleToCloseTimeout);
  }

  #optionsOf(target: string, seq: number): ActivityOptions {
    const registration = this.#host.activities[target];
    const registered = typeof registration === "function" ? undefined : registration;
    return mergeOptions(registered, this.#executor.activityInput(target, seq)?.options);
  }

  #startTasks(tasks: readonly TaskState[]): void {
    for (const task of tasks) void this.#runTask(task);
  }

  async #runTask(task: TaskState): Promise<void> {
    const registration = this.#host.activities[task.target];
    const stored = this.#executor.activityInput(task.target, task.seq);
    if (!registration || !stored) return;
    const fn: ActivityFn = typeof registration === "function" ? registration : registration.fn;
    const controller = new AbortController();
    // Stays set until the completion is applied, so no step sees the task as due again.
    task.controller = controller;
    const attempt: Attempt = {
      key: this.key,
      iteration: this.#iteration,
      target: task.target,
      seq: task.seq,
      attempt: task.attempt + 1,
      inputText: stored.inputText,
      options: this.#optionsOf(task.target, task.seq),
      fn,
      controller,
      lastHeartbeat: task.lastHeartbeat,
      closeBy: this.#closeBy(task.target, task.seq),
      onHeartbeat: (detailsText) => {
        task.lastHeartbeat = detailsText;
        // The heartbeat writes a row (see recordHeartbeat): delete it with the answer.
        task.persisted = true;
      },
      span: this.#span,
    };
    const completion = await runAttempt(attempt, this.#host);
    if (this.#done) return;
    this.#completions.push(completion);
    this.pump();
  }
}

/** The inbox name a command waits for. */
function inboxName(command: PendingCommand): string {
  return command.kind === "child" ? CHILD_SIGNAL : command.target;
}

/** True when the inbox row answers the command: a signal of its name, or the ending of its child. */
function answers(command: PendingCommand, row: InboxSignal): boolean {
  if (command.kind === "signal") return row.signal === command.target;
  const runId = (command.input as ChildRequest).runId;
  return row.signal === CHILD_SIGNAL && row.externalId === childEndingId({ workflow: command.target, runId });
}

/** A signal_sent of the outbox as the store sends it. */
function signalToSend(namespace: string, event: NewEvent): SignalToSend {
  const sent = JSON.parse(event.payloadText ?? "null") as SignalSent;
  return {
    key: { namespace, workflow: event.target, runId: sent.runId },
    signal: { signal: sent.signal, externalId: sent.externalId, payloadText: JSON.stringify(sent.message) },
  };
}
