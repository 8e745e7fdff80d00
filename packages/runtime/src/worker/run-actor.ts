import { toMillis } from "../duration.js";
import {
  ActivityTimeoutError,
  CancelledError,
  CorruptPayloadError,
  type SerializedError,
  serializeError,
  UnknownWorkflowError,
} from "../errors.js";
import { decodePayload, encodePayload } from "../json.js";
import type { RunExecutor } from "../replay/executor.js";
import type { PendingCommand } from "../replay/history.js";
import { EventType, RunStatus } from "../store/mysql/schema.js";
import type { ActivityContext, ActivityOptions, ActivityRegistration, LocalRunEnding } from "../types.js";
import { mergeOptions, nextRetryDelay } from "./retry.js";
import type { ClaimedRun, EngineStore, RunKey, SignalRow, StepResult, StepWrite } from "./store.js";

/** A pending activity of the run, as this worker tracks it while it holds the run. */
export interface TaskState {
  readonly target: string;
  readonly seq: number;
  attempt: number;
  readyAt: number;
  controller: AbortController | undefined;
  /** A row in the tasks table exists (written when a retry was scheduled). */
  persisted: boolean;
}

/** What survives between claims in the cache. */
export interface CachedRun {
  readonly executor: RunExecutor;
  readonly version: number;
  readonly iteration: number;
  readonly nextPos: number;
  readonly tasks: Map<string, TaskState>;
}

/** What the actor needs from its worker. */
export interface ActorHost {
  readonly store: EngineStore;
  readonly owner: string;
  readonly leaseMs: number;
  readonly maxPayloadBytes: number;
  readonly backends: unknown;
  readonly activities: Readonly<Record<string, ActivityRegistration>>;
  /** The cache is off: rebuild the executor from history before every step. */
  readonly replayEveryStep: boolean;
  /** A fresh executor replayed from the stored history of the iteration. */
  replay(key: RunKey, iteration: number): Promise<RunExecutor>;
  /** Writes the step, batched with other runs' steps into one transaction. */
  commit(step: StepWrite): Promise<StepResult>;
  now(): number;
  isStopping(): boolean;
  /** The actor let go of the run; `cached` is its state when it may be reused. */
  released(actor: RunActor, cached: CachedRun | undefined, ending?: LocalRunEnding): void;
  park(key: RunKey, error: unknown): Promise<void>;
  logError(message: string, error: unknown, key: RunKey): void;
}

type Completion =
  | { readonly target: string; readonly seq: number; readonly attempt: number; readonly resultText: string }
  | {
      readonly target: string;
      readonly seq: number;
      readonly attempt: number;
      readonly error: unknown;
      readonly final: boolean;
    };

/** After an unexpected error (e.g. the database went away mid-step), try the run again this much later. */
const RETRY_AFTER_ERROR_MS = 1000;

const taskKey = (target: string, seq: number) => `${target}\u0000${seq}`;

/**
 * Drives one leased run: feeds the executor what the database and local activities say,
 * writes each step with one fenced commit, runs due activities, and lets go of the run when
 * nothing runs here any more.
 */
