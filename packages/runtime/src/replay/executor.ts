import { toMillis } from "../duration.js";
import { ActivityFailure, CancelledError, NonDeterminismError, type SerializedError } from "../errors.js";
import { encodePayload } from "../json.js";
import { EventType } from "../store/mysql/schema.js";
import type { ActivityOptions, Duration, RunContext, WorkflowFn } from "../types.js";
import type { CommandKind, HistoryEvent, NewEvent, Outcome, PendingCommand } from "./history.js";
import { DeterministicRandom } from "./prng.js";

/** Identity of the run an executor replays. */
export interface RunIdentity {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
}

interface Command extends PendingCommand {
  readonly requestType: string;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const REQUEST_TYPE: Record<CommandKind, string> = {
  activity: EventType.ActivityRequest,
  sleep: EventType.SleepRequest,
  signal: EventType.SignalRequest,
  output: EventType.Output,
};

const COMPLETION_KIND: Record<string, CommandKind> = {
  [EventType.ActivityResponse]: "activity",
  [EventType.SleepDone]: "sleep",
  [EventType.SignalResponse]: "signal",
};

/** Lets queued microtasks run, so the workflow reaches its next await. */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs one iteration of a workflow deterministically. Replay-safe: no I/O, no clock.
 *
 * Every command gets a key (request type, target, per-key sequence). In replay, issued
 * commands are matched in order against the recorded requests; completions are delivered
 * one at a time in history order, with the microtask queue drained between them, so the
 * workflow sees exactly what it saw the first time. Past the end of history, new commands
 * and new completions are appended to the outbox, in the order they happen, for the driver
 * to write.
 */
export class RunExecutor {
  readonly identity: RunIdentity;
  /** Commands still waiting; settled ones move to #settled so per-step work stays O(pending). */
  readonly #commands = new Map<string, Command>();
  readonly #settled = new Set<string>();
  readonly #sequences = new Map<string, number>();
  readonly #recorded: HistoryEvent[] = [];
  #recordedCursor = 0;
  #outbox: NewEvent[] = [];
  #time: number;
  /** Wall time for new deadlines and event stamps; only consulted past the end of history. */
  #clock: () => number;
  readonly #random: DeterministicRandom;
  #outcome: Outcome | undefined;
  #fault: Error | undefined;
  #cancelPending = false;
  #cancelDelivered = false;
  readonly #maxPayloadBytes: number;
  readonly #invocations: { count: number };

  constructor(
    identity: RunIdentity,
    createdAt: number,
    options: { maxPayloadBytes: number; invocations?: { count: number } },
  ) {
    this.identity = identity;
    this.#time = createdAt;
    this.#clock = () => createdAt;
    this.#random = new DeterministicRandom(
      `${identity.namespace}/${identity.workflow}/${identity.runId}/${identity.iteration}`,
    );
    this.#maxPayloadBytes = options.maxPayloadBytes;
    this.#invocations = options.invocations ?? { count: 0 };
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
   * Sets the wall clock used live for new sleep and signal deadlines (from the moment the
   * workflow asks) and for the time stamps of new events. Replay uses the recorded values.
   */
  setClock(clock: () => number): void {
    this.#clock = clock;
  }

  /** Starts the workflow function and replays the recorded history after `created`. */
  async start(fn: WorkflowFn, input: unknown, history: readonly HistoryEvent[]): Promise<void> {
    for (const event of history) if (event.pos > 0 && REQUEST_TYPES.has(event.type)) this.#recorded.push(event);
    this.#invocations.count++;
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
      if (event.pos === 0 || REQUEST_TYPES.has(event.type)) continue;
      this.#applyCompletion(event, false);
      await drain();
    }
  }

