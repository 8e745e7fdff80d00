import {
  ReplayError,
  RunEndedError,
  RunNotFoundError,
  RunNotResumableError,
  type SerializedError,
} from "../../errors.js";
import {
  CHILD_SIGNAL,
  childEndingId,
  childEndingText,
  decodeEvent,
  EventType,
  eventsBeforeStep,
  foreignChildEnding,
  type HistoryEvent,
  isEnded,
  type NewEvent,
  newEvent,
  type RecordedEvent,
  type RunKey,
  RunStatus,
  runKeyId,
} from "../../history/index.js";
import { type DueSchedule, type TickPlan, tickRunId } from "../../schedule/plan.js";
import { shardOf } from "../../shard.js";
import { fenceRefusal, stallsAfterClaim, wakeAfterStep } from "../commit-rules.js";
import { compareNames } from "../compare.js";
import { encodePageCursor, pageAfter, pageLimit } from "../paging.js";
import { byPriority, fairOrder, pickQueued, type QueueLimits, startsInWindow } from "../queue-rules.js";
import {
  INBOX_LIMIT,
  type ListRunsFilter,
  type RunInfo,
  type RunInspection,
  type RunPage,
  type StreamEvent,
} from "../records.js";
import { StatusTally } from "../tally.js";
import {
  type ChildStart,
  type ClaimedRun,
  type ClaimOptions,
  type CountFilter,
  type EventBatch,
  type EventFilter,
  type FiredSchedules,
  type ForkRequest,
  FRESH_VERSION,
  type HeldRun,
  type HistoryOptions,
  type InboxSignal,
  type NewRun,
  type NewSignal,
  type OrphanedSignal,
  type Presence,
  type PurgeRequest,
  type RunCounts,
  type ScheduleInfo,
  type ScheduleSpec,
  type StepResult,
  type StepWrite,
  type Store,
  type TaskRow,
  type WorkerAbilities,
} from "../types.js";
import { decodeRunInfo, decodeSchedule } from "./decode.js";
import type { EventRow, RunRow, ScheduleRow, SignalRowM } from "./tables.js";

/** Events a stream read returns at most, as on MySQL. */
const BATCH_SIZE = 500;

export interface MemoryStoreOptions {
  /** Called after every change, e.g. to let a test environment look for due timers. */
  readonly onChange?: () => void;
}

/**
 * A complete Store in memory: the same engine runs on it as on MySQL, with the same fences,
 * leases and wake-ups, so tests of workflows need no database. Every method is atomic (no
 * await inside), which stands in for a transaction. `{ tx }` is refused: it is MySQL's.
 *
 * @example
 * const client = createStoreClient(createMemoryStore(), { clock });
 */
export class MemoryStore implements Store {
  readonly description = "in-memory store";
  readonly #runs = new Map<string, Map<string, RunRow>>();
  readonly #signals = new Map<string, SignalRowM[]>();
  readonly #signalKeys = new Set<string>();
  /** The run each inbox of #signals belongs to (its key), which may not exist. */
  readonly #inboxRuns = new Map<string, RunKey>();
  readonly #events: EventRow[] = [];
  readonly #eventKeys = new Set<string>();
  readonly #cursors = new Map<string, number>();
  readonly #queues = new Map<string, { limits: QueueLimits; starts: number[] }>();
  readonly #schedules = new Map<string, ScheduleRow>();
  /** Workers present (holdPresence), with how many handles each holds open. */
  readonly #present = new Map<string, number>();
  readonly #onChange: () => void;
  #nextEventId = 1;
  #nextSignalId = 1;

  constructor(options: MemoryStoreOptions = {}) {
    this.#onChange = options.onChange ?? (() => {});
  }

  // --- what a test environment asks -------------------------------------------------------

