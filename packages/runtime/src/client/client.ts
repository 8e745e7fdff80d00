import type { Client, Clock, RunOptions, ScheduleOptions, StreamEvent, StreamOptions } from "../api.js";
import { toMillis } from "../duration.js";
import { ReplayError, RunNotFoundError, ScheduleNotFoundError } from "../errors.js";
import type { RunKey } from "../history/index.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, encodePayload, validateName } from "../json.js";
import { CronSchedule, invalidSchedule } from "../schedule/cron.js";
import { tickRunId } from "../schedule/plan.js";
import { pageLimit } from "../store/paging.js";
import type { ScheduleSpec, Store } from "../store/types.js";
import { defaultLogger } from "../telemetry/logging.js";
import { ClientMetrics, replaykitMeter } from "../telemetry/metrics.js";
import { SpanAttr, SpanName } from "../telemetry/names.js";
import { runSpanAttributes, Tracing } from "../telemetry/tracing.js";
import { awaitRunResult } from "./await-result.js";
import { createLocalBus } from "./local-bus.js";
import { management } from "./management.js";
import type { ClientOptions } from "./options.js";
import { streamEvents } from "./stream.js";
import { realTimers } from "./timers.js";

/** A client, plus `ready()`. */
export interface StoreClient extends Client {
  /**
   * Resolves once the store answered (and, on MySQL, the default clock measured its offset
   * to the database clock). Optional: every write awaits it on first use. Rejects with
   * DatabaseUnreachableError when the server cannot be reached.
   */
  ready(): Promise<void>;
}