  /** Delivers a new completion (live), records it in the outbox, and lets the workflow run. */
  async deliver(
    type: string,
    target: string,
    seq: number,
    payloadText: string | null,
    payload: unknown,
  ): Promise<void> {
    const at = this.#clock();
    const event: HistoryEvent = { pos: -1, type, target, seq, payloadText, payload, at };
    this.#outbox.push({ type, target, seq, payloadText, at });
    this.#applyCompletion(event, true);
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
    for (const command of this.#commands.values()) {
      if (!command.settled && (kind === undefined || command.kind === kind)) out.push(command);
    }
    return out;
  }

  /** The stored input of an activity command issued in this iteration, settled or not. */
  activityInput(target: string, seq: number): { inputText: string; options?: ActivityOptions } | undefined {
    const command = this.#commands.get(commandKey(EventType.ActivityRequest, target, seq));
    if (command?.inputText === undefined) return undefined;
    return { inputText: command.inputText, ...(command.options === undefined ? {} : { options: command.options }) };
  }

  /** True when the command exists and is still waiting. */
  isPending(kind: CommandKind, target: string, seq: number): boolean {
    const command = this.#commands.get(commandKey(REQUEST_TYPE[kind], target, seq));
    return command !== undefined && !command.settled;
  }

  #applyCompletion(event: HistoryEvent, live: boolean): void {
    this.#time = Math.max(this.#time, event.at);
    if (event.type === EventType.CancelDelivered) {
      this.#applyCancel();
      return;
    }
    const kind = COMPLETION_KIND[event.type];
    if (kind === undefined) return;
    const key = commandKey(REQUEST_TYPE[kind], event.target, event.seq);
    const command = this.#commands.get(key);
    if (command === undefined) {
      if (live || this.#settled.has(key)) return;
      this.#fail(
        new NonDeterminismError(
          this.identity.runId,
          event.target || kind,
          event.seq,
          `${event.type} at position ${event.pos}`,
          `no ${REQUEST_TYPE[kind]} for it`,
        ),
      );
      return;
    }
    this.#settle(key, command);
    settle(command, event.payload, this.identity.runId);
  }

  #applyCancel(): void {
    this.#cancelDelivered = true;
    const waiting = this.pending();
    if (waiting.length === 0) {
      this.#cancelPending = true;
      return;
    }
    for (const pending of waiting) {
      const command = pending as Command;
      this.#settle(commandKey(command.requestType, command.target, command.seq), command);
      command.reject(new CancelledError(this.identity.runId));
    }
  }

  #settle(key: string, command: Command): void {
    command.settled = true;
    this.#commands.delete(key);
    this.#settled.add(key);
  }

  #end(outcome: Outcome): void {
    if (this.#outcome === undefined) this.#outcome = outcome;
  }

  #fail(error: Error): void {
    if (this.#fault === undefined) this.#fault = error;
  }

  #context(): RunContext {
    const { namespace, workflow, runId, iteration } = this.identity;
    return {
      namespace,
      workflow,
      runId,
      iteration,
      execActivity: (name, input, options) => this.#issue("activity", name, input, options),
      awaitSignal: (signal, timeout) => this.#issue("signal", signal, { timeout: toMillis(timeout) }),
      sleep: (duration: Duration) => this.#issue("sleep", "", { duration: toMillis(duration) }) as Promise<void>,
      emitOutput: (output, message) => this.#issue("output", output, message) as Promise<void>,
      restart: (input) => {
        this.#end({ kind: "restart", input });
        return new Promise<never>(() => {});
      },
      now: () => new Date(this.#time),
      random: () => this.#random.random(),
      uuid: () => this.#random.uuid(),
    };
  }

  #issue(kind: CommandKind, target: string, input: unknown, options?: ActivityOptions): Promise<unknown> {
    if (this.#outcome || this.#fault) return new Promise(() => {});
    const requestType = REQUEST_TYPE[kind];
    const seqKey = `${requestType}\u0000${target}`;
    const seq = this.#sequences.get(seqKey) ?? 0;
    this.#sequences.set(seqKey, seq + 1);
    let inputText: string;
    try {
      inputText = encodePayload(
        kind === "output" ? `output ${target}` : `${kind} ${target} input`,
        input,
        this.#maxPayloadBytes,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    const recorded = this.#recorded[this.#recordedCursor];
    let deadline: number | undefined;
    if (recorded !== undefined) {
      this.#recordedCursor++;
      const issued = describe(requestType, target, seq, inputText);
      if (recorded.type !== requestType || recorded.target !== target || recorded.seq !== seq) {
        this.#fail(nonDeterminism(this.identity.runId, recorded, issued));
        return new Promise(() => {});
      }
      if (!sameInput(kind, recorded, inputText)) {
        this.#fail(nonDeterminism(this.identity.runId, recorded, issued));
        return new Promise(() => {});
      }
      deadline = recordedDeadline(kind, recorded.payload);
    } else {
      const at = this.#clock();
      deadline = kind === "sleep" || kind === "signal" ? this.#deadline(input, at) : undefined;
      const payloadText = deadline === undefined ? inputText : JSON.stringify({ ...(input as object), deadline });
      this.#outbox.push({ type: requestType, target, seq, payloadText, at });
    }
    if (kind === "output") return Promise.resolve();
    if (this.#cancelPending) {
      this.#cancelPending = false;
      return Promise.reject(new CancelledError(this.identity.runId));
    }
    return new Promise((resolve, reject) => {
      const command: Command = {
        kind,
        target,
        seq,
        requestType,
        input,
        inputText,
        ...(options === undefined ? {} : { options }),
        ...(deadline === undefined ? {} : { deadline }),
        settled: false,
        resolve,
        reject,
      };
      this.#commands.set(commandKey(requestType, target, seq), command);
    });
  }

  #deadline(input: unknown, now: number): number {
    const { duration, timeout } = input as { duration?: number; timeout?: number };
    return now + (duration ?? timeout ?? 0);
  }
}

