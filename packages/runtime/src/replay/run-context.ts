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
  // Every method below closes over this one scope: a cached run keeps one closure per method,
  // not a wrapper and a context per method. Made at the first stream call: most runs make none.
  let streams: StreamCloses | undefined;
  return {
    namespace,
    workflow,
    runId,
    iteration,
    execActivity: (name: string, input: unknown, options?: ActivityOptions) =>
      writable(sink, "execActivity").issue("activity", name, input, options),
    awaitSignal: (signal: string, timeout: Duration) => timed(writable(sink, "awaitSignal"), "signal", signal, timeout),
    sleep: (duration: Duration) => timed(writable(sink, "sleep"), "sleep", "", duration) as Promise<void>,
    emitOutput: (output: string, message: unknown) =>
      writable(sink, "emitOutput").issue("output", output, message) as Promise<void>,
    runChild: (child: string, childId: string, input: unknown, opts?: ChildOptions) =>
      startChild(writable(sink, "runChild"), identity, { child, childId, input, wait: true }, opts),
    startChild: (child: string, childId: string, input: unknown, opts?: ChildOptions) =>
      startChild(writable(sink, "startChild"), identity, { child, childId, input, wait: false }, opts) as Promise<void>,
    signalRun: (workflow: string, runId: string, signal: string, message: unknown, externalId: string) =>
      writable(sink, "signalRun").issue("send", workflow, { runId, signal, message, externalId }) as Promise<void>,
    createToken: (opts?: TokenOptions) => createToken(writable(sink, "createToken"), opts),
    awaitToken: (tokenId: string) => writable(sink, "awaitToken").awaitToken(tokenId),
    waitForEvent: (name: string, opts: WaitForEventOptions) => waitForEvent(writable(sink, "waitForEvent"), name, opts),
    restart: (input: unknown) => writable(sink, "restart").restart(input),
    onUpdate: (name: string, handler: unknown, options?: { readonly validator?: unknown }) =>
      writable(sink, "onUpdate").onUpdate(name, handler, options?.validator),
    onQuery: (name: string, handler: unknown) => writable(sink, "onQuery").onQuery(name, handler),
    condition: (predicate: () => boolean, timeout?: Duration) =>
      condition(writable(sink, "condition"), predicate, timeout),
    patched: (patchId: string) => writable(sink, "patched").patched(validateName("patchId", patchId)),
    deprecatePatch: (patchId: string) =>
      writable(sink, "deprecatePatch").deprecatePatch(validateName("patchId", patchId)),
    setTags: (tags: Tags) => writable(sink, "setTags").issue("tags", "", tags) as Promise<void>,
    writeStream: (key: string, value: unknown) => {
      writable(sink, "writeStream");
      streams ??= new StreamCloses(identity, sink);
      return streams.write(key, value);
    },
    closeStream: (key: string) => {
      writable(sink, "closeStream");
      streams ??= new StreamCloses(identity, sink);
      return streams.close(key);
    },
    now: () => new Date(sink.now()),
    random: () => writable(sink, "random").random(),
    uuid: () => writable(sink, "uuid").uuid(),
    scheduledAt: scheduledAt === undefined ? undefined : new Date(scheduledAt),
  };
}

/** The sink, for a call that records something or changes the run: refused while read-only code runs. */
function writable(sink: CommandSink, method: string): CommandSink {
  const where = sink.readOnly();
  if (where !== undefined) throw new ReadOnlyContextError(`ctx.${method}`, where);
  return sink;
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

/**
 * The workflow's stream writes, and the streams it closed in this iteration: a write after the
 * close is refused at the call (the same on replay, as it depends on the code alone), and a
 * second close records nothing.
 */
class StreamCloses {
  readonly #identity: ContextIdentity;
  readonly #sink: CommandSink;
  readonly #closed = new Set<string>();

  constructor(identity: ContextIdentity, sink: CommandSink) {
    this.#identity = identity;
    this.#sink = sink;
  }

  write(key: string, value: unknown): Promise<void> {
    if (this.#closed.has(key)) {
      return Promise.reject(new StreamClosedError(this.#identity, key, "the workflow closed it (closeStream)"));
    }
    return this.#sink.issue("stream", key, value) as Promise<void>;
  }

  close(key: string): Promise<void> {
    if (this.#closed.has(key)) return Promise.resolve();
    const issued = this.#sink.issue("close", key, null) as Promise<void>;
    this.#closed.add(key);
    return issued;
  }
}
