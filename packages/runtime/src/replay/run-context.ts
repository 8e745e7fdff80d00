import type { ActivityOptions, ChildOptions, Duration, RunContext } from "../api.js";
import { toMillis } from "../duration.js";
import { ChildCycleError } from "../errors.js";
import { validateName } from "../json.js";
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
  /** Ends the iteration with a restart; never settles. */
  restart(input: unknown): Promise<never>;
  patched(patchId: string): boolean;
  deprecatePatch(patchId: string): void;
  /** The time of the latest event the workflow has seen. */
  now(): number;
  random(): number;
  uuid(): string;
}

/**
 * The run context a workflow function gets: each call that the history records becomes a
 * command of the executor. A bad argument (a name, a duration) rejects at the call, as a
 * command the history refuses would.
 */
export function createRunContext(identity: ContextIdentity, sink: CommandSink): RunContext {
  const { namespace, workflow, runId, iteration, scheduledAt } = identity;
  return {
    namespace,
    workflow,
    runId,
    iteration,
    execActivity: (name, input, options) => sink.issue("activity", name, input, options),
    awaitSignal: (signal, timeout) => timed(sink, "signal", signal, timeout),
    sleep: (duration: Duration) => timed(sink, "sleep", "", duration) as Promise<void>,
    emitOutput: (output, message) => sink.issue("output", output, message) as Promise<void>,
    runChild: (child, childId, input, opts) => startChild(sink, identity, { child, childId, input, wait: true }, opts),
    startChild: (child, childId, input, opts) =>
      startChild(sink, identity, { child, childId, input, wait: false }, opts) as Promise<void>,
    signalRun: (workflow, runId, signal, message, externalId) =>
      sink.issue("send", workflow, { runId, signal, message, externalId }) as Promise<void>,
    restart: (input) => sink.restart(input),
    patched: (patchId) => sink.patched(validateName("patchId", patchId)),
    deprecatePatch: (patchId) => sink.deprecatePatch(validateName("patchId", patchId)),
    setTags: (tags) => sink.issue("tags", "", tags) as Promise<void>,
    now: () => new Date(sink.now()),
    random: () => sink.random(),
    uuid: () => sink.uuid(),
    scheduledAt: scheduledAt === undefined ? undefined : new Date(scheduledAt),
  };
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
