import type {
  ActivityOptions,
  ChildOptions,
  Duration,
  RunContext,
  Tags,
  TokenOptions,
  WaitForEventOptions,
} from "../api.js";
import { toMillis } from "../duration.js";
import { ChildCycleError, StreamClosedError } from "../errors.js";
import { validateName } from "../json.js";
import { ReadOnlyContextError } from "../request-errors.js";
import type { CommandKind } from "./commands.js";

/** Whose context it is: the run and iteration, and the schedule tick that started it. */
export interface ContextIdentity {
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly iteration: number;
  readonly scheduledAt?: number | undefined;
}

/** What a run context asks of the executor that made it. */
export interface CommandSink {
  /** Issues a command: its promise settles with the command's completion. */
  issue(kind: CommandKind, target: string, input: unknown, options?: ActivityOptions): Promise<unknown>;
  /** Registers an update handler (see RunContext.onUpdate). */
  onUpdate(name: string, handler: unknown, validator: unknown): void;
  /** Registers a query handler (see RunContext.onQuery). */
  onQuery(name: string, handler: unknown): void;
  /** See RunContext.condition; `timeoutMs` undefined: no timeout. */
  condition(predicate: () => unknown, timeoutMs: number | undefined): Promise<boolean>;
  /** Ends the iteration with a restart; never settles. */
  restart(input: unknown): Promise<never>;
  patched(patchId: string): boolean;
  deprecatePatch(patchId: string): void;
  /** Waits for a token this iteration created; a second await of one token shares the first's promise. */
  awaitToken(tokenId: string): Promise<unknown>;
  /** The time of the latest event the workflow has seen. */
  now(): number;
  random(): number;
  uuid(): string;
  /** Set while read-only code runs (a validator, a query handler, a predicate): what runs. */
  readOnly(): string | undefined;
}

/**
 * The run context a workflow function gets: each call that the history records becomes a
 * command of the executor. A bad argument (a name, a duration) rejects at the call, as a
 * command the history refuses would. While read-only code runs (see CommandSink.readOnly), a
 * call that would record something or change the run throws ReadOnlyContextError.
 */
export function createRunContext(identity: ContextIdentity, sink: CommandSink): RunContext {
  const { namespace, workflow, runId, iteration, scheduledAt } = identity;
  // The methods are those of one shared class, bound: a run cached for days keeps a small bound
  // function per method and no closure scopes. They stay own properties of the context, so a
  // method taken off it (or a spread of it) works as before.
  const m = new ContextMethods(identity, sink);
  return {
    namespace,
    workflow,
    runId,
    iteration,
    execActivity: m.execActivity.bind(m),
    awaitSignal: m.awaitSignal.bind(m),
    sleep: m.sleep.bind(m),
    emitOutput: m.emitOutput.bind(m),
    runChild: m.runChild.bind(m),
    startChild: m.startChild.bind(m),
    signalRun: m.signalRun.bind(m),
    createToken: m.createToken.bind(m),
    awaitToken: m.awaitToken.bind(m),
    waitForEvent: m.waitForEvent.bind(m),
    restart: m.restart.bind(m),
    onUpdate: m.onUpdate.bind(m),
    onQuery: m.onQuery.bind(m),
    condition: m.condition.bind(m),
    patched: m.patched.bind(m),
    deprecatePatch: m.deprecatePatch.bind(m),
    setTags: m.setTags.bind(m),
    writeStream: m.writeStream.bind(m),
    closeStream: m.closeStream.bind(m),
    now: m.now.bind(m),
    random: m.random.bind(m),
    uuid: m.uuid.bind(m),
    scheduledAt: scheduledAt === undefined ? undefined : new Date(scheduledAt),
  };
}

/** The run context's methods (see createRunContext), over the executor's sink. */
class ContextMethods {
  readonly #identity: ContextIdentity;
  readonly #sink: CommandSink;
  /**
   * The streams the workflow closed in this iteration: a write after the close is refused at
   * the call (the same on replay, as it depends on the code alone), and a second close records
   * nothing. Made at the first close: most runs close none.
   */
  #closedStreams: Set<string> | undefined;

  constructor(identity: ContextIdentity, sink: CommandSink) {
    this.#identity = identity;
    this.#sink = sink;
  }

