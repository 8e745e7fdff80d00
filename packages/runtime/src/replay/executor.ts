import type { ActivityOptions, RunContext, WorkflowFn } from "../api.js";
import { CancelledError } from "../errors.js";
import { EventType, isEndEvent, type NewEvent, newEvent, type RecordedEvent } from "../history/index.js";
import { unreachable } from "../unreachable.js";
import { checkTarget, encodeCommandInput } from "./command-input.js";
import {
  type CommandKind,
  commandKey,
  type PendingCommand,
  requestEvent,
  resolvesWhenRecorded,
  type WaitingCommand,
} from "./commands.js";
import { isReplayedRequest, matches, recordedDeadline } from "./matching.js";
import { afterEnd, describeIssued, nonDeterminism, unrequested } from "./nondeterminism.js";
import { DeterministicRandom } from "./prng.js";
import { createRunContext } from "./run-context.js";
import { settleActivity, settleChild, settleSignal } from "./settle.js";

/** Identity of the run an executor replays. */
export interface RunIdentity {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  /** Seed of random()/uuid() when not the run's own: a fork keeps its source's ("ns/workflow/runId"). */
  readonly seed?: string | undefined;
  /**
   * The iteration whose random()/uuid() stream this one continues: a reset's new iteration
   * replays the steps it copied from that one with the values they were recorded with.
   */
  readonly seedIteration?: number | undefined;
  /** The tick of the schedule that started the run, ms since the epoch. */
  readonly scheduledAt?: number | undefined;
}

/** How an iteration ended. */
export type Outcome =
  | { readonly kind: "completed"; readonly result: unknown }
  | { readonly kind: "failed"; readonly error: unknown }
  | { readonly kind: "restart"; readonly input: unknown };

/** A promise that never settles: the workflow function stops at this await for good. */
const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** Lets queued microtasks run, so the workflow reaches its next await. */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs one iteration of a workflow deterministically. Replay-safe: no I/O, and no clock of
 * its own: the driver supplies the time of new commands (`setClock`), and replay takes every
 * time from the recorded events.
 *
 * Every command gets a key (kind, target, per-key sequence). In replay, issued commands are
 * matched in order against the recorded requests; completions are delivered one at a time
 * in history order, with the microtask queue drained between them, so the workflow sees
 * exactly what it saw the first time. Past the end of history, new commands and new
 * completions are appended to the outbox, in the order they happen, for the driver to write.
 *
 * Once the iteration has an outcome or a fault, every further command returns a promise
 * that never settles: the workflow function is abandoned at that await, and is garbage
 * once the executor is dropped.
 */
export class RunExecutor {
  readonly identity: RunIdentity;
  /** Commands waiting for their completion, in issue order. */
  readonly #waiting = new Map<string, WaitingCommand>();
  /** Keys of commands already resolved: a second completion for one is ignored. */
  readonly #answered = new Set<string>();
  readonly #sequences = new Map<string, number>();
  /** The recorded requests, matched in order against the commands the code issues. */
  readonly #recorded: RecordedEvent[] = [];
  #recordedCursor = 0;
  /** The recorded end of the iteration, when the history is of an ended one (replayHistory). */
  #recordedEnd: RecordedEvent | undefined;
  /** The answer of each patch checked in this iteration. */
  readonly #patches = new Map<string, boolean>();
  #outbox: NewEvent[] = [];
  /** What `now()` returns: the time of the latest event the workflow has seen. */
  #time: number;
  #clock: () => number;
  readonly #random: DeterministicRandom;
  #outcome: Outcome | undefined;
  #fault: Error | undefined;
  #cancelPending = false;
  #cancelDelivered = false;
  readonly #maxPayloadBytes: number;

  constructor(identity: RunIdentity, createdAt: number, options: { maxPayloadBytes: number }) {
    this.identity = identity;
    this.#time = createdAt;
    this.#clock = () => createdAt;
    // The seed must never change: runs in flight replay with the values it gave them.
    const seed = identity.seed ?? `${identity.namespace}/${identity.workflow}/${identity.runId}`;
    this.#random = new DeterministicRandom(`${seed}/${identity.seedIteration ?? identity.iteration}`);
    this.#maxPayloadBytes = options.maxPayloadBytes;
  }

  /** How the iteration ended, once it has. */
  get outcome(): Outcome | undefined {
    return this.#outcome;
  }

  /** A determinism violation found while running; the run must be parked. */
  get fault(): Error | undefined {
    return this.#fault;
  }

  get cancelDelivered(): boolean {
    return this.#cancelDelivered;
  }

  /**
   * Sets the source of time for what happens live (past the end of history): new sleep and
   * signal deadlines, counted from the moment the workflow asks, and the stamps of new events.
   */
  setClock(clock: () => number): void {
    this.#clock = clock;
  }

