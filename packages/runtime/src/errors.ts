/**
 * Every error the runtime throws. Each sets `name`, carries structured fields,
 * and says what failed, with the value, and how to fix it. The test kit's own errors
 * are in testing/errors.ts; the stored form of an error is made by serialize-error.ts.
 */

import { ReplayError } from "./replay-error.js";

export * from "./database-errors.js";
export type { ReplayErrorCode } from "./error-codes.js";
export * from "./payload-errors.js";
export { ReplayError } from "./replay-error.js";
export * from "./stream-errors.js";
export * from "./token-errors.js";

/** A namespace, workflow, run id, signal, activity or output name was unusable. */
export class InvalidNameError extends ReplayError {
  override name = "InvalidNameError";
  readonly argument: string;
  readonly value: unknown;
  constructor(argument: string, value: unknown, reason: string) {
    super(
      "INVALID_NAME",
      `invalid ${argument} ${JSON.stringify(String(value))}: ${reason}. Names are non-empty, at most 255 bytes of UTF-8, and contain no "/".`,
    );
    this.argument = argument;
    this.value = value;
  }
}

/** A payload could not be stored as JSON, or was too large. Nothing was written. */
export class InvalidPayloadError extends ReplayError {
  override name = "InvalidPayloadError";
  readonly field: string;
  readonly path: string;
  constructor(field: string, path: string, reason: string) {
    const where = path ? `${field} at ${path}` : field;
    super("INVALID_PAYLOAD", `${where} cannot be stored: ${reason}. Payloads must be plain JSON values.`);
    this.field = field;
    this.path = path;
  }
}

/** Tags (runWorkflow's, ctx.setTags's, a filter's) that cannot be stored. Nothing was written. */
export class InvalidTagsError extends ReplayError {
  override name = "InvalidTagsError";
  readonly argument: string;
  constructor(argument: string, reason: string) {
    super(
      "INVALID_TAGS",
      `invalid ${argument}: ${reason}. Tags are an object of at most 32 keys (names: non-empty, no "/") whose values are strings, finite numbers or booleans, each at most 255 bytes as JSON.`,
    );
    this.argument = argument;
  }
}
/** A run does not exist. */
export class RunNotFoundError extends ReplayError {
  override name = "RunNotFoundError";
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  constructor(namespace: string, workflow: string, runId: string) {
    super("RUN_NOT_FOUND", `no run ${namespace}/${workflow}/${runId}. Start it with runWorkflow first.`);
    this.namespace = namespace;
    this.workflow = workflow;
    this.runId = runId;
  }
}

/** What a client sent to a run that had ended: a signal (by name), an update or a query. */
export type SentToRun = string | { readonly update: string } | { readonly query: string };

/**
 * A signal, update or query sent by a client to a run that has ended (completed, failed or
 * cancelled): no code would ever read it, so it is not stored. A stuck run still takes them
 * (it may be resumed).
 */
export class RunEndedError extends ReplayError {
  override name = "RunEndedError";
  readonly namespace: string;
  readonly workflow: string;
  readonly runId: string;
  readonly status: string;
  /** `sent`: a signal's name, or the update or query that was sent. */
  constructor(namespace: string, workflow: string, runId: string, status: string, sent: SentToRun) {
    super("RUN_ENDED", `run ${namespace}/${workflow}/${runId} has ended (${status}), so ${endedHint(sent)}`);
    this.namespace = namespace;
    this.workflow = workflow;
    this.runId = runId;
    this.status = status;
  }
}

function endedHint(sent: SentToRun): string {
  if (typeof sent === "string") {
    return `signal "${sent}" would never be read; it was not stored. Send signals to runs that are running or not started yet.`;
  }
  if ("update" in sent) {
    return `update "${sent.update}" would never be handled; it was not applied. Send updates to running runs (updateWithStart starts the run when it does not exist).`;
  }
  return `query "${sent.query}" cannot be answered: queries read a running run's state. Read an ended run's result with getRun or awaitResult.`;
}

