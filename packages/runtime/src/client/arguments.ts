/** The client's checks of what its callers pass: each returns the checked value or throws a ReplayError saying what to pass. */
import type { ForkOptions, RunOptions, ScheduleOptions, StreamOptions } from "../api.js";
import { toMillis } from "../duration.js";
import { ReplayError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { encodePayload, validateName } from "../json.js";
import { CronSchedule, invalidSchedule } from "../schedule/cron.js";
import { MAX_SCHEDULE_ID_BYTES } from "../schedule/plan.js";
import type { ForkOverrides, ScheduleSpec } from "../store/types.js";

/** A run's key with each part checked (InvalidNameError). */
export function runKey(namespace: unknown, workflow: unknown, runId: unknown): RunKey {
  return {
    namespace: validateName("namespace", namespace),
    workflow: validateName("workflow", workflow),
    runId: validateName("runId", runId),
  };
}

/** A schedule as the store keeps it, checked: names, cron and time zone, policies, input (ReplayError INVALID_SCHEDULE). */
export function scheduleSpecOf(namespace: string, schedule: ScheduleOptions, maxPayloadBytes: number): ScheduleSpec {
  const overlap = schedule.overlap ?? "skip";
  const catchup = schedule.catchup ?? "latest";
  if (overlap !== "skip" && overlap !== "allow") {
    throw invalidSchedule(`overlap ${JSON.stringify(overlap)}: use "skip" or "allow"`);
  }
  if (catchup !== "none" && catchup !== "latest" && catchup !== "all") {
    throw invalidSchedule(`catchup ${JSON.stringify(catchup)}: use "none", "latest" or "all"`);
  }
  const timezone = schedule.timezone ?? "UTC";
  new CronSchedule(schedule.cron, timezone);
  return {
    namespace,
    id: scheduleIdOf(schedule.id),
    workflow: validateName("workflow", schedule.workflow),
    cron: schedule.cron,
    timezone,
    inputText: encodePayload("schedule input", schedule.input, maxPayloadBytes),
    overlap,
    catchup,
  };
}

/** The start options a fork replaces (see ForkOptions), checked; null removes one. */
export function forkOverridesOf(opts: ForkOptions): ForkOverrides {
  const { queue, priority, concurrencyKey, timeout } = opts;
  checkPriority(priority);
  return {
    ...(queue === undefined ? {} : { queue: queue === null ? null : validateName("queue", queue) }),
    ...(priority === undefined ? {} : { priority }),
    ...(concurrencyKey === undefined
      ? {}
      : { concurrencyKey: concurrencyKey === null ? null : validateName("concurrencyKey", concurrencyKey) }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout === null ? null : toMillis(timeout) }),
  };
}

function checkPriority(priority: unknown): void {
  if (priority === undefined || (Number.isInteger(priority) && Math.abs(priority as number) <= 2_147_483_647)) return;
  throw new ReplayError(
    "INVALID_PRIORITY",
    `invalid priority ${String(priority)}: use a whole number (lower runs first)`,
  );
}

/**
 * A schedule id, checked as a name and against MAX_SCHEDULE_ID_BYTES: the run ids of its ticks
 * (`<id>@<tick time>`) must be valid run ids, or no tick could start its run.
 */
export function scheduleIdOf(id: unknown): string {
  const checked = validateName("schedule id", id);
  const bytes = Buffer.byteLength(checked, "utf8");
  if (bytes > MAX_SCHEDULE_ID_BYTES) {
    throw invalidSchedule(
      `id ${JSON.stringify(checked)} is ${bytes} bytes long: the run id of each tick is the id, "@" and the tick time (25 bytes more), and a run id may be 255 bytes; use an id of at most ${MAX_SCHEDULE_ID_BYTES} bytes`,
    );
  }
  return checked;
}

/** A run's queue, priority, concurrency key and start time, checked. */
export function placementOf(opts: RunOptions): {
  queue?: string;
  priority?: number;
  concurrencyKey?: string;
  startAt?: number;
  delayMs?: number;
} {
  const { queue, priority, concurrencyKey, startAt, delay } = opts;
  checkPriority(priority);
  if (startAt !== undefined && delay !== undefined) {
    throw new ReplayError("INVALID_START", "give startAt or delay, not both: both say when the run may start");
  }
  if (startAt !== undefined && !(startAt instanceof Date && Number.isFinite(startAt.getTime()))) {
    throw new ReplayError("INVALID_START", `invalid startAt ${String(startAt)}: use a valid Date`);
  }
  return {
    ...(queue === undefined ? {} : { queue: validateName("queue", queue) }),
    ...(priority === undefined ? {} : { priority }),
    ...(concurrencyKey === undefined ? {} : { concurrencyKey: validateName("concurrencyKey", concurrencyKey) }),
    ...(startAt === undefined ? {} : { startAt: startAt.getTime() }),
    ...(delay === undefined ? {} : { delayMs: toMillis(delay) }),
  };
}

export function validateStreamOptions(opts: StreamOptions): void {
  validateName("namespace", opts.namespace);
  const after: unknown = opts.after;
  if (after !== undefined && !(Number.isSafeInteger(after) && (after as number) >= 0)) {
    throw new ReplayError(
      "INVALID_STREAM_OPTIONS",
      `invalid stream option after ${typeof after === "string" ? JSON.stringify(after) : String(after)}: use an event id (a whole number, 0 or more) from an earlier event`,
    );
  }
  if (opts.workflow !== undefined) validateName("workflow", opts.workflow);
  if (opts.runId !== undefined) validateName("runId", opts.runId);
}

/**
 * updateWithStart waits for the update's result, which no worker can produce before a caller's
 * transaction commits: it takes no `{ tx }`.
 */
export function refuseUpdateTx(opts: object): void {
  if ((opts as { tx?: unknown }).tx === undefined) return;
  throw new ReplayError(
    "TX_UNSUPPORTED",
    "updateWithStart takes no { tx }: it waits for the update's result, which no worker can produce before your transaction commits. Start the run in your transaction with runWorkflow(..., { tx }) and send the update with executeUpdate after COMMIT, or use signalWithStart(..., { tx })",
  );
}