  /** Starts the workflow function and replays the recorded history after `created`. */
  async start(fn: WorkflowFn, input: unknown, history: readonly RecordedEvent[]): Promise<void> {
    for (const event of history) {
      if (isReplayedRequest(event)) this.#recorded.push(event);
      else if (isEndEvent(event)) this.#recordedEnd = event;
    }
    const context = this.#context();
    let promise: Promise<unknown>;
    try {
      promise = (fn as (ctx: RunContext, input: unknown) => Promise<unknown>)(context, input);
    } catch (error) {
      promise = Promise.reject(error);
    }
    Promise.resolve(promise).then(
      (result) => this.#end({ kind: "completed", result }),
      (error: unknown) => this.#end({ kind: "failed", error }),
    );
    await drain();
    for (const event of history) {
      if (this.#outcome || this.#fault) return;
      if (event.pos === null || event.pos === 0 || isReplayedRequest(event)) continue;
      this.#apply(event, false);
      await drain();
    }
    // Every completion was delivered: code that matches its history has issued every
    // recorded command by now. One left means the code waits somewhere it did not before.
    const unissued = this.#recorded[this.#recordedCursor];
    if (unissued !== undefined && !this.#outcome && !this.#fault) {
      this.#fail(nonDeterminism(this.identity.runId, unissued, "nothing: the code waits elsewhere before it"));
    }
  }

  /** Delivers a new completion (live), records it in the outbox, and lets the workflow run. */
  async deliver(event: NewEvent, payload: unknown): Promise<void> {
    this.#outbox.push(event);
    this.#apply({ ...event, iteration: this.identity.iteration, pos: null, payload } as RecordedEvent, true);
    await drain();
  }

  /** Takes the events produced since the last call, in order. */
  takeOutbox(): NewEvent[] {
    const out = this.#outbox;
    this.#outbox = [];
    return out;
  }

  /** Commands issued and not yet resolved, in issue order. */
  pending(kind?: CommandKind): PendingCommand[] {
    const out: PendingCommand[] = [];
    for (const command of this.#waiting.values()) if (kind === undefined || command.kind === kind) out.push(command);
    return out;
  }

  /** The stored input of an activity that is still waiting for its response, and when it was requested. */
  activityInput(
    target: string,
    seq: number,
  ): { inputText: string; issuedAt: number; options?: ActivityOptions } | undefined {
    const command = this.#waiting.get(commandKey("activity", target, seq));
    if (command === undefined) return undefined;
    const { inputText, issuedAt, options } = command;
    return { inputText, issuedAt, ...(options === undefined ? {} : { options }) };
  }

  #apply(event: RecordedEvent, live: boolean): void {
    this.#time = Math.max(this.#time, event.at);
    switch (event.type) {
      case EventType.CancelDelivered:
        this.#applyCancel();
        return;
      case EventType.ActivityResponse:
        this.#complete("activity", event, live, (command) => settleActivity(command, event.payload));
        return;
      case EventType.SleepDone:
        this.#complete("sleep", event, live, (command) => command.resolve(undefined));
        return;
      case EventType.SignalResponse:
        this.#complete("signal", event, live, (command) => settleSignal(command, event.payload));
        return;
      case EventType.ChildResponse:
        this.#complete("child", event, live, (command) => settleChild(command, event.payload));
        return;
      // Requests are matched as the code issues them (#issue), not here.
      case EventType.Created:
      case EventType.ActivityRequest:
      case EventType.SleepRequest:
      case EventType.SignalRequest:
      case EventType.Output:
      case EventType.ChildRequest:
      case EventType.SignalSent:
      case EventType.TagsSet:
      // The end of an iteration is where the code arrives by itself.
      case EventType.Completed:
      case EventType.Restarted:
      case EventType.Failed:
      case EventType.Cancelled:
      case EventType.Patched:
      // Not part of replay: the engine turns it into cancel_delivered; operators' marks.
      case EventType.CancelRequested:
      case EventType.Resumed:
      case EventType.Forked:
      case EventType.Paused:
      case EventType.Unpaused:
      case EventType.Terminated:
      case EventType.Reset:
        return;
      default:
        unreachable(event);
    }
  }

  #complete(kind: CommandKind, event: RecordedEvent, live: boolean, settle: (command: WaitingCommand) => void): void {
    const key = commandKey(kind, event.target, event.seq);
    const command = this.#waiting.get(key);
    if (command === undefined) {
      // Live, a late answer for a command that was cancelled or whose run moved on is dropped.
      if (live || this.#answered.has(key)) return;
      this.#fail(unrequested(this.identity.runId, kind, event));
      return;
    }
    this.#waiting.delete(key);
    this.#answered.add(key);
    settle(command);
  }

  #applyCancel(): void {
    this.#cancelDelivered = true;
    if (this.#waiting.size === 0) {
      // Nothing to interrupt now: the next command the workflow issues is refused instead.
      this.#cancelPending = true;
      return;
    }
    const waiting = [...this.#waiting.entries()];
    this.#waiting.clear();
    for (const [key, command] of waiting) {
      this.#answered.add(key);
      command.reject(new CancelledError(this.identity.runId));
    }
  }

  /**
   * Ends the iteration as failed from outside the workflow (the run's timeout passed): the
   * workflow function is abandoned where it waits.
   */
  failRun(error: Error): void {
    if (this.#outcome === undefined && this.#fault === undefined) this.#outcome = { kind: "failed", error };
  }

  #end(outcome: Outcome): void {
    if (this.#outcome !== undefined || this.#fault !== undefined) return;
    // Ending while recorded commands are left means the code took a shorter path than it did
    // when they were recorded: a card charged, a result that says "free". Park, do not skip.
    const unissued = this.#recorded[this.#recordedCursor];
    if (unissued !== undefined) {
      this.#fail(nonDeterminism(this.identity.runId, unissued, `the iteration ending (${outcome.kind}) before it`));
      return;
    }
    this.#outcome = outcome;
  }

  #fail(error: Error): void {
    if (this.#fault === undefined) this.#fault = error;
  }

  #context(): RunContext {
    return createRunContext(this.identity, {
      issue: (kind, target, input, options) => this.#issue(kind, target, input, options),
      restart: (input) => {
        this.#end({ kind: "restart", input });
        return never();
      },
      patched: (patchId) => this.#patched(patchId),
      deprecatePatch: (patchId) => this.#deprecatePatch(patchId),
      now: () => this.#time,
      random: () => this.#random.random(),
      uuid: () => this.#random.uuid(),
    });
  }

  /** See RunContext.patched. A marker is matched in order like a command, but its absence is an answer, not a fault. */
  #patched(patchId: string): boolean {
    const known = this.#patches.get(patchId);
    if (known !== undefined) return known;
    if (this.#outcome || this.#fault) return false;
    const recorded = this.#recorded[this.#recordedCursor];
    let answer: boolean;
    if (recorded !== undefined) {
      answer = recorded.type === EventType.Patched && recorded.target === patchId;
      if (answer) this.#recordedCursor++;
    } else if (this.#recordedEnd !== undefined) {
      // The whole iteration is recorded (replayHistory of an ended run): it never took the patch.
      answer = false;
    } else {
      this.#outbox.push(newEvent.patched(patchId, this.#clock()));
      answer = true;
    }
    this.#patches.set(patchId, answer);
    return answer;
  }

  /** See RunContext.deprecatePatch: consumes the marker when the history has it here. */
  #deprecatePatch(patchId: string): void {
    const recorded = this.#recorded[this.#recordedCursor];
    if (recorded?.type === EventType.Patched && recorded.target === patchId) this.#recordedCursor++;
  }