/** A schedule does not exist. */
export class ScheduleNotFoundError extends ReplayError {
  override name = "ScheduleNotFoundError";
  readonly namespace: string;
  readonly id: string;
  constructor(namespace: string, id: string) {
    super(
      "SCHEDULE_NOT_FOUND",
      `no schedule ${JSON.stringify(id)} in namespace ${JSON.stringify(namespace)}; create it with createSchedule`,
    );
    this.namespace = namespace;
    this.id = id;
  }
}

/** resumeRun was asked of a run that is not stuck. */
export class RunNotResumableError extends ReplayError {
  override name = "RunNotResumableError";
  readonly runId: string;
  readonly status: string;
  constructor(runId: string, status: string) {
    const hint =
      status === "running"
        ? "it is running already"
        : "only a stuck run (parked by the engine) can be resumed; to run an ended one again, use forkRun";
    super("RUN_NOT_RESUMABLE", `cannot resume run ${runId}: it is ${status}; ${hint}`);
    this.runId = runId;
    this.status = status;
  }
}

/** awaitResult gave up before the run ended. */
export class ResultTimeoutError extends ReplayError {
  override name = "ResultTimeoutError";
  readonly runId: string;
  readonly timeoutMs: number;
  /** What the run waited for when the wait ended (see describeRun); undefined when it could not be read. */
  readonly waitingFor: string | undefined;
  /** True when no worker ever committed a step of the run. */
  readonly neverTakenUp: boolean;
  constructor(runId: string, timeoutMs: number, waitingFor?: string, neverTakenUp = false) {
    const why = neverTakenUp
      ? "No worker has taken it up yet: start a worker for its namespace and workflow (createWorker(...).start(), or the generated start function), with a version and queues that match the run."
      : waitingFor === undefined
        ? "Wait longer, or check that a worker runs its namespace."
        : `It waits for: ${waitingFor}. Wait longer, or see describeRun (replaykit runs show) for details.`;
    super("RESULT_TIMEOUT", `run ${runId} did not end within ${timeoutMs} ms. ${why}`);
    this.runId = runId;
    this.timeoutMs = timeoutMs;
    this.waitingFor = waitingFor;
    this.neverTakenUp = neverTakenUp;
  }
}

/** The serialised form of an error, as stored in events and runs. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly cause?: SerializedError;
  /** The error's `details` (e.g. of a NonRetryableError), as a payload: any JSON value, bytes too. */
  readonly details?: unknown;
}

/** A run ended as failed; thrown by awaitResult. */
export class RunFailedError extends ReplayError {
  override name = "RunFailedError";
  readonly runId: string;
  readonly failure: SerializedError;
  constructor(runId: string, failure: SerializedError, status: string) {
    super("RUN_FAILED", `run ${runId} ${status}: ${failure.name}: ${failure.message}`, { cause: failure });
    this.runId = runId;
    this.failure = failure;
  }
}

/** Thrown inside a workflow at its next await after cancelRun. */
export class CancelledError extends ReplayError {
  override name = "CancelledError";
  constructor(runId: string) {
    super("CANCELLED", `run ${runId} was cancelled`);
  }
}

/** Thrown by an activity to say: do not retry this. `details` reach the workflow in ActivityFailure's failure. */
export class NonRetryableError extends ReplayError {
  override name = "NonRetryableError";
  readonly details?: unknown;
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super("NON_RETRYABLE", message, options);
    if (options?.details !== undefined) this.details = options.details;
  }
}

/** What the workflow sees when an activity failed for good. */
export class ActivityFailure extends ReplayError {
  override name = "ActivityFailure";
  readonly activity: string;
  readonly seq: number;
  readonly attempts: number;
  readonly failure: SerializedError;
  constructor(activity: string, seq: number, attempts: number, failure: SerializedError) {
    super(
      "ACTIVITY_FAILED",
      `activity ${activity}#${seq} failed after ${attempts} attempt(s): ${failure.name}: ${failure.message}`,
      { cause: failure },
    );
    this.activity = activity;
    this.seq = seq;
    this.attempts = attempts;
    this.failure = failure;
  }
}