export interface StoreClientOptions extends Omit<ClientOptions, "prefix"> {
  /** Checks the store before the first write (on the caller's `tx`, when given); default `store.ready`. */
  readonly ready?: (tx?: unknown) => Promise<void>;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * A client on any Store: the MySQL client (`createClient`) and the test environment
 * (`createTestEnv`) are this over their stores. Validates names and payloads before
 * anything is written, and wakes workers in this process through the local bus.
 *
 * @example
 * const client = createStoreClient(myStore, { clock });
 * const worker = createWorker({ client, namespace: "shop", workflows, activities });
 */
export function createStoreClient(store: Store, options: StoreClientOptions = {}): StoreClient {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? realTimers(clock);
  const local = options.local ?? createLocalBus();
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const defaultVersion = options.version === undefined ? undefined : validateName("version", options.version);
  const check = options.ready ?? ((tx?: unknown) => store.ready(tx));
  const tracing = new Tracing(options.tracerProvider);
  const metrics = new ClientMetrics(replaykitMeter(options.meterProvider));

  let readiness: Promise<void> | undefined;
  /** Resolves once the store answered; `via` = the caller's tx, if any. */
  const ready = (via?: unknown): Promise<void> => {
    readiness ??= check(via).catch((error: unknown) => {
      readiness = undefined; // let the next call try again
      throw error;
    });
    return readiness;
  };
  const existingSchedule = async (namespace: string, id: string) => {
    const found = await store.getSchedule(validateName("namespace", namespace), validateName("schedule id", id));
    if (found === undefined) throw new ScheduleNotFoundError(namespace, id);
    return found;
  };
  const runKey = (namespace: unknown, workflow: unknown, runId: unknown): RunKey => ({
    namespace: validateName("namespace", namespace),
    workflow: validateName("workflow", workflow),
    runId: validateName("runId", runId),
  });

  const logger = options.logger ?? defaultLogger("client");
  const operations = management(store, clock, runKey);

  const client: StoreClient = {
    store,
    clock,
    timers,
    maxPayloadBytes,
    local,
    ready: () => ready(),
    migrate: () => store.migrate(),

    async runWorkflow(namespace, workflow, runId, input, opts = {}) {
      const key = runKey(namespace, workflow, runId);
      const inputText = encodePayload("input", input, maxPayloadBytes);
      const codeVersion = opts.version === undefined ? defaultVersion : validateName("version", opts.version);
      const timeoutMs = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
      const placement = placementOf(opts);
      // The caller's trace context is stored with the run: its spans, on any worker, join this trace.
      return tracing.producer(
        SpanName.Start,
        () => runSpanAttributes(key),
        async (traceContext) => {
          await ready(opts.tx);
          const now = clock.now();
          const deadline = timeoutMs === undefined ? undefined : now + timeoutMs;
          const startAt = placement.startAt ?? (placement.delayMs === undefined ? undefined : now + placement.delayMs);
          const run = { key, inputText, now, codeVersion, deadline, ...placement, startAt, traceContext };
          const created = await store.createRun(run, opts.tx);
          if (!created) return false;
          metrics.runStarted(key.namespace, key.workflow);
          // With `tx` the write is not committed yet: wake without naming the run, so workers poll
          // soon instead of looking at a row they cannot see. A spurious wake-up is harmless.
          const fresh = {
            inputText,
            createdAt: now,
            codeVersion,
            deadline,
            queue: placement.queue,
            startAt,
            traceContext,
          };
          local.wake(key.namespace, opts.tx ? undefined : { ...key, fresh });
          return true;
        },
      );
    },

    async signalRun(namespace, workflow, runId, signal, message, externalId, opts = {}) {
      const key = runKey(namespace, workflow, runId);
      const row = {
        signal: validateName("signal", signal),
        externalId: validateName("externalId", externalId),
        payloadText: encodePayload("message", message, maxPayloadBytes),
      };
      const attributes = () => ({ ...runSpanAttributes(key), [SpanAttr.Signal]: row.signal });
      return tracing.producer(SpanName.Signal, attributes, async () => {
        await ready(opts.tx);
        const sent = await store.addSignal(key, row, clock.now(), opts.tx);
        if (sent) local.wake(key.namespace, opts.tx ? undefined : key);
        return sent;
      });
    },

    async cancelRun(namespace, workflow, runId) {
      const key = runKey(namespace, workflow, runId);
      await ready();
      const requested = await store.requestCancel(key, clock.now());
      if (requested) local.wake(key.namespace, key);
      return requested;
    },

    async getRun(namespace, workflow, runId) {
      return store.getRun(runKey(namespace, workflow, runId));
    },

    async resumeRun(namespace, workflow, runId, opts = {}) {
      const key = runKey(namespace, workflow, runId);
      const codeVersion = opts.version === undefined ? undefined : validateName("version", opts.version);
      await ready();
      await store.resumeRun(key, codeVersion, clock.now());
      local.wake(key.namespace, key);
    },

    async forkRun(namespace, workflow, runId, opts) {
      const source = runKey(namespace, workflow, runId);
      const target = runKey(namespace, workflow, opts?.newRunId);
      const fromStep = opts.fromStep ?? 0;
      if (!Number.isInteger(fromStep) || fromStep < 0) {
        throw new ReplayError("INVALID_STEP", `invalid fromStep ${String(fromStep)}: use a whole number from 0`);
      }
      const version = opts.version ?? defaultVersion;
      const codeVersion = version === undefined ? undefined : validateName("version", version);
      await ready();
      const forked = await store.forkRun({ source, target, fromStep, codeVersion, now: clock.now() });
      if (forked) {
        metrics.runStarted(target.namespace, target.workflow);
        local.wake(target.namespace, target);
      }
      return forked;
    },

    async createSchedule(namespace, schedule) {
      const spec = scheduleSpecOf(validateName("namespace", namespace), schedule, maxPayloadBytes);
      const cron = new CronSchedule(spec.cron, spec.timezone);
      await ready();
      const now = clock.now();
      await store.saveSchedule(spec, cron.next(now), now);
      // Workers that idle until a later wake-up look again, so the first tick is on time.
      local.wake(spec.namespace);
    },

    async listOrphanedSignals(namespace, opts = {}) {
      return store.listOrphanedSignals(validateName("namespace", namespace), pageLimit(opts.limit));
    },

    async purgeOrphanedSignals(namespace, opts) {
      const before = opts?.olderThan;
      if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
        throw new ReplayError(
          "INVALID_ARGUMENT",
          "purgeOrphanedSignals needs { olderThan: Date }, e.g. new Date(Date.now() - 86_400_000)",
        );
      }
      return store.purgeOrphanedSignals(validateName("namespace", namespace), before.getTime());
    },

    async listSchedules(namespace) {
      return store.listSchedules(validateName("namespace", namespace));
    },

    async pauseSchedule(namespace, id) {
      const known = await existingSchedule(namespace, id);
      if (!(await store.setSchedulePaused(known.namespace, known.id, true, undefined, clock.now()))) {
        throw new ScheduleNotFoundError(known.namespace, known.id);
      }
    },

    async resumeSchedule(namespace, id) {
      const known = await existingSchedule(namespace, id);
      const now = clock.now();
      const next = new CronSchedule(known.cron, known.timezone).next(now);
      if (!(await store.setSchedulePaused(known.namespace, known.id, false, next, now))) {
        throw new ScheduleNotFoundError(known.namespace, known.id);
      }
      local.wake(known.namespace);
    },

    async deleteSchedule(namespace, id) {
      return store.deleteSchedule(validateName("namespace", namespace), validateName("schedule id", id));
    },

    async triggerSchedule(namespace, id) {
      const known = await existingSchedule(namespace, id);
      await ready();
      const now = clock.now();
      const key = { namespace: known.namespace, workflow: known.workflow, runId: tickRunId(known.id, now) };
      const inputText = encodePayload("input", known.input, maxPayloadBytes);
      await tracing.producer(
        SpanName.Start,
        () => runSpanAttributes(key),
        async (traceContext) => {
          if (!(await store.createRun({ key, inputText, now, scheduledAt: now, traceContext }))) return false;
          metrics.runStarted(key.namespace, key.workflow);
          local.wake(key.namespace, { ...key, fresh: { inputText, createdAt: now, scheduledAt: now, traceContext } });
          return true;
        },
      );
      return key.runId;
    },

    ...operations.methods,

    async getHistory(namespace, workflow, runId, opts = {}) {
      const key = runKey(namespace, workflow, runId);
      const history = await store.getHistory(key, opts);
      if (history === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
      return history;
    },

    async awaitResult(namespace, workflow, runId, opts = {}) {
      const key = runKey(namespace, workflow, runId);
      const timeoutMs = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
      return awaitRunResult(
        { local, logger, getRun: client.getRun, explainWait: operations.explainWait },
        key,
        timeoutMs,
      );
    },

    lastEventId: () => store.lastEventId(),

    stream(opts: StreamOptions): AsyncIterable<StreamEvent> {
      validateStreamOptions(opts);
      return streamEvents({ store, local }, opts);
    },

    async consume(consumer, opts, handler) {
      const name = validateName("consumer", consumer);
      validateStreamOptions(opts);
      const stored = await store.loadCursor(opts.namespace, name);
      // A stored cursor wins over opts.after: `after` only places a new consumer.
      const after = stored ?? opts.after ?? 0;
      for await (const event of client.stream({ ...opts, after })) {
        await handler(event);
        await store.saveCursor(opts.namespace, name, event.id, clock.now());
      }
    },

    close: () => store.close(),
  };
  return client;
}

/** A schedule as the store keeps it, checked: names, cron and time zone, policies, input. */
/** A schedule as stored, checked; throws ReplayError INVALID_SCHEDULE. */
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
    id: validateName("schedule id", schedule.id),
    workflow: validateName("workflow", schedule.workflow),
    cron: schedule.cron,
    timezone,
    inputText: encodePayload("schedule input", schedule.input, maxPayloadBytes),
    overlap,
    catchup,
  };
}

/** A run's queue, priority, concurrency key and start time, checked. */
function placementOf(opts: RunOptions): {
  queue?: string;
  priority?: number;
  concurrencyKey?: string;
  startAt?: number;
  delayMs?: number;
} {
  const { queue, priority, concurrencyKey, startAt, delay } = opts;
  if (priority !== undefined && !(Number.isInteger(priority) && Math.abs(priority) <= 2_147_483_647)) {
    throw new ReplayError(
      "INVALID_PRIORITY",
      `invalid priority ${String(priority)}: use a whole number (lower runs first)`,
    );
  }
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

function validateStreamOptions(opts: StreamOptions): void {
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