  /** Namespaces that have runs or schedules. */
  namespaces(): string[] {
    return [...new Set([...this.#runs.keys(), ...[...this.#schedules.values()].map((row) => row.spec.namespace)])];
  }

  /** The earliest wake time of any running run that nobody holds a live lease on. */
  nextWakeOfAll(now: number): number | undefined {
    let next: number | undefined;
    const namespaces = new Set([
      ...this.#runs.keys(),
      ...[...this.#schedules.values()].map((row) => row.spec.namespace),
    ]);
    for (const namespace of namespaces) {
      for (const wake of [this.#nextWake(namespace, now), this.#nextScheduleTick(namespace)]) {
        if (wake !== undefined && (next === undefined || wake < next)) next = wake;
      }
    }
    return next;
  }

  /** Runs held under a live lease, or due now: a worker has something to do. */
  busyRuns(now: number): RunKey[] {
    const busy: RunKey[] = [];
    for (const runs of this.#runs.values()) {
      for (const run of runs.values()) {
        if (run.status !== RunStatus.Running) continue;
        const leased = run.leaseUntil !== null && run.leaseUntil >= now;
        if (leased || (run.wakeAt !== null && run.wakeAt <= now)) busy.push(run);
      }
    }
    return busy;
  }

  /** Schedules with a tick due now: a worker has runs to start (as `busyRuns`, for a test environment). */
  dueSchedules(now: number): RunKey[] {
    return [...this.#schedules.values()]
      .filter((row) => !row.paused && row.nextTick !== null && row.nextTick <= now)
      .map((row) => ({ namespace: row.spec.namespace, workflow: row.spec.workflow, runId: `schedule ${row.spec.id}` }));
  }

  // --- EngineStore ----------------------------------------------------------------------

  async claim(options: ClaimOptions): Promise<ClaimedRun[]> {
    const { namespace, owner, now, leaseMs, limit, queue } = options;
    const due = this.#claimable(options).filter((run) => (run.queue ?? undefined) === queue);
    const chosen =
      queue === undefined
        ? due.sort((a, b) => (a.wakeAt ?? 0) - (b.wakeAt ?? 0)).slice(0, limit)
        : this.#pickQueued(namespace, queue, due, limit, now);
    if (queue !== undefined && chosen.length < Math.min(due.length, limit)) options.heldBack?.();
    const claimed = chosen.map((run) => {
      const after = stallsAfterClaim(run.leaseOwner, owner, run.stalls, run.stallMark, (holder) =>
        this.#present.has(holder),
      );
      run.stalls = after.stalls;
      if (run.leaseOwner !== owner) run.stallMark = false;
      run.leaseOwner = owner;
      run.leaseUntil = now + leaseMs;
      return { ...claimOf(run), ...after };
    });
    this.#changed(chosen.length > 0);
    return claimed;
  }

  /** Due runs nobody holds a live lease on, within the worker's shards and version. */
  #claimable(options: ClaimOptions): RunRow[] {
    const { namespace, now, shards, version } = options;
    return [...(this.#runs.get(namespace)?.values() ?? [])]
      .filter((run) => run.wakeAt !== null && run.wakeAt <= now && !leasedAt(run, now))
      .filter((run) => !shards || run.shard % shards.count === shards.index)
      .filter((run) => version === undefined || run.codeVersion === null || run.codeVersion === version)
      .filter((run) => canRun(options.can, run));
  }

  /** The queue's limits applied as on MySQL (queue-rules.ts), with the sliding window of starts updated. */
  #pickQueued(namespace: string, queue: string, due: readonly RunRow[], limit: number, now: number): RunRow[] {
    const config = this.#queues.get(`${namespace}/${queue}`) ?? { limits: {}, starts: [] };
    const inProgress = new Map<string | null, number>();
    for (const run of this.#runs.get(namespace)?.values() ?? []) {
      if (run.queue !== queue || !leasedAt(run, now)) continue;
      inProgress.set(run.concurrencyKey, (inProgress.get(run.concurrencyKey) ?? 0) + 1);
    }
    const window = startsInWindow(config.starts, config.limits, now);
    const entries = due.map((run) => ({
      run,
      concurrencyKey: run.concurrencyKey,
      priority: run.priority,
      wakeAt: run.wakeAt ?? 0,
      createdAt: run.createdAt,
      workflow: run.workflow,
      runId: run.runId,
    }));
    // Round robin across keys when the queue limits keys; priority order otherwise (as on MySQL).
    const ordered = config.limits.keyConcurrency === undefined ? entries.sort(byPriority) : fairOrder(entries);
    const candidates = ordered.map(({ run }) => ({
      workflow: run.workflow,
      runId: run.runId,
      concurrencyKey: run.concurrencyKey,
      fresh: run.version === FRESH_VERSION,
      run,
    }));
    const picked = pickQueued(candidates, config.limits, { free: limit, inProgress, recentStarts: window.length });
    const started = picked.filter((candidate) => candidate.fresh).map(() => now);
    this.#queues.set(`${namespace}/${queue}`, { limits: config.limits, starts: [...window, ...started] });
    return picked.map((candidate) => candidate.run);
  }

  async fireSchedules(namespace: string, now: number, plan: (due: DueSchedule) => TickPlan): Promise<FiredSchedules> {
    const started: RunKey[] = [];
    for (const row of this.#schedulesOf(namespace)) {
      if (row.paused || row.nextTick === null || row.nextTick > now) continue;
      const { id, workflow, inputText } = row.spec;
      const previous = row.lastRunId === null ? undefined : this.#run({ namespace, workflow, runId: row.lastRunId });
      const { ticks, nextTick } = plan({
        ...row.spec,
        nextTick: row.nextTick,
        previousRunning: previous?.status === RunStatus.Running,
      });
      for (const tick of ticks) {
        const key = { namespace, workflow, runId: tickRunId(id, tick) };
        const created = this.#insertRun(key, { inputText, now, codeVersion: null, scheduledAt: tick });
        if (created === undefined) continue;
        this.#appendEvent(created, 0, 0, newEvent.created(inputText, now));
        started.push(key);
      }
      const last = ticks.at(-1);
      row.nextTick = nextTick ?? null;
      if (last !== undefined) {
        row.lastTick = last;
        row.lastRunId = tickRunId(id, last);
      }
      row.updatedAt = now;
    }
    this.#changed(started.length > 0);
    return { started, nextTick: this.#nextScheduleTick(namespace) };
  }

  async saveSchedule(spec: ScheduleSpec, nextTick: number | undefined, now: number): Promise<void> {
    const key = `${spec.namespace}/${spec.id}`;
    const row = this.#schedules.get(key);
    if (row === undefined) {
      this.#schedules.set(key, {
        spec,
        paused: false,
        nextTick: nextTick ?? null,
        lastTick: null,
        lastRunId: null,
        createdAt: now,
        updatedAt: now,
      });
    } else {
      row.spec = spec;
      if (!row.paused) row.nextTick = nextTick ?? null;
      row.updatedAt = now;
    }
    this.#changed(true);
  }

  async getSchedule(namespace: string, id: string): Promise<ScheduleInfo | undefined> {
    const row = this.#schedules.get(`${namespace}/${id}`);
    return row === undefined ? undefined : decodeSchedule(row);
  }

  async listSchedules(namespace: string): Promise<ScheduleInfo[]> {
    return this.#schedulesOf(namespace)
      .sort((a, b) => compareNames(a.spec.id, b.spec.id))
      .map(decodeSchedule);
  }

  async setSchedulePaused(
    namespace: string,
    id: string,
    paused: boolean,
    nextTick: number | undefined,
    now: number,
  ): Promise<boolean> {
    const row = this.#schedules.get(`${namespace}/${id}`);
    if (row === undefined) return false;
    row.paused = paused;
    row.nextTick = paused ? null : (nextTick ?? null);
    row.updatedAt = now;
    this.#changed(true);
    return true;
  }

  async deleteSchedule(namespace: string, id: string): Promise<boolean> {
    return this.#schedules.delete(`${namespace}/${id}`);
  }

  #schedulesOf(namespace: string): ScheduleRow[] {
    return [...this.#schedules.values()].filter((row) => row.spec.namespace === namespace);
  }

  #nextScheduleTick(namespace: string): number | undefined {
    let next: number | undefined;
    for (const row of this.#schedulesOf(namespace)) {
      if (row.paused || row.nextTick === null) continue;
      if (next === undefined || row.nextTick < next) next = row.nextTick;
    }
    return next;
  }

  async configureQueue(namespace: string, queue: string, limits: QueueLimits): Promise<void> {
    const known = this.#queues.get(`${namespace}/${queue}`);
    this.#queues.set(`${namespace}/${queue}`, { limits, starts: known?.starts ?? [] });
  }

  async readRun(key: RunKey, owner: string, now: number): Promise<ClaimedRun | undefined> {
    const run = this.#run(key);
    if (run === undefined || run.status !== RunStatus.Running) return undefined;
    if (run.leaseOwner !== null && run.leaseOwner !== owner && leasedAt(run, now)) return undefined;
    const claimed = claimOf(run);
    if (run.version !== FRESH_VERSION || run.inputText === null) return claimed;
    return {
      ...claimed,
      fresh: {
        inputText: run.inputText,
        createdAt: run.createdAt,
        codeVersion: claimed.codeVersion,
        traceContext: claimed.traceContext,
      },
    };
  }

  async claimRun(
    key: RunKey,
    version: number,
    options: { owner: string; now: number; leaseMs: number },
  ): Promise<ClaimedRun | undefined> {
    const run = this.#run(key);
    if (run === undefined || run.status !== RunStatus.Running || run.version !== version) return undefined;
    if (run.leaseOwner !== null || (run.queue ?? null) !== null) return undefined;
    run.leaseOwner = options.owner;
    run.leaseUntil = options.now + options.leaseMs;
    run.stalls = 0;
    run.stallMark = false;
    this.#changed(true);
    return claimOf(run);
  }

  async nextWake(
    namespace: string,
    now: number,
    queues: readonly string[],
    can: WorkerAbilities,
  ): Promise<number | undefined> {
    const runs = this.#nextWake(namespace, now, new Set(queues), can);
    const schedules = this.#nextScheduleTick(namespace);
    if (runs === undefined) return schedules;
    return schedules === undefined ? runs : Math.min(runs, schedules);
  }

  async loadHistory(key: RunKey, iteration: number): Promise<RecordedEvent[]> {
    const events = (this.#run(key)?.events ?? []).filter(
      (event) => event.iteration === iteration && event.pos !== null,
    );
    return events.sort((a, b) => (a.pos ?? 0) - (b.pos ?? 0)).map(recorded);
  }

  async loadTasks(key: RunKey, iteration: number): Promise<TaskRow[]> {
    const tasks = [...(this.#run(key)?.tasks.values() ?? [])].filter((task) => task.iteration === iteration);
    return tasks.map(({ target, seq, attempt, readyAt, heartbeat }) => ({ target, seq, attempt, readyAt, heartbeat }));
  }

  async loadSignals(key: RunKey, names: readonly string[]): Promise<InboxSignal[]> {
    const wanted = new Set(names);
    return (this.#signals.get(pathOf(key)) ?? [])
      .filter((row) => row.consumedIteration === null && wanted.has(row.signal))
      .map(({ id, signal, externalId, payloadText, createdAt }) => ({
        id,
        signal,
        externalId,
        payloadText,
        createdAt,
      }));
  }

  async renewLeases(runs: readonly RunKey[], owner: string, until: number): Promise<number> {
    const held = this.#heldOf(runs, owner);
    for (const run of held) {
      run.leaseUntil = until;
      run.stalls = 0;
      run.stallMark = false;
    }
    return held.length;
  }

  async holdPresence(owner: string): Promise<Presence> {
    this.#present.set(owner, (this.#present.get(owner) ?? 0) + 1);
    let open = true;
    return {
      close: async () => {
        if (!open) return;
        open = false;
        const left = (this.#present.get(owner) ?? 1) - 1;
        if (left > 0) this.#present.set(owner, left);
        else this.#present.delete(owner);
      },
    };
  }

  async markStall(key: RunKey, owner: string): Promise<void> {
    for (const run of this.#heldOf([key], owner)) run.stallMark = true;
  }

  async clearStalls(key: RunKey, owner: string): Promise<void> {
    for (const run of this.#heldOf([key], owner)) {
      run.stalls = 0;
      run.stallMark = false;
    }
  }

  async heldRuns(runs: readonly RunKey[], owner: string): Promise<HeldRun[]> {
    return this.#heldOf(runs, owner).map((run) => ({
      key: keyOf(run),
      wakeGen: run.wakeGen,
      cancelRequested: run.cancelRequested,
    }));
  }

  async releaseAll(namespace: string, owner: string, now: number): Promise<number> {
    const held = this.#held(namespace, owner).filter((run) => run.status === RunStatus.Running);
    for (const run of held) releaseRun(run, now);
    this.#changed(held.length > 0);
    return held.length;
  }

  async release(key: RunKey, owner: string, wakeAt: number): Promise<void> {
    const run = this.#run(key);
    if (run?.leaseOwner !== owner) return;
    releaseRun(run, wakeAt);
    this.#changed(true);
  }

  async park(key: RunKey, owner: string, errorText: string, now: number, version?: number): Promise<boolean> {
    const run = this.#run(key);
    if (run === undefined || run.status !== RunStatus.Running) return false;
    if (run.leaseOwner !== null && run.leaseOwner !== owner && leasedAt(run, now)) return false;
    if (version !== undefined && run.version !== version) return false;
    run.status = RunStatus.Stuck;
    run.errorText = errorText;
    run.wakeAt = null;
    run.leaseOwner = null;
    run.leaseUntil = null;
    run.version++;
    run.updatedAt = now;
    this.#changed(true);
    return true;
  }

  async commit(steps: readonly StepWrite[]): Promise<StepResult[]> {
    const results = steps.map((step) => this.#commitOne(step));
    this.#changed(results.some((result) => result.ok));
    return results;
  }

  #commitOne(step: StepWrite): StepResult {
    const run = this.#run(step.key);
    const refusal = this.#fence(step, run);
    if (refusal !== undefined || run === undefined) return { ok: false, reason: refusal ?? "the run row is gone" };
    let pos = step.firstPos;
    for (const event of step.events) this.#appendEvent(run, step.iteration, pos++, event);
    if (step.restart) {
      const created = {
        type: EventType.Created,
        target: "",
        seq: 0,
        payloadText: step.restart.inputText,
        at: step.now,
      };
      this.#appendEvent(run, step.iteration + 1, 0, created);
    }
    this.#writeTasks(run, step);
    for (const signal of step.signalsConsumed) {
      const row = this.#signals.get(pathOf(run))?.find((candidate) => candidate.id === signal.id);
      if (row) {
        row.consumedIteration = step.iteration;
        row.consumedSeq = signal.seq;
      }
    }
    const result: StepResult = {
      ok: true,
      version: step.expectedVersion + 1,
      nextPos: step.restart ? 1 : pos,
      wakeGen: run.wakeGen,
      cancelRequested: run.cancelRequested,
    };
    const keeps = step.hold && !step.end && !step.restart;
    run.wakeAt = wakeAfterStep(step, run.wakeGen);
    run.version = step.expectedVersion + 1;
    run.iteration = step.restart ? step.iteration + 1 : step.iteration;
    run.nextPos = result.nextPos;
    run.status = step.end?.status ?? run.status;
    run.leaseOwner = keeps ? step.owner : null;
    run.leaseUntil = keeps ? step.leaseUntil : null;
    run.wantedActivity = step.wantedActivity ?? null;
    run.stalls = 0;
    run.stallMark = false;
    run.updatedAt = step.now;
    if (step.end || step.restart) {
      run.resultText = step.end?.resultText ?? null;
      run.errorText = step.end?.errorText ?? null;
    }
    if (step.restart) run.inputText = step.restart.inputText;
    // After the run row is updated, so a wake-up these give this run wins (as on MySQL).
    return { ...result, ...this.#reachOtherRuns(step, run) };
  }

  /** Children started, signals sent, children cancelled, the parent told of this run's end. */
  #reachOtherRuns(step: StepWrite, run: RunRow): { createdChildren?: RunKey[]; woken?: RunKey[] } {
    const created: RunKey[] = [];
    const woken: RunKey[] = [];
    for (const child of step.childStarts) if (this.#startChild(child, run, step.now)) created.push(child.key);
    for (const { key, signal } of step.signalsSent) if (this.#addSignal(key, signal, step.now)) woken.push(key);
    for (const child of step.cancelChildren) if (this.#requestCancel(child, step.now)) woken.push(child);
    const parent = run.parent;
    if (parent?.waits && step.end) {
      const parentKey = { namespace: run.namespace, workflow: parent.workflow, runId: parent.runId };
      const ending = childEndingText(step.end.status, step.end.resultText, step.end.errorText);
      this.#addSignal(
        parentKey,
        { signal: CHILD_SIGNAL, externalId: childEndingId(run), payloadText: ending },
        step.now,
      );
      woken.push(parentKey);
    }
    return created.length === 0 && woken.length === 0 ? {} : { createdChildren: created, woken };
  }

  /** See the MySQL store's startChild: create, adopt, or deliver the ending now. True when created. */
  #startChild(child: ChildStart, parentRun: RunRow, now: number): boolean {
    const { key, inputText, waits, codeVersion, deadline, queue, traceContext } = child;
    const parent = { workflow: parentRun.workflow, runId: parentRun.runId, waits };
    const fields = { inputText, now, codeVersion: codeVersion ?? null, deadline, parent, queue, traceContext };
    const row = this.#insertRun(key, fields);
    if (row !== undefined) {
      this.#appendEvent(row, 0, 0, newEvent.created(inputText, now));
      return true;
    }
    const existing = this.#run(key);
    if (!waits || existing === undefined) return false;
    const parentKey = { namespace: key.namespace, workflow: parent.workflow, runId: parent.runId };
    const deliver = (payloadText: string) =>
      this.#addSignal(parentKey, { signal: CHILD_SIGNAL, externalId: childEndingId(key), payloadText }, now);
    const own = existing.parent;
    if (own && (own.workflow !== parent.workflow || own.runId !== parent.runId)) {
      deliver(JSON.stringify(foreignChildEnding(key, own)));
    } else if (existing.status === RunStatus.Running || existing.status === RunStatus.Stuck) {
      existing.parent = parent;
    } else {
      deliver(childEndingText(existing.status, existing.resultText, existing.errorText));
    }
    return false;
  }

  /** The fence of every store, plus what the MySQL unique keys and signal check refuse. */
  #fence(step: StepWrite, run: RunRow | undefined): string | undefined {
    const refusal = fenceRefusal(step, run);
    if (refusal !== undefined || run === undefined) return refusal;
    for (const event of step.events) {
      if (this.#eventKeys.has(eventKey(run, step.iteration, event))) return "an event of this step was already written";
    }
    const inbox = this.#signals.get(pathOf(run)) ?? [];
    for (const signal of step.signalsConsumed) {
      const row = inbox.find((candidate) => candidate.id === signal.id);
      if (row === undefined || row.consumedIteration !== null) {
        throw new ReplayError("SIGNAL_CONSUMED_TWICE", `signal ${signal.id} of run ${run.runId} was consumed already`);
      }
    }
    return undefined;
  }

  #writeTasks(run: RunRow, step: StepWrite): void {
    for (const task of step.taskWrites) {
      // A heartbeat of the failed attempt may have written the row already (recordHeartbeat).
      const heartbeat = run.tasks.get(taskKeyOf(step.iteration, task))?.heartbeat ?? null;
      run.tasks.set(taskKeyOf(step.iteration, task), { ...task, iteration: step.iteration, heartbeat });
    }
    for (const task of step.taskDeletes) run.tasks.delete(taskKeyOf(step.iteration, task));
    if (step.end || step.restart) {
      for (const [key, task] of run.tasks) if (task.iteration === step.iteration) run.tasks.delete(key);
    }
  }

  // --- ClientStore ----------------------------------------------------------------------

  async migrate(): Promise<void> {}

  /** Nothing to migrate: the tables are maps. */
  async checkSchema(): Promise<void> {}

  async ready(tx?: unknown): Promise<void> {
    refuseTx(tx);
  }

  async createRun(run: NewRun, tx?: unknown): Promise<boolean> {
    refuseTx(tx);
    const row = this.#insertRun(run.key, {
      inputText: run.inputText,
      now: run.now,
      codeVersion: run.codeVersion ?? null,
      deadline: run.deadline,
      parent: run.parent,
      queue: run.queue,
      priority: run.priority,
      concurrencyKey: run.concurrencyKey,
      startAt: run.startAt,
      scheduledAt: run.scheduledAt,
      traceContext: run.traceContext,
    });
    if (row === undefined) return false;
    this.#appendEvent(row, 0, 0, newEvent.created(run.inputText, run.now));
    this.#changed(true);
    return true;
  }

  async resumeRun(key: RunKey, codeVersion: string | undefined, now: number): Promise<void> {
    const run = this.#run(key);
    if (run === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
    if (run.status !== RunStatus.Stuck) throw new RunNotResumableError(key.runId, run.status);
    const error = run.errorText === null ? null : (JSON.parse(run.errorText) as SerializedError);
    run.status = RunStatus.Running;
    run.errorText = null;
    run.wakeAt = now;
    run.leaseOwner = null;
    run.leaseUntil = null;
    run.version++;
    if (codeVersion !== undefined) run.codeVersion = codeVersion;
    run.updatedAt = now;
    this.#appendEvent(run, run.iteration, null, newEvent.resumed({ error, version: codeVersion ?? null }, now));
    this.#changed(true);
  }

  async forkRun(request: ForkRequest): Promise<boolean> {
    const { source, target, fromStep, now } = request;
    const from = this.#run(source);
    if (from === undefined) throw new RunNotFoundError(source.namespace, source.workflow, source.runId);
    const iteration = from.iteration;
    const copied = eventsBeforeStep(
      from.events.filter((event) => event.iteration === iteration),
      fromStep,
    );
    const seed = from.seed ?? `${source.namespace}/${source.workflow}/${source.runId}`;
    const inputText = from.inputText ?? "null";
    const row = this.#insertRun(target, {
      inputText,
      now,
      codeVersion: request.codeVersion ?? from.codeVersion,
      seed,
      iteration,
      // Not fresh when steps were copied: the worker must read the history.
      version: copied.length > 0 ? 1 : FRESH_VERSION,
      nextPos: copied.length + 1,
    });
    if (row === undefined) return false;
    this.#appendEvent(row, iteration, 0, newEvent.created(inputText, now));
    for (const [index, event] of copied.entries()) {
      const { type, target: name, seq, payloadText, at } = event;
      this.#appendEvent(row, iteration, index + 1, { type, target: name, seq, payloadText, at });
    }
    this.#appendEvent(row, iteration, null, newEvent.forked({ runId: source.runId, iteration, fromStep, seed }, now));
    this.#changed(true);
    return true;
  }

  #insertRun(
    key: RunKey,
    fields: {
      inputText: string;
      now: number;
      codeVersion: string | null;
      deadline?: number | undefined;
      parent?: { workflow: string; runId: string; waits: boolean } | undefined;
      queue?: string | undefined;
      priority?: number | undefined;
      concurrencyKey?: string | undefined;
      startAt?: number | undefined;
      scheduledAt?: number | undefined;
      traceContext?: string | undefined;
      seed?: string;
      iteration?: number;
      version?: number;
      nextPos?: number;
    },
  ): RunRow | undefined {
    const runs = this.#namespace(key.namespace);
    const id = runKeyId(key);
    if (runs.has(id)) return undefined;
    const row: RunRow = {
      ...keyOf(key),
      iteration: fields.iteration ?? 0,
      status: RunStatus.Running,
      shard: shardOf(key.runId),
      version: fields.version ?? FRESH_VERSION,
      nextPos: fields.nextPos ?? 1,
      wakeAt: fields.startAt ?? fields.now,
      wakeGen: 0,
      leaseOwner: null,
      leaseUntil: null,
      cancelRequested: false,
      codeVersion: fields.codeVersion,
      deadline: fields.deadline ?? null,
      parent: fields.parent ?? null,
      queue: fields.queue ?? null,
      priority: fields.priority ?? 0,
      concurrencyKey: fields.concurrencyKey ?? null,
      scheduledAt: fields.scheduledAt ?? null,
      traceContext: fields.traceContext ?? null,
      stalls: 0,
      stallMark: false,
      wantedActivity: null,
      seed: fields.seed ?? null,
      inputText: fields.inputText,
      resultText: null,
      errorText: null,
      createdAt: fields.now,
      updatedAt: fields.now,
      events: [],
      tasks: new Map(),
    };
    runs.set(id, row);
    return row;
  }

  async addSignal(key: RunKey, signal: NewSignal, now: number, tx?: unknown): Promise<boolean> {
    refuseTx(tx);
    const run = this.#run(key);
    if (run !== undefined && isEnded(run.status)) {
      if (this.#signalKeys.has(`${pathOf(key)}/${signal.signal}/${signal.externalId}`)) return false;
      throw new RunEndedError(key.namespace, key.workflow, key.runId, run.status, signal.signal);
    }
    const added = this.#addSignal(key, signal, now);
    this.#changed(added);
    return added;
  }

  #addSignal(key: RunKey, signal: NewSignal, now: number): boolean {
    const unique = `${pathOf(key)}/${signal.signal}/${signal.externalId}`;
    if (this.#signalKeys.has(unique)) return false;
    this.#signalKeys.add(unique);
    const inbox = this.#signals.get(pathOf(key)) ?? [];
    this.#signals.set(pathOf(key), inbox);
    this.#inboxRuns.set(pathOf(key), keyOf(key));
    inbox.push({ id: this.#nextSignalId++, ...signal, createdAt: now, consumedIteration: null, consumedSeq: null });
    // No run yet (or ended): the signal waits in the inbox; the engine reads it when it runs.
    const run = this.#run(key);
    if (run?.status === RunStatus.Running) wakeNow(run, now);
    return true;
  }

  async listOrphanedSignals(namespace: string, limit: number): Promise<OrphanedSignal[]> {
    const orphans = this.#orphans(namespace).flatMap(([key, inbox]) =>
      inbox.map((row) => ({
        workflow: key.workflow,
        runId: key.runId,
        signal: row.signal,
        externalId: row.externalId,
        createdAt: new Date(row.createdAt),
        id: row.id,
      })),
    );
    orphans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
    return orphans.slice(0, limit).map(({ id: _id, ...orphan }) => orphan);
  }

  async purgeOrphanedSignals(namespace: string, before: number): Promise<number> {
    let purged = 0;
    for (const [key, inbox] of this.#orphans(namespace)) {
      const kept = inbox.filter((row) => row.createdAt >= before);
      for (const row of inbox) {
        if (row.createdAt < before) this.#signalKeys.delete(`${pathOf(key)}/${row.signal}/${row.externalId}`);
      }
      purged += inbox.length - kept.length;
      this.#signals.set(pathOf(key), kept);
    }
    return purged;
  }

  /** Inboxes of the namespace whose run does not exist. */
  #orphans(namespace: string): [RunKey, SignalRowM[]][] {
    const found: [RunKey, SignalRowM[]][] = [];
    for (const [path, key] of this.#inboxRuns) {
      if (key.namespace !== namespace || this.#run(key) !== undefined) continue;
      found.push([key, this.#signals.get(path) ?? []]);
    }
    return found;
  }

  async requestCancel(key: RunKey, now: number): Promise<boolean> {
    if (this.#run(key) === undefined) throw new RunNotFoundError(key.namespace, key.workflow, key.runId);
    const requested = this.#requestCancel(key, now);
    this.#changed(requested);
    return requested;
  }

  #requestCancel(key: RunKey, now: number): boolean {
    const run = this.#run(key);
    if (run === undefined || run.status !== RunStatus.Running || run.cancelRequested) return false;
    run.cancelRequested = true;
    wakeNow(run, now);
    this.#appendEvent(run, run.iteration, null, newEvent.cancelRequested(now));
    return true;
  }

  async recordHeartbeat(
    key: RunKey,
    iteration: number,
    task: { readonly target: string; readonly seq: number; readonly attempt: number },
    detailsText: string,
  ): Promise<void> {
    const run = this.#run(key);
    if (run === undefined) return;
    const existing = run.tasks.get(taskKeyOf(iteration, task));
    if (existing) existing.heartbeat = detailsText;
    else
      run.tasks.set(taskKeyOf(iteration, task), {
        ...task,
        iteration,
        readyAt: 0,
        lastError: "",
        heartbeat: detailsText,
      });
  }

  async getRun(key: RunKey): Promise<RunInfo | undefined> {
    const run = this.#run(key);
    return run === undefined ? undefined : decodeRunInfo(run);
  }

  async listRuns(filter: ListRunsFilter): Promise<RunPage> {
    const limit = pageLimit(filter.limit);
    const after = pageAfter(filter);
    const sign = filter.order === "desc" ? -1 : 1;
    const matching = [...(this.#runs.get(filter.namespace)?.values() ?? [])]
      .filter((run) => matchesRunFilter(run, filter))
      .filter((run) => after === undefined || sign * comparePage(run, after) > 0)
      .sort((a, b) => sign * comparePage(a, [b.createdAt, b.workflow, b.runId]));
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    const more = matching.length > limit && last !== undefined;
    return {
      runs: page.map(decodeRunInfo),
      ...(more ? { nextCursor: encodePageCursor([last.createdAt, last.workflow, last.runId], filter.order) } : {}),
    };
  }

  async listNamespaces(): Promise<string[]> {
    return [...this.#runs.entries()]
      .filter(([, runs]) => runs.size > 0)
      .map(([namespace]) => namespace)
      .sort(compareNames);
  }

  async inspectRun(key: RunKey): Promise<RunInspection | undefined> {
    const run = this.#run(key);
    if (run === undefined) return undefined;
    const tasks = [...run.tasks.values()]
      .filter((task) => task.iteration === run.iteration)
      .sort((a, b) => compareNames(a.target, b.target) || a.seq - b.seq)
      .map(({ target, seq, attempt, readyAt, lastError }) => ({
        target,
        seq,
        attempt,
        readyAt,
        lastError: lastError || null,
      }));
    const inbox = (this.#signals.get(pathOf(key)) ?? [])
      .filter((row) => row.consumedIteration === null)
      .slice(0, INBOX_LIMIT)
      .map(({ id, signal, externalId, payloadText, createdAt }) => ({
        id,
        signal,
        externalId,
        payloadText,
        receivedAt: createdAt,
      }));
    const { leaseOwner, leaseUntil, wakeAt } = run;
    return { run: decodeRunInfo(run), leaseOwner, leaseUntil, wakeAt, tasks, inbox };
  }

  async purgeRuns(request: PurgeRequest): Promise<number> {
    const statuses = new Set<string>(request.statuses);
    const runs = this.#runs.get(request.namespace);
    const doomed = [...(runs?.values() ?? [])]
      .filter((run) => statuses.has(run.status) && run.updatedAt < request.endedBefore)
      .slice(0, request.limit);
    const gone = new Set<number>();
    for (const run of doomed) {
      this.#deleteRun(run);
      for (const event of run.events) gone.add(event.id);
    }
    // Compacted in place, once: the stream's binary search needs the ids in order, nothing more.
    let kept = 0;
    for (const event of this.#events) if (!gone.has(event.id)) this.#events[kept++] = event;
    this.#events.length = kept;
    return doomed.length;
  }

  /** Removes a run with its signals and retry rows; its events leave the log in purgeRuns. */
  #deleteRun(run: RunRow): void {
    this.#runs.get(run.namespace)?.delete(runKeyId(run));
    for (const event of run.events) this.#eventKeys.delete(eventKey(run, event.iteration, event));
    for (const signal of this.#signals.get(pathOf(run)) ?? []) {
      this.#signalKeys.delete(`${pathOf(run)}/${signal.signal}/${signal.externalId}`);
    }
    this.#signals.delete(pathOf(run));
  }

  async countRuns(filter: CountFilter, now: number): Promise<RunCounts> {
    const tally = new StatusTally();
    const counts = { statuses: tally.statuses, workflows: tally.workflows, queued: 0, active: 0, waiting: 0 };
    for (const run of this.#runs.get(filter.namespace)?.values() ?? []) {
      if (filter.workflow !== undefined && run.workflow !== filter.workflow) continue;
      if (filter.queue !== undefined && run.queue !== filter.queue) continue;
      tally.add(run.workflow, run.status);
      if (run.status !== RunStatus.Running) continue;
      if (leasedAt(run, now)) counts.active++;
      else if (run.wakeAt !== null && run.wakeAt <= now) counts.queued++;
      else counts.waiting++;
    }
    return counts;
  }

  async getHistory(key: RunKey, options: HistoryOptions = {}): Promise<HistoryEvent[] | undefined> {
    const run = this.#run(key);
    if (run === undefined) return undefined;
    const iteration = options.iteration ?? run.iteration;
    return run.events
      .filter((event) => iteration === "all" || event.iteration === iteration)
      .map((event) => {
        const { payloadText: _, ...decoded } = recorded(event);
        return decoded as HistoryEvent;
      });
  }

  async lastEventId(): Promise<number> {
    return this.#events.at(-1)?.id ?? 0;
  }

  async readEvents(cursor: number, filter: EventFilter): Promise<EventBatch> {
    // Every id up to the last one is resolved here: nothing commits out of order.
    const start = lowerBound(this.#events, cursor);
    const types = filter.types === undefined ? undefined : new Set(filter.types);
    const events: StreamEvent[] = [];
    let scanned = cursor;
    for (let i = start; i < this.#events.length && events.length < BATCH_SIZE; i++) {
      const event = this.#events[i] as EventRow;
      scanned = event.id;
      if (matchesFilter(event, filter, types)) events.push(streamEventOf(event));
    }
    const more = events.length === BATCH_SIZE && scanned < this.#nextEventId - 1;
    return { events, cursor: scanned, blocked: false, more };
  }

  async loadCursor(namespace: string, consumer: string): Promise<number | undefined> {
    return this.#cursors.get(`${namespace}/${consumer}`);
  }

  async saveCursor(namespace: string, consumer: string, lastId: number): Promise<void> {
    this.#cursors.set(`${namespace}/${consumer}`, lastId);
  }

  async close(): Promise<void> {}

  // --- internals ------------------------------------------------------------------------

  #namespace(namespace: string): Map<string, RunRow> {
    let runs = this.#runs.get(namespace);
    if (runs === undefined) {
      runs = new Map();
      this.#runs.set(namespace, runs);
    }
    return runs;
  }

  #run(key: RunKey): RunRow | undefined {
    return this.#runs.get(key.namespace)?.get(runKeyId(key));
  }

  #heldOf(runs: readonly RunKey[], owner: string): RunRow[] {
    return runs.flatMap((key) => {
      const run = this.#run(key);
      return run?.leaseOwner === owner ? [run] : [];
    });
  }

  #held(namespace: string, owner: string): RunRow[] {
    return [...(this.#runs.get(namespace)?.values() ?? [])].filter((run) => run.leaseOwner === owner);
  }

  /** See EngineStore.nextWake; with `queues` undefined, every run counts (a test environment's view). */
  #nextWake(namespace: string, now: number, queues?: ReadonlySet<string>, can?: WorkerAbilities): number | undefined {
    let next: number | undefined;
    for (const run of this.#runs.get(namespace)?.values() ?? []) {
      if (run.wakeAt === null || leasedAt(run, now)) continue;
      if (can !== undefined && !canRun(can, run)) continue;
      const queued = run.queue !== null && queues !== undefined;
      if (queued && (!queues.has(run.queue ?? "") || run.wakeAt <= now)) continue;
      if (next === undefined || run.wakeAt < next) next = run.wakeAt;
    }
    return next;
  }

  #appendEvent(run: RunRow, iteration: number, pos: number | null, event: NewEvent): void {
    const row: EventRow = { id: this.#nextEventId++, ...keyOf(run), iteration, pos, ...event };
    this.#eventKeys.add(eventKey(run, iteration, event));
    this.#events.push(row);
    run.events.push(row);
  }

  #changed(changed: boolean): void {
    if (changed) this.#onChange();
  }
}

/** Creates an empty in-memory store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

/** The key of a retry row within its run. */
function taskKeyOf(iteration: number, task: { readonly target: string; readonly seq: number }): string {
  return `${iteration}\u0000${task.target}\u0000${task.seq}`;
}

function refuseTx(tx: unknown): void {
  if (tx === undefined) return;
  throw new ReplayError(
    "TX_UNSUPPORTED",
    "the in-memory store has no transactions: { tx } joins a MySQL transaction and works with createClient only; leave it out with this client",
  );
}

const pathOf = (key: RunKey): string => `${key.namespace}/${runKeyId(key)}`;

const keyOf = (run: RunKey): RunKey => ({ namespace: run.namespace, workflow: run.workflow, runId: run.runId });

/** The unique key of an event, as the MySQL events_key index has it. */
function eventKey(run: RunKey, iteration: number, event: Pick<NewEvent, "type" | "target" | "seq">): string {
  return `${pathOf(run)}\u0000${iteration}\u0000${event.type}\u0000${event.target}\u0000${event.seq}`;
}

function leasedAt(run: RunRow, now: number): boolean {
  return run.leaseUntil !== null && run.leaseUntil >= now;
}

function releaseRun(run: RunRow, wakeAt: number): void {
  run.leaseOwner = null;
  run.leaseUntil = null;
  run.wakeAt = wakeAt;
}

/** Something arrived from outside: bump wake_gen and make the run due now unless it is due earlier. */
function wakeNow(run: RunRow, now: number): void {
  run.wakeGen++;
  if (run.wakeAt === null || run.wakeAt > now) run.wakeAt = now;
  run.updatedAt = now;
}

function claimOf(run: RunRow): ClaimedRun {
  return {
    ...keyOf(run),
    iteration: run.iteration,
    version: run.version,
    nextPos: run.nextPos,
    wakeGen: run.wakeGen,
    cancelRequested: run.cancelRequested,
    codeVersion: run.codeVersion ?? undefined,
    seed: run.seed ?? undefined,
    deadline: run.deadline ?? undefined,
    queue: run.queue ?? undefined,
    scheduledAt: run.scheduledAt ?? undefined,
    stalls: run.stalls,
    wantedActivity: run.wantedActivity ?? undefined,
    traceContext: run.traceContext ?? undefined,
    dueAt: run.wakeAt ?? undefined,
  };
}

/** See WorkerAbilities: a run of a workflow the worker has, not waiting for an activity it lacks. */
function canRun(can: WorkerAbilities, run: RunRow): boolean {
  return (
    can.workflows.includes(run.workflow) && (run.wantedActivity === null || can.activities.includes(run.wantedActivity))
  );
}

function recorded(event: EventRow): RecordedEvent {
  return decodeEvent(event, `event ${event.type} ${event.target}#${event.seq} of run ${event.runId}`);
}

function streamEventOf(event: EventRow): StreamEvent {
  const decoded = recorded(event);
  return {
    id: event.id,
    ...keyOf(event),
    iteration: event.iteration,
    type: decoded.type,
    target: event.target,
    seq: event.seq,
    payload: decoded.payload,
    createdAt: new Date(event.at),
  };
}

function matchesFilter(event: EventRow, filter: EventFilter, types: ReadonlySet<string> | undefined): boolean {
  return (
    event.namespace === filter.namespace &&
    (filter.workflow === undefined || event.workflow === filter.workflow) &&
    (filter.runId === undefined || event.runId === filter.runId) &&
    (types === undefined || types.has(event.type))
  );
}

/** Index of the first event with an id above `cursor` (ids increase along the array). */
function lowerBound(events: readonly EventRow[], cursor: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((events[mid] as EventRow).id <= cursor) low = mid + 1;
    else high = mid;
  }
  return low;
}

function matchesRunFilter(run: RunRow, filter: ListRunsFilter): boolean {
  const { workflow, status, version, queue, createdAfter, createdBefore, runIdPrefix } = filter;
  return (
    (workflow === undefined || run.workflow === workflow) &&
    (status === undefined || run.status === status) &&
    (version === undefined || run.codeVersion === version) &&
    (queue === undefined || run.queue === queue) &&
    (createdAfter === undefined || run.createdAt > createdAfter.getTime()) &&
    (createdBefore === undefined || run.createdAt < createdBefore.getTime()) &&
    (runIdPrefix === undefined || run.runId.startsWith(runIdPrefix))
  );
}

function comparePage(run: RunRow, key: readonly [number, string, string]): number {
  return run.createdAt - key[0] || compareNames(run.workflow, key[1]) || compareNames(run.runId, key[2]);
}