const REQUEST_TYPES = new Set<string>(Object.values(REQUEST_TYPE));

function commandKey(requestType: string, target: string, seq: number): string {
  return `${requestType}\u0000${target}\u0000${seq}`;
}

function settle(command: Command, payload: unknown, runId: string): void {
  const body = (payload ?? {}) as Record<string, unknown>;
  switch (command.kind) {
    case "activity":
      if ("error" in body) {
        const attempts = typeof body.attempts === "number" ? body.attempts : 1;
        command.reject(new ActivityFailure(command.target, command.seq, attempts, body.error as SerializedError));
      } else {
        command.resolve(body.result);
      }
      return;
    case "signal":
      command.resolve("timedOut" in body ? undefined : body.message);
      return;
    case "sleep":
      command.resolve(undefined);
      return;
    default:
      command.reject(new CancelledError(runId));
  }
}

function sameInput(kind: CommandKind, recorded: HistoryEvent, inputText: string): boolean {
  if (kind === "sleep" || kind === "signal") {
    const stored = (recorded.payload ?? {}) as Record<string, unknown>;
    const issued = JSON.parse(inputText) as Record<string, unknown>;
    const field = kind === "sleep" ? "duration" : "timeout";
    return stored[field] === issued[field];
  }
  return recorded.payloadText === inputText;
}

function recordedDeadline(kind: CommandKind, payload: unknown): number | undefined {
  if (kind !== "sleep" && kind !== "signal") return undefined;
  const deadline = (payload as { deadline?: unknown } | null)?.deadline;
  return typeof deadline === "number" ? deadline : undefined;
}

function describe(type: string, target: string, seq: number, inputText: string): string {
  return `${type} ${target || "-"}#${seq} with ${truncate(inputText)}`;
}

function nonDeterminism(runId: string, recorded: HistoryEvent, issued: string): NonDeterminismError {
  return new NonDeterminismError(
    runId,
    recorded.target || recorded.type,
    recorded.seq,
    `${describe(recorded.type, recorded.target, recorded.seq, recorded.payloadText ?? "null")} at position ${recorded.pos}`,
    issued,
  );
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