/** A run ran past its timeout (runWorkflow's or a child's `timeout`) and was ended as failed. */
export class RunTimeoutError extends ReplayError {
  override name = "RunTimeoutError";
  readonly runId: string;
  readonly deadline: number;
  constructor(runId: string, deadline: number) {
    super(
      "RUN_TIMEOUT",
      `run ${runId} did not end before its timeout (${new Date(deadline).toISOString()}); it was ended as failed, and the activities it had in flight were aborted`,
    );
    this.runId = runId;
    this.deadline = deadline;
  }
}

/** Why a run ended as terminated (terminateRun): stored as its error, and what a parent that waits for it sees. */
export class RunTerminatedError extends ReplayError {
  override name = "RunTerminatedError";
  readonly runId: string;
  readonly reason: string;
  constructor(runId: string, reason: string) {
    super(
      "RUN_TERMINATED",
      `run ${runId} was terminated by an operator: ${reason}. Its activities in flight were aborted; start it again, or resetRun it, to run it on`,
    );
    this.runId = runId;
    this.reason = reason;
  }
}

/** What a parent sees when a child run it waits for failed, was cancelled or terminated. */
export class ChildWorkflowFailure extends ReplayError {
  override name = "ChildWorkflowFailure";
  readonly workflow: string;
  readonly runId: string;
  readonly status: string;
  readonly failure: SerializedError;
  constructor(workflow: string, runId: string, status: string, failure: SerializedError) {
    super("CHILD_WORKFLOW_FAILED", `child run ${workflow}/${runId} ${status}: ${failure.name}: ${failure.message}`, {
      cause: failure,
    });
    this.workflow = workflow;
    this.runId = runId;
    this.status = status;
    this.failure = failure;
  }
}

/**
 * A child start that names a run waiting for the caller already (the caller itself, refused at
 * the call; or one up its chain of waiting parents, refused when written): neither could end.
 */
export class ChildCycleError extends ReplayError {
  override name = "ChildCycleError";
  readonly workflow: string;
  readonly runId: string;
  constructor(workflow: string, runId: string) {
    super(
      "CHILD_CYCLE",
      `run ${workflow}/${runId} cannot start itself as its child: it would wait for itself forever; give the child a run id of its own, e.g. \`\${ctx.runId}-child\``,
    );
    this.workflow = workflow;
    this.runId = runId;
  }
}

/** An activity ran longer than its timeout. */
export class ActivityTimeoutError extends ReplayError {
  override name = "ActivityTimeoutError";
  /** Which bound passed: one attempt's `timeout`, `heartbeatTimeout`, or `scheduleToCloseTimeout` of all attempts. */
  readonly kind: "attempt" | "heartbeat" | "scheduleToClose";
  constructor(activity: string, timeoutMs: number, kind: ActivityTimeoutError["kind"] = "attempt") {
    const what = {
      attempt: `an attempt of activity ${activity} did not finish within its timeout of ${timeoutMs} ms`,
      heartbeat: `an attempt of activity ${activity} sent no heartbeat for ${timeoutMs} ms (heartbeatTimeout); it is retried`,
      scheduleToClose: `activity ${activity} did not finish within its scheduleToCloseTimeout of ${timeoutMs} ms, all attempts together`,
    }[kind];
    super("ACTIVITY_TIMEOUT", what);
    this.kind = kind;
  }
}

/** Workflow code issued commands that disagree with the recorded history. */
export class NonDeterminismError extends ReplayError {
  override name = "NonDeterminismError";
  readonly runId: string;
  readonly target: string;
  readonly seq: number;
  readonly recorded: string;
  readonly issued: string;
  constructor(runId: string, target: string, seq: number, recorded: string, issued: string) {
    super(
      "NON_DETERMINISM",
      `run ${runId}: command ${target}#${seq} disagrees with its history: recorded ${recorded}, code issued ${issued}. Workflow code must issue the same commands in the same order with the same inputs on replay: put a change behind flow.patched(id) (ctx.patched(id) in untyped code) so that runs recorded before it keep the old branch, or give the new code a new workflow name; see "Changing a workflow that has runs in flight" in the docs.`,
    );
    this.runId = runId;
    this.target = target;
    this.seq = seq;
    this.recorded = recorded;
    this.issued = issued;
  }
}