  /** The sink, for a call that records something or changes the run: refused while read-only code runs. */
  #writable(method: string): CommandSink {
    const where = this.#sink.readOnly();
    if (where !== undefined) throw new ReadOnlyContextError(`ctx.${method}`, where);
    return this.#sink;
  }

  execActivity(name: string, input: unknown, options?: ActivityOptions): Promise<unknown> {
    return this.#writable("execActivity").issue("activity", name, input, options);
  }

  awaitSignal(signal: string, timeout: Duration): Promise<unknown> {
    return timed(this.#writable("awaitSignal"), "signal", signal, timeout);
  }

  sleep(duration: Duration): Promise<void> {
    return timed(this.#writable("sleep"), "sleep", "", duration) as Promise<void>;
  }

  emitOutput(output: string, message: unknown): Promise<void> {
    return this.#writable("emitOutput").issue("output", output, message) as Promise<void>;
  }

  runChild(child: string, childId: string, input: unknown, opts?: ChildOptions): Promise<unknown> {
    return startChild(this.#writable("runChild"), this.#identity, { child, childId, input, wait: true }, opts);
  }

  startChild(child: string, childId: string, input: unknown, opts?: ChildOptions): Promise<void> {
    const start = { child, childId, input, wait: false };
    return startChild(this.#writable("startChild"), this.#identity, start, opts) as Promise<void>;
  }

  signalRun(workflow: string, runId: string, signal: string, message: unknown, externalId: string): Promise<void> {
    const send = { runId, signal, message, externalId };
    return this.#writable("signalRun").issue("send", workflow, send) as Promise<void>;
  }

  createToken(opts?: TokenOptions): Promise<{ readonly id: string }> {
    return createToken(this.#writable("createToken"), opts);
  }

  awaitToken(tokenId: string): Promise<unknown> {
    return this.#writable("awaitToken").awaitToken(tokenId);
  }

  waitForEvent(name: string, opts: WaitForEventOptions): Promise<unknown> {
    return waitForEvent(this.#writable("waitForEvent"), name, opts);
  }

  restart(input: unknown): Promise<never> {
    return this.#writable("restart").restart(input);
  }

  onUpdate(name: string, handler: unknown, options?: { readonly validator?: unknown }): void {
    this.#writable("onUpdate").onUpdate(name, handler, options?.validator);
  }

  onQuery(name: string, handler: unknown): void {
    this.#writable("onQuery").onQuery(name, handler);
  }

  condition(predicate: () => boolean, timeout?: Duration): Promise<boolean> {
    return condition(this.#writable("condition"), predicate, timeout);
  }

  patched(patchId: string): boolean {
    return this.#writable("patched").patched(validateName("patchId", patchId));
  }

  deprecatePatch(patchId: string): void {
    this.#writable("deprecatePatch").deprecatePatch(validateName("patchId", patchId));
  }

  setTags(tags: Tags): Promise<void> {
    return this.#writable("setTags").issue("tags", "", tags) as Promise<void>;
  }

  writeStream(key: string, value: unknown): Promise<void> {
    const sink = this.#writable("writeStream");
    if (this.#closedStreams?.has(key)) {
      return Promise.reject(new StreamClosedError(this.#identity, key, "the workflow closed it (closeStream)"));
    }
    return sink.issue("stream", key, value) as Promise<void>;
  }

  closeStream(key: string): Promise<void> {
    const sink = this.#writable("closeStream");
    if (this.#closedStreams?.has(key)) return Promise.resolve();
    const issued = sink.issue("close", key, null) as Promise<void>;
    this.#closedStreams ??= new Set();
    this.#closedStreams.add(key);
    return issued;
  }

  now(): Date {
    return new Date(this.#sink.now());
  }

  random(): number {
    return this.#writable("random").random();
  }

  uuid(): string {
    return this.#writable("uuid").uuid();
  }
}

/** A sleep or signal await: a bad duration rejects at the call, like any bad command. */
function timed(sink: CommandSink, kind: "sleep" | "signal", target: string, duration: Duration): Promise<unknown> {
  let ms: number;
  try {
    ms = toMillis(duration);
  } catch (error) {
    return Promise.reject(error);
  }
  return sink.issue(kind, target, ms);
}

/** A condition: a bad timeout rejects at the call, like any bad command. */
function condition(sink: CommandSink, predicate: () => boolean, timeout: Duration | undefined): Promise<boolean> {
  let ms: number | undefined;
  try {
    ms = timeout === undefined ? undefined : toMillis(timeout);
  } catch (error) {
    return Promise.reject(error);
  }
  return sink.condition(predicate, ms);
}

/**
 * A child start: resolves with the child's result when `wait`, else once recorded. A child
 * that is the calling run itself is refused here (ChildCycleError): it would wait for itself.
 */
function startChild(
  sink: CommandSink,
  self: ContextIdentity,
  start: { readonly child: string; readonly childId: string; readonly input: unknown; readonly wait: boolean },
  opts?: ChildOptions,
): Promise<unknown> {
  const { child, childId, input, wait } = start;
  if (child === self.workflow && childId === self.runId) return Promise.reject(new ChildCycleError(child, childId));
  let timeout: number | undefined;
  try {
    timeout = opts?.timeout === undefined ? undefined : toMillis(opts.timeout);
  } catch (error) {
    return Promise.reject(error);
  }
  const { queue, tags } = opts ?? {};
  return sink.issue("child", child, {
    runId: childId,
    input,
    wait,
    ...(timeout === undefined ? {} : { timeout }),
    ...(queue === undefined ? {} : { queue }),
    ...(tags === undefined ? {} : { tags }),
  });
}

/** A token command: its name is the target ("" for none); a bad name or timeout rejects at the call. */
function createToken(sink: CommandSink, opts: TokenOptions = {}): Promise<{ readonly id: string }> {
  let timeout: number | undefined;
  try {
    timeout = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
  } catch (error) {
    return Promise.reject(error);
  }
  const input = timeout === undefined ? {} : { timeout };
  return sink.issue("token", opts.name ?? "", input) as Promise<{ readonly id: string }>;
}

/** An event wait: the key, timeout and lookback are checked at the call, like any command's input. */
function waitForEvent(sink: CommandSink, name: string, opts: WaitForEventOptions): Promise<unknown> {
  let input: { key: string | null; timeout: number; lookback: number };
  try {
    const key = opts?.key === undefined ? null : validateName("event key", opts.key);
    input = {
      key,
      timeout: toMillis(opts?.timeout),
      lookback: opts.lookback === undefined ? 0 : toMillis(opts.lookback),
    };
  } catch (error) {
    return Promise.reject(error);
  }
  return sink.issue("eventWait", name, input);
}