export class RunActor {
  readonly key: RunKey;
  readonly #host: ActorHost;
  #executor: RunExecutor;
  #steps = 0;
  readonly #tasks: Map<string, TaskState>;
  #version: number;
  #nextPos: number;
  readonly #iteration: number;
  #observedWakeGen: number;
  #cancelRequested: boolean;
  /** Signal awaits ("name#seq") already matched against the inbox since it last changed. */
  readonly #checkedSignals = new Set<string>();
  readonly #completions: Completion[] = [];
  #pumping = false;
  #again = false;
  #done = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    host: ActorHost,
    claim: ClaimedRun,
    executor: RunExecutor,
    nextPos: number,
    tasks: Map<string, TaskState>,
  ) {
    this.key = { namespace: claim.namespace, workflow: claim.workflow, runId: claim.runId };
    this.#host = host;
    this.#executor = executor;
    this.#tasks = tasks;
    this.#version = claim.version;
    this.#nextPos = nextPos;
    this.#iteration = claim.iteration;
    this.#observedWakeGen = claim.wakeGen;
    this.#cancelRequested = claim.cancelRequested;
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
      } while (this.#again && !this.#done);
    } catch (error) {
      if (error instanceof CorruptPayloadError) {
        await this.#park(error);
        return;
      }
      this.#host.logError("run step failed; the run is released and retried in a second", error, this.key);
      this.abortAll(error);
      this.#finish(undefined);
      await this.#host.store
        .release(this.key, this.#host.owner, this.#host.now() + RETRY_AFTER_ERROR_MS)
        .catch(() => {});
    } finally {
      // Synchronously after the last check of #again: a pump() from now on starts a new loop.
      this.#pumping = false;
    }
  }

  async #step(): Promise<void> {
    if (this.#steps++ > 0 && this.#host.replayEveryStep) {
      this.#executor = await this.#host.replay(this.key, this.#iteration);
    }
    const executor = this.#executor;
    const now = this.#host.now();
    executor.setClock(() => this.#host.now());
    const step = newStep();

    if (this.#cancelRequested && !executor.cancelDelivered && !executor.outcome) {
      await executor.deliver(EventType.CancelDelivered, "", 0, null, null);
    }
    await this.#applyCompletions(step, now);
    // A timer or signal may make the workflow wait for another signal: repeat until nothing moves.
    while ((await this.#applySignals(step)) || (await this.#applyTimers(now))) {
      if (executor.fault || executor.outcome) break;
    }
    if (executor.fault) return this.#park(executor.fault);

    const outbox = executor.takeOutbox();
    for (const event of outbox) {
      if (event.type !== EventType.ActivityRequest) continue;
      if (this.#host.activities[event.target] === undefined) {
        return this.#park(new UnknownWorkflowError("activity", this.key.namespace, event.target));
      }
      // No task row yet: the request event itself records the pending work. A row is written
      // only when an attempt fails and a retry must wait (see #applyCompletions).
      this.#tasks.set(taskKey(event.target, event.seq), {
        target: event.target,
        seq: event.seq,
        attempt: 0,
        readyAt: now,
        controller: undefined,
        persisted: false,
      });
    }

    const outcome = executor.outcome;
    if (outcome) return this.#commitEnd(step, outbox, now);

    const stopping = this.#host.isStopping();
    const due = stopping ? [] : this.#dueTasks(now);
    // A task requested by another deployment may name an activity this worker lacks.
    const unknown = due.find((task) => this.#host.activities[task.target] === undefined);
    if (unknown) return this.#park(new UnknownWorkflowError("activity", this.key.namespace, unknown.target));
    const hold = this.running > 0 || due.length > 0;
    const changed =
      outbox.length > 0 || step.taskInserts.length > 0 || step.taskDeletes.length > 0 || step.taskUpdates.length > 0;
    if (!changed && hold && step.signalsConsumed.length === 0) {
      this.#startTasks(due);
      this.#scheduleTimer(now);
      return;
    }
    const ok = await this.#commit({ ...step, events: outbox, hold, wakeAt: this.#nextDeadline() ?? null }, now);
    if (!ok) return;
    if (!hold) {
      this.#finish(this.#snapshot());
      return;
    }
    this.#startTasks(due);
    this.#scheduleTimer(now);
  }

  async #applyCompletions(step: MutableStep, now: number): Promise<void> {
    while (this.#completions.length > 0) {
      const completion = this.#completions.shift();
      if (!completion) break;
      const task = this.#tasks.get(taskKey(completion.target, completion.seq));
      if (task) task.controller = undefined;
      if ("resultText" in completion) {
        const payloadText = `{"result":${completion.resultText},"attempts":${completion.attempt}}`;
        this.#forgetTask(step, completion.target, completion.seq);
        await this.#executor.deliver(
          EventType.ActivityResponse,
          completion.target,
          completion.seq,
          payloadText,
          JSON.parse(payloadText),
        );
        continue;
      }
      const delay = completion.final
        ? undefined
        : nextRetryDelay(
            this.#optionsOf(completion.target, completion.seq).retry,
            completion.attempt,
            completion.error,
          );
      if (delay !== undefined && task) {
        task.attempt = completion.attempt;
        task.readyAt = now + delay;
        const retry = {
          target: task.target,
          seq: task.seq,
          attempt: task.attempt,
          readyAt: task.readyAt,
          lastError: JSON.stringify(serializeError(completion.error)),
        };
        if (task.persisted) step.taskUpdates.push(retry);
        else step.taskInserts.push(retry);
        task.persisted = true;
        continue;
      }
      const body = { error: serializeError(completion.error), attempts: completion.attempt };
      const payloadText = JSON.stringify(body);
      this.#forgetTask(step, completion.target, completion.seq);
      await this.#executor.deliver(EventType.ActivityResponse, completion.target, completion.seq, payloadText, body);
    }
  }

  #forgetTask(step: MutableStep, target: string, seq: number): void {
    const key = taskKey(target, seq);
    if (this.#tasks.get(key)?.persisted) step.taskDeletes.push({ target, seq });
    this.#tasks.delete(key);
  }

  /**
   * Gives waiting signal awaits the oldest unconsumed signals. The inbox is read again only
   * for awaits not yet checked since it last could have changed (wake_gen moved).
   */
  async #applySignals(step: MutableStep): Promise<boolean> {
    const unchecked = this.#executor.pending("signal").filter((c) => !this.#checkedSignals.has(`${c.target}#${c.seq}`));
    if (unchecked.length === 0) return false;
    const names = [...new Set(this.#executor.pending("signal").map((command) => command.target))];
    const taken = new Set(step.signalsConsumed.map((signal) => signal.id));
    const rows = (await this.#host.store.loadSignals(this.key, names)).filter((row) => !taken.has(row.id));
    let delivered = false;
    for (;;) {
      const match = this.#nextSignalMatch(rows, taken);
      if (!match) break;
      const { command, row } = match;
      taken.add(row.id);
      const message = decodePayload(row.payloadText, `signal ${row.id} of run ${this.key.runId}`);
      const body = { signalId: row.id, message: message ?? null };
      step.signalsConsumed.push({ id: row.id, seq: command.seq });
      await this.#executor.deliver(EventType.SignalResponse, command.target, command.seq, JSON.stringify(body), body);
      delivered = true;
    }
    for (const command of this.#executor.pending("signal"))
      this.#checkedSignals.add(`${command.target}#${command.seq}`);
    return delivered;
  }

  #nextSignalMatch(
    rows: readonly SignalRow[],
    taken: ReadonlySet<number>,
  ): { command: PendingCommand; row: SignalRow } | undefined {
    for (const command of sortBySeq(this.#executor.pending("signal"))) {
      const row = rows.find((candidate) => candidate.signal === command.target && !taken.has(candidate.id));
      if (row) return { command, row };
    }
    return undefined;
  }

  async #applyTimers(now: number): Promise<boolean> {
    let delivered = false;
    for (;;) {
      const expired = this.#executor
        .pending()
        .filter(
          (command) =>
            (command.kind === "sleep" || command.kind === "signal") &&
            (command.deadline ?? Number.POSITIVE_INFINITY) <= now,
        )
        .sort((a, b) => (a.deadline ?? 0) - (b.deadline ?? 0) || a.seq - b.seq);
      const first = expired[0];
      if (!first) return delivered;
      delivered = true;
      if (first.kind === "sleep") await this.#executor.deliver(EventType.SleepDone, "", first.seq, null, null);
      else
        await this.#executor.deliver(EventType.SignalResponse, first.target, first.seq, '{"timedOut":true}', {
          timedOut: true,
        });
    }
  }

  async #commitEnd(step: MutableStep, outbox: StepWrite["events"], now: number): Promise<void> {
    const outcome = this.#executor.outcome;
    if (!outcome) return;
    const events = [...outbox];
    let end: StepWrite["end"];
    let restart: StepWrite["restart"];
    if (outcome.kind === "restart") {
      let inputText: string;
      try {
        inputText = encodePayload("restart input", outcome.input, this.#host.maxPayloadBytes);
      } catch (error) {
        return this.#park(error);
      }
      events.push({
        type: EventType.Completed,
        target: "",
        seq: 0,
        payloadText: `{"restartedWith":${inputText}}`,
        at: now,
      });
      restart = { inputText };
    } else {
      end = endOf(outcome, this.#executor.cancelDelivered, this.#host.maxPayloadBytes);
      const type =
        end.status === RunStatus.Completed
          ? EventType.Completed
          : end.status === RunStatus.Cancelled
            ? EventType.Cancelled
            : EventType.Failed;
      const payloadText = end.status === RunStatus.Completed ? `{"result":${end.resultText}}` : end.errorText;
      events.push({ type, target: "", seq: 0, payloadText, at: now });
    }
    this.abortAll(new CancelledError(this.key.runId));
    const ok = await this.#commit(
      { ...step, events, hold: false, wakeAt: null, ...(end ? { end } : {}), ...(restart ? { restart } : {}) },
      now,
    );
    if (ok) this.#finish(undefined, end && endingOf(end));
  }

  async #commit(
    step: Omit<
      StepWrite,
      | "key"
      | "owner"
      | "iteration"
      | "expectedVersion"
      | "firstPos"
      | "observedWakeGen"
      | "now"
      | "leaseUntil"
      | "hasTaskRows"
    >,
    now: number,
  ): Promise<boolean> {
    const result = await this.#host.commit({
      ...step,
      key: this.key,
      owner: this.#host.owner,
      iteration: this.#iteration,
      expectedVersion: this.#version,
      firstPos: this.#nextPos,
      observedWakeGen: this.#observedWakeGen,
      hasTaskRows: [...this.#tasks.values()].some((task) => task.persisted),
      now,
      leaseUntil: now + this.#host.leaseMs,
    });
    if (!result.ok) {
      this.#host.logError(
        `step not written: ${result.reason}; the run is left to its current owner`,
        undefined,
        this.key,
      );
      this.abortAll(new CancelledError(this.key.runId));
      this.#finish(undefined);
      // If the lease is still ours (e.g. a duplicate event), hand the run back at once rather than at lease expiry.
      await this.#host.store.release(this.key, this.#host.owner, now).catch(() => {});
      return false;
    }
    this.#version = result.version;
    this.#nextPos = result.nextPos;
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

  async #park(error: unknown): Promise<void> {
    this.abortAll(error);
    this.#finish(undefined);
    await this.#host.park(this.key, error);
  }

  #finish(cached: CachedRun | undefined, ending?: LocalRunEnding): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#host.released(this, cached, ending);
  }

  #snapshot(): CachedRun {
    return {
      executor: this.#executor,
      version: this.#version,
      iteration: this.#iteration,
      nextPos: this.#nextPos,
      tasks: this.#tasks,
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
    for (const command of this.#executor.pending()) consider(command.deadline);
    for (const task of this.#tasks.values())
      if (!task.controller && this.#executor.activityInput(task.target, task.seq)) consider(task.readyAt);
    return next;
  }

  #scheduleTimer(now: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    const next = this.#nextDeadline();
    if (next === undefined) return;
    this.#timer = setTimeout(() => this.pump(), Math.max(0, next - now));
    this.#timer.unref?.();
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
    const fn = typeof registration === "function" ? registration : registration.fn;
    const options = this.#optionsOf(task.target, task.seq);
    const controller = new AbortController();
    task.controller = controller;
    const attempt = task.attempt + 1;
    const { namespace, workflow, runId } = this.key;
    const context: ActivityContext = {
      namespace,
      workflow,
      runId,
      iteration: this.#iteration,
      activity: task.target,
      seq: task.seq,
      attempt,
      idempotencyKey: `${namespace}/${workflow}/${runId}/${this.#iteration}/${task.target}/${task.seq}`,
      signal: controller.signal,
    };
    let completion: Completion;
    try {
      const input = JSON.parse(stored.inputText) as never;
      const result = await withTimeout(
        (fn as (ctx: ActivityContext, backends: unknown, input: unknown) => Promise<unknown>)(
          context,
          this.#host.backends,
          input,
        ),
        options.timeout === undefined ? undefined : toMillis(options.timeout),
        controller,
        task.target,
      );
      try {
        const resultText =
          result === undefined
            ? "null"
            : encodePayload(`activity ${task.target} result`, result, this.#host.maxPayloadBytes);
        completion = { target: task.target, seq: task.seq, attempt, resultText };
      } catch (error) {
        completion = { target: task.target, seq: task.seq, attempt, error, final: true };
      }
    } catch (error) {
      completion = { target: task.target, seq: task.seq, attempt, error, final: false };
    }
    // task.controller stays set until the completion is applied, so no step sees the task as due again.
    if (this.#done) return;
    this.#completions.push(completion);
    this.pump();
  }
}

interface MutableStep {
  taskInserts: { target: string; seq: number; attempt: number; readyAt: number; lastError: string }[];
  taskDeletes: { target: string; seq: number }[];
  taskUpdates: { target: string; seq: number; attempt: number; readyAt: number; lastError: string }[];
  signalsConsumed: { id: number; seq: number }[];
}

function newStep(): MutableStep {
  return { taskInserts: [], taskDeletes: [], taskUpdates: [], signalsConsumed: [] };
}

function endingOf(end: NonNullable<StepWrite["end"]>): LocalRunEnding {
  const status = end.status as RunStatus;
  if (end.resultText !== null) return { status, result: JSON.parse(end.resultText) as unknown };
  return { status, error: JSON.parse(end.errorText ?? "null") as SerializedError };
}

function sortBySeq(commands: PendingCommand[]): PendingCommand[] {
  return commands.sort((a, b) => a.seq - b.seq);
}

function endOf(
  outcome: { kind: "completed"; result: unknown } | { kind: "failed"; error: unknown },
  cancelDelivered: boolean,
  maxPayloadBytes: number,
): NonNullable<StepWrite["end"]> {
  if (outcome.kind === "completed") {
    try {
      const resultText =
        outcome.result === undefined ? "null" : encodePayload("workflow result", outcome.result, maxPayloadBytes);
      return { status: RunStatus.Completed, resultText, errorText: null };
    } catch (error) {
      return { status: RunStatus.Failed, resultText: null, errorText: JSON.stringify(serializeError(error)) };
    }
  }
  const cancelled = cancelDelivered && outcome.error instanceof CancelledError;
  return {
    status: cancelled ? RunStatus.Cancelled : RunStatus.Failed,
    resultText: null,
    errorText: JSON.stringify(serializeError(outcome.error)),
  };
}

async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number | undefined,
  controller: AbortController,
  name: string,
): Promise<T> {
  if (timeoutMs === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ActivityTimeoutError(name, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