  #issue(kind: CommandKind, target: string, input: unknown, options?: ActivityOptions): Promise<unknown> {
    if (this.#outcome || this.#fault) return never();
    try {
      checkTarget(kind, target);
    } catch (error) {
      return Promise.reject(error);
    }
    const seqKey = `${kind}\u0000${target}`;
    const seq = this.#sequences.get(seqKey) ?? 0;
    this.#sequences.set(seqKey, seq + 1);
    let inputText: string;
    try {
      inputText = encodeCommandInput(kind, target, input, this.#maxPayloadBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    const recordedAt = this.#recorded[this.#recordedCursor]?.at;
    const issuedAt = recordedAt ?? this.#clock();
    const deadline = this.#record(kind, target, seq, input, inputText, issuedAt);
    if (deadline === false) return never();
    if (resolvesWhenRecorded(kind, input)) return Promise.resolve();
    if (this.#cancelPending) {
      this.#cancelPending = false;
      return Promise.reject(new CancelledError(this.identity.runId));
    }
    return new Promise((resolve, reject) => {
      this.#waiting.set(commandKey(kind, target, seq), {
        kind,
        target,
        seq,
        input,
        inputText,
        ...(options === undefined ? {} : { options }),
        ...(deadline === undefined ? {} : { deadline }),
        issuedAt,
        resolve,
        reject,
      });
    });
  }

  /**
   * Matches the command against the next recorded request, or appends it to the outbox past
   * the end of history. Returns the command's deadline (sleeps and signal timeouts), or
   * false after a determinism fault.
   */
  #record(
    kind: CommandKind,
    target: string,
    seq: number,
    input: unknown,
    inputText: string,
    at: number,
  ): number | undefined | false {
    const recorded = this.#recorded[this.#recordedCursor];
    if (recorded !== undefined) {
      this.#recordedCursor++;
      if (!matches(kind, target, seq, inputText, recorded)) {
        this.#fail(nonDeterminism(this.identity.runId, recorded, describeIssued(kind, target, seq, inputText)));
        return false;
      }
      return recordedDeadline(recorded);
    }
    if (this.#recordedEnd !== undefined) {
      this.#fail(afterEnd(this.identity.runId, this.#recordedEnd, describeIssued(kind, target, seq, inputText)));
      return false;
    }
    const { event, deadline } = requestEvent(kind, target, seq, input, inputText, at);
    this.#outbox.push(event);
    return deadline;
  }
}