/** A run names a workflow this worker (or replayHistory) does not have. */
export class UnknownWorkflowError extends ReplayError {
  override name = "UnknownWorkflowError";
  readonly workflow: string;
  /** `message` says where the workflow was looked for; default: on this worker. */
  constructor(namespace: string, workflow: string, message = unregistered("workflow", namespace, workflow)) {
    super("UNKNOWN_WORKFLOW", message);
    this.workflow = workflow;
  }
}

function unregistered(kind: string, namespace: string, name: string): string {
  return `${kind} ${JSON.stringify(name)} is not registered on this worker for namespace ${JSON.stringify(namespace)}. Register it, or run a worker built from the manifest that declares it.`;
}

/**
 * A run was taken over again and again, and each worker froze in its code before it committed a
 * step, still connected: its code likely blocks the event loop (a synchronous loop). Parked so
 * that it cannot take down every worker that takes it over.
 */
export class RunStalledError extends ReplayError {
  override name = "RunStalledError";
  readonly runId: string;
  readonly stalls: number;
  constructor(runId: string, stalls: number) {
    super(
      "RUN_STALLED",
      `run ${runId} froze ${stalls + 1} workers in a row: each took it over and stopped renewing its lease while running its workflow code, before a step got through, though its process was still connected. Its code likely blocks the event loop (a synchronous loop). It is parked; fix the code, then resumeRun`,
    );
    this.runId = runId;
    this.stalls = stalls;
  }
}

/** A stored payload could not be parsed. */
export class CorruptPayloadError extends ReplayError {
  override name = "CorruptPayloadError";
  constructor(where: string, cause: unknown) {
    super("CORRUPT_PAYLOAD", `stored payload of ${where} is not valid JSON; the row was written outside replaykit`, {
      cause,
    });
  }
}

/** An observability feature needs OpenTelemetry packages that are not installed. */
export class TelemetryUnavailableError extends ReplayError {
  override name = "TelemetryUnavailableError";
  readonly packages: readonly string[];
  constructor(feature: string, packages: readonly string[], cause?: unknown) {
    super(
      "TELEMETRY_UNAVAILABLE",
      `${feature} needs the OpenTelemetry packages ${packages.join(", ")}, which could not be loaded. Install them: npm install ${packages.join(" ")}`,
      { cause },
    );
    this.packages = packages;
  }
}

/** A Flow mock's activity, child run or signal await was called without an implementation. */
export class FlowNotMockedError extends ReplayError {
  override name = "FlowNotMockedError";
  readonly workflow: string;
  readonly member: string;
  constructor(workflow: string, factory: string, member: string, kind: "activity" | "child" | "signal") {
    const example = {
      activity: `{ ${member}: async (input) => result }`,
      child: `{ ${member}: async (runId, input) => result }`,
      signal: `{ ${member}: async () => message } (or async () => undefined for a timeout)`,
    }[kind];
    super(
      "FLOW_NOT_MOCKED",
      `flow.${member}() of workflow "${workflow}" was called, but this mock has no implementation for it: pass one, e.g. ${factory}(vi.fn, ${example})`,
    );
    this.workflow = workflow;
    this.member = member;
  }
}

/** A Flow mock's `restart(input)` was called: in a run, the iteration would end there and the next begin with `input`. */
export class FlowRestartedError extends ReplayError {
  override name = "FlowRestartedError";
  readonly workflow: string;
  readonly input: unknown;
  constructor(workflow: string, input: unknown) {
    super(
      "FLOW_RESTARTED",
      `workflow "${workflow}" called flow.restart(input): in a run this iteration ends here and the next starts with that input. Expect this rejection, and check the input with expect(flow.restart).toHaveBeenCalledWith(...)`,
    );
    this.workflow = workflow;
    this.input = input;
  }
}
