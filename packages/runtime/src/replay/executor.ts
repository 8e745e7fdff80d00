import type { ActivityOptions, RunContext, WorkflowFn } from "../api.js";
import { CancelledError, ReplayError, type SerializedError } from "../errors.js";
import { type NewEvent, newEvent, type RecordedEvent } from "../history/index.js";
import { applyEvent } from "./apply.js";
import { checkTarget, encodeCommandInput } from "./command-input.js";
import { CommandTable } from "./command-table.js";
import {
  type CommandKind,
  commandKey,
  type PendingCommand,
  type RecordedCommand,
  requestEvent,
  resolvesWhenRecorded,
  type WaitingCommand,
} from "./commands.js";
import { Conditions } from "./conditions.js";
import type { ExecutorOptions, Outcome, RunIdentity } from "./executor-types.js";
import { completionEvent, type QueryAnswer, RunHandlers, type RunningUpdate, type UpdateOutcome } from "./handlers.js";
import { isReplayedRequest } from "./matching.js";
import { afterEnd, nonDeterminism, unhandledUpdate, unrequested } from "./nondeterminism.js";
import { DeterministicRandom } from "./prng.js";
import { RecordedHistory, sameCompletion } from "./recorded.js";
import { type CommandSink, createRunContext } from "./run-context.js";
import { IterationTokens } from "./tokens.js";

export type { ExecutorOptions, Outcome, RunIdentity } from "./executor-types.js";

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
  readonly #commands = new CommandTable();
  /** What replay matches the code against; empty until start(). */
  #recorded = new RecordedHistory([]);
  // The state of features most runs never use (updates and queries, conditions, patches,
  // tokens) is made at their first use: a cached run that waits keeps none of it.
  /** The update and query handlers the code registered, and the updates whose handler runs. */
  #handlers: RunHandlers | undefined;
  #conditions: Conditions | undefined;
  /** Set while a validator, query handler or predicate runs: what runs (see ReadOnlyContextError). */
  #readOnly: string | undefined;
  /** restart(input) was called while update handlers ran: the iteration ends once they finish. */
  #pendingRestart: { readonly input: unknown } | undefined;
  /** The answer of each patch checked in this iteration. */
  #patches: Map<string, boolean> | undefined;
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
  readonly #newTokenId: () => string;
  #tokens: IterationTokens | undefined;

  constructor(identity: RunIdentity, createdAt: number, options: ExecutorOptions) {
    this.identity = identity;
    this.#time = createdAt;
    this.#clock = () => createdAt;
    // The seed must never change: runs in flight replay with the values it gave them.
    const seed = identity.seed ?? `${identity.namespace}/${identity.workflow}/${identity.runId}`;
    this.#random = new DeterministicRandom(`${seed}/${identity.seedIteration ?? identity.iteration}`);
    this.#maxPayloadBytes = options.maxPayloadBytes;
    this.#newTokenId = options.newTokenId ?? noTokenIds;
  }

  #handlersOf(): RunHandlers {
    this.#handlers ??= new RunHandlers({
      runId: this.identity.runId,
      maxPayloadBytes: this.#maxPayloadBytes,
      readOnly: (where, fn) => this.#readOnlyRun(where, fn),
      updateEnded: (update, outcome) => this.#updateEnded(update, outcome),
    });
    return this.#handlers;
  }

  #tokensOf(): IterationTokens {
    this.#tokens ??= new IterationTokens();
    return this.#tokens;
  }

  #conditionsOf(): Conditions {
    this.#conditions ??= new Conditions({
      goesOn: () => !this.#outcome && !this.#fault,
      readOnly: (where, fn) => this.#readOnlyRun(where, fn),
      takePendingCancel: () => this.#takePendingCancel(),
      issueTimer: (timeoutMs) => {
        const seq = this.#commands.nextSeq("condition", "");
        const promise = this.#issue("condition", "", timeoutMs) as Promise<boolean>;
        return { promise, key: commandKey("condition", "", seq), seq };
      },
      waits: (key) => this.#commands.waiting(key) !== undefined,
      held: (key, seq) => this.#conditionHeld(key, seq),
      reject: (key, error) => this.#commands.waiting(key)?.reject(error),
    });
    return this.#conditions;
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
    this.#recorded = new RecordedHistory(history);
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
    await this.#settle();
    for (const event of history) {
      if (this.#outcome || this.#fault) return;
      if (event.pos === null || event.pos === 0 || isReplayedRequest(event)) continue;
      this.#apply(event, false);
      await this.#settle();
    }
    // Every completion was delivered: code that matches its history has issued every
    // recorded command by now. One left means the code waits somewhere it did not before.
    const unissued = this.#recorded.next;
    if (unissued !== undefined && !this.#outcome && !this.#fault) {
      this.#fail(nonDeterminism(this.identity.runId, unissued, "nothing: the code waits elsewhere before it"));
    }
  }

  /** Delivers a new completion (live), records it in the outbox, and lets the workflow run. */
  async deliver(event: NewEvent, payload: unknown): Promise<void> {
    this.#outbox.push(event);
    this.#apply({ ...event, iteration: this.identity.iteration, pos: null, payload } as RecordedEvent, true);
    await this.#settle();
  }

  /**
   * Lets the workflow run as far as it can, then settles the conditions whose predicate holds,
   * and again while that lets it go on. Live and in replay alike, after every delivered event.
   */
  async #settle(): Promise<void> {
    await drain();
    while (this.#conditions?.settle()) await drain();
  }

  /** False while the run cannot take an update: it ended, faulted, or waits to restart. */
  get acceptsUpdates(): boolean {
    return !this.#outcome && !this.#fault && this.#pendingRestart === undefined;
  }

  /**
   * Why the run would refuse update `name` with `input` now (it has no handler for it, or its
   * validator threw), or undefined when it takes it. Runs the validator read-only; never recorded.
   */
  validateUpdate(name: string, input: unknown): SerializedError | undefined {
    return this.#handlersOf().validate(name, input);
  }

  /** Accepts a validated update (live): records update_accepted here and starts its handler. */
  async acceptUpdate(updateId: string, name: string, inputText: string, input: unknown): Promise<void> {
    const event = newEvent.updateAccepted(name, this.#handlersOf().nextSeq(name), updateId, inputText, this.#clock());
    await this.deliver(event, { updateId, input });
  }

  /** Updates accepted and not finished, in the order they were accepted. */
  runningUpdates(): RunningUpdate[] {
    return this.#handlers?.runningUpdates() ?? [];
  }

  /** Answers query `name` from the run's state now; records nothing. */
  query(name: string, input: unknown): QueryAnswer {
    return this.#handlersOf().query(name, input);
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
    for (const command of this.#commands.values()) if (kind === undefined || command.kind === kind) out.push(command);
    return out;
  }

  /** The stored input of an activity that is still waiting for its response, and when it was requested. */
  activityInput(
    target: string,
    seq: number,
  ): { inputText: string; issuedAt: number; options?: ActivityOptions } | undefined {
    const command = this.#commands.waiting(commandKey("activity", target, seq));
    if (command === undefined) return undefined;
    const { inputText, issuedAt, options } = command;
    return { inputText, issuedAt, ...(options === undefined ? {} : { options }) };
  }

  #apply(event: RecordedEvent, live: boolean): void {
    this.#time = Math.max(this.#time, event.at);
    applyEvent(event, {
      cancel: () => this.#applyCancel(),
      complete: (kind, settle) => this.#complete(kind, event, live, settle),
      beginUpdate: (update, input) => {
        if (!this.#handlersOf().begin(update, input)) this.#fail(unhandledUpdate(this.identity.runId, update));
      },
    });
  }

  #complete(kind: CommandKind, event: RecordedEvent, live: boolean, settle: (command: WaitingCommand) => void): void {
    const key = commandKey(kind, event.target, event.seq);
    const command = this.#commands.answer(key);
    if (command === undefined) {
      // Live, a late answer for a command that was cancelled or whose run moved on is dropped.
      if (live || this.#commands.answered(key)) return;
      this.#fail(unrequested(this.identity.runId, kind, event));
      return;
    }
    settle(command);
  }

  #applyCancel(): void {
    this.#cancelDelivered = true;
    const waiting = this.#commands.answerAll();
    for (const command of waiting) command.reject(new CancelledError(this.identity.runId));
    const conditions = this.#conditions?.rejectAll(new CancelledError(this.identity.runId)) === true;
    // Nothing to interrupt now: the next command the workflow issues is refused instead.
    if (waiting.length === 0 && !conditions) this.#cancelPending = true;
  }

  /** An update's handler ended: its completion is recorded (or matched, in replay). */
  #updateEnded(update: RunningUpdate, outcome: UpdateOutcome): void {
    if (this.#outcome || this.#fault) return;
    const event = completionEvent(update, outcome, this.#maxPayloadBytes, this.#clock());
    const recorded = this.#recorded.next;
    if (recorded !== undefined) {
      this.#recorded.advance();
      if (!sameCompletion(recorded, event)) {
        this.#fail(nonDeterminism(this.identity.runId, recorded, `${event.type} ${event.payloadText ?? ""}`));
      }
    } else if (this.#recorded.end !== undefined) {
      this.#fail(afterEnd(this.identity.runId, this.#recorded.end, `${event.type} ${update.name}#${update.seq}`));
    } else {
      this.#outbox.push(event);
    }
    const restart = this.#pendingRestart;
    if (restart !== undefined && (this.#handlers?.running ?? 0) === 0)
      this.#end({ kind: "restart", input: restart.input });
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
    if (outcome.kind === "restart" && (this.#handlers?.running ?? 0) > 0) {
      // Continue-as-new waits for the update handlers that run (see RunContext.restart).
      this.#pendingRestart = { input: outcome.input };
      return;
    }
    // Ending while recorded commands are left means the code took a shorter path than it did
    // when they were recorded: a card charged, a result that says "free". Park, do not skip.
    const unissued = this.#recorded.next;
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
    return createRunContext(this.identity, new RunExecutor.#Sink(this));
  }

  /**
   * What the run context asks of this executor (CommandSink): one small object whose methods are
   * shared on its class, where twelve closures were, so that a run cached for days keeps less.
   * Declared inside the class body, it reaches the executor's private members.
   */
  static readonly #Sink = class ExecutorSink implements CommandSink {
    readonly #executor: RunExecutor;
    constructor(executor: RunExecutor) {
      this.#executor = executor;
    }
    issue(kind: CommandKind, target: string, input: unknown, options?: ActivityOptions): Promise<unknown> {
      return this.#executor.#issue(kind, target, input, options);
    }
    onUpdate(name: string, handler: unknown, validator: unknown): void {
      this.#executor.#handlersOf().onUpdate(name, handler, validator);
    }
    onQuery(name: string, handler: unknown): void {
      this.#executor.#handlersOf().onQuery(name, handler);
    }
    condition(predicate: () => unknown, timeoutMs: number | undefined): Promise<boolean> {
      return this.#executor.#conditionsOf().wait(predicate, timeoutMs);
    }
    restart(input: unknown): Promise<never> {
      this.#executor.#end({ kind: "restart", input });
      return never();
    }
    patched(patchId: string): boolean {
      return this.#executor.#patched(patchId);
    }
    deprecatePatch(patchId: string): void {
      this.#executor.#recorded.deprecatePatch(patchId);
    }
    awaitToken(tokenId: string): Promise<unknown> {
      const executor = this.#executor;
      return executor.#tokensOf().await(tokenId, (deadline) => executor.#issue("tokenAwait", tokenId, { deadline }));
    }
    now(): number {
      return this.#executor.#time;
    }
    random(): number {
      return this.#executor.#random.random();
    }
    uuid(): string {
      return this.#executor.#random.uuid();
    }
    readOnly(): string | undefined {
      return this.#executor.#readOnly;
    }
  };

  /** Runs `fn` with the context read-only (see ReadOnlyContextError): `where` names what runs. */
  #readOnlyRun<T>(where: string, fn: () => T): T {
    const before = this.#readOnly;
    this.#readOnly = where;
    try {
      return fn();
    } finally {
      this.#readOnly = before;
    }
  }

  /** See RunContext.patched. A marker is matched in order like a command, but its absence is an answer, not a fault. */
  #patched(patchId: string): boolean {
    const known = this.#patches?.get(patchId);
    if (known !== undefined) return known;
    if (this.#outcome || this.#fault) return false;
    let answer = this.#recorded.patch(patchId);
    if (answer === undefined) {
      this.#outbox.push(newEvent.patched(patchId, this.#clock()));
      answer = true;
    }
    this.#patches ??= new Map();
    this.#patches.set(patchId, answer);
    return answer;
  }

  /** A cancellation that found nothing to interrupt: the next wait takes it and rejects. */
  #takePendingCancel(): Error | undefined {
    if (!this.#cancelPending) return undefined;
    this.#cancelPending = false;
    return new CancelledError(this.identity.runId);
  }

  /** A condition with a timeout held: its timer is moot, and (live) its outcome is recorded. */
  #conditionHeld(key: string, seq: number): void {
    const command = this.#commands.answer(key);
    if (command === undefined) return;
    if (!this.#recorded.hasConditionResult(seq)) this.#outbox.push(newEvent.conditionSatisfied(seq, this.#clock()));
    command.resolve(true);
  }

  #issue(kind: CommandKind, target: string, input: unknown, options?: ActivityOptions): Promise<unknown> {
    if (this.#outcome || this.#fault) return never();
    try {
      checkTarget(kind, target);
    } catch (error) {
      return Promise.reject(error);
    }
    const seq = this.#commands.takeSeq(kind, target);
    let inputText: string;
    try {
      inputText = encodeCommandInput(kind, target, input, this.#maxPayloadBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    const recordedAt = this.#recorded.next?.at;
    const issuedAt = recordedAt ?? this.#clock();
    const recorded = this.#record(kind, target, seq, input, inputText, issuedAt);
    if (recorded === false) return never();
    const { deadline, token } = recorded;
    if (token !== undefined) this.#tokensOf().created(token);
    if (resolvesWhenRecorded(kind, input)) return Promise.resolve(token === undefined ? undefined : { id: token.id });
    const cancelled = this.#takePendingCancel();
    if (cancelled) return Promise.reject(cancelled);
    return new Promise((resolve, reject) => {
      this.#commands.wait({
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
   * the end of history. Returns the command's deadline (sleeps, signal and event timeouts, a
   * token's expiry) and the token it created, or false after a determinism fault.
   */
  #record(
    kind: CommandKind,
    target: string,
    seq: number,
    input: unknown,
    inputText: string,
    at: number,
  ): RecordedCommand | false {
    const matched = this.#recorded.match(this.identity.runId, kind, target, seq, inputText);
    if (matched instanceof Error) {
      this.#fail(matched);
      return false;
    }
    if (matched !== undefined) return matched;
    const { event, ...command } = requestEvent(kind, target, seq, input, inputText, at, this.#newTokenId);
    this.#outbox.push(event);
    return command;
  }
}

function noTokenIds(): never {
  throw new ReplayError(
    "INVALID_ARGUMENT",
    "this executor was given no source of token ids (ExecutorOptions.newTokenId), so ctx.createToken cannot create one",
  );
}
