import { type RunKey, RunStatus } from "../../history/index.js";
import { FRESH_VERSION } from "../claimed-run.js";
import { claimable, type WorkerFilter, workerTakes } from "../rules/claim-filter.js";
import { leasableByKey, leaseLive, type RunSnapshot, takenByRead } from "../rules/lease.js";
import {
  pickQueued,
  planCandidates,
  type QueueLimits,
  selectCandidates,
  startsInWindow,
} from "../rules/queue-picking.js";
import { inboxReadAlong } from "../rules/signals.js";
import { keepsStallMark, stallsAfterClaim } from "../rules/stalls.js";
import type { ClaimedRun, ClaimOptions } from "../types.js";
import { inboxSignalOf } from "./history.js";
import { keyOf, type MemoryTables, type RunRow } from "./tables.js";

/** See EngineStore.claim: the claim filter and the queue's limits, as on MySQL. */
export function claim(db: MemoryTables, options: ClaimOptions): ClaimedRun[] {
  const { namespace, owner, now, leaseMs, limit, queue } = options;
  const due = [...db.runsOf(namespace)].filter(
    (run) => (run.queue ?? undefined) === queue && claimable(options, run, now),
  );
  const chosen =
    queue === undefined
      ? due.sort((a, b) => (a.wakeAt ?? 0) - (b.wakeAt ?? 0)).slice(0, limit)
      : pickQueuedRuns(db, namespace, queue, due, limit, now);
  if (queue !== undefined && chosen.length < Math.min(due.length, limit)) options.heldBack?.();
  const claimed = chosen.map((run) => {
    const after = stallsAfterClaim(run.leaseOwner, owner, run.stalls, run.stallMark, (holder) =>
      db.present.has(holder),
    );
    run.stalls = after.stalls;
    run.stallMark = run.stallMark && keepsStallMark(run.leaseOwner, owner);
    run.leaseOwner = owner;
    run.leaseUntil = now + leaseMs;
    return { ...claimOf(run), ...after };
  });
  db.changed(chosen.length > 0);
  return claimed;
}

/**
 * The queue's limits applied as on MySQL (rules/queue-picking.ts): the candidates the plan
 * reads, in claim order, picked within the limits; the sliding window of starts updated.
 */
function pickQueuedRuns(
  db: MemoryTables,
  namespace: string,
  queue: string,
  due: readonly RunRow[],
  limit: number,
  now: number,
): RunRow[] {
  const config = db.queues.get(`${namespace}/${queue}`) ?? { limits: {}, starts: [] };
  const inProgress = new Map<string | null, number>();
  for (const run of db.runsOf(namespace)) {
    if (run.queue !== queue || !leaseLive(run, now)) continue;
    inProgress.set(run.concurrencyKey, (inProgress.get(run.concurrencyKey) ?? 0) + 1);
  }
  const window = startsInWindow(config.starts, config.limits, now);
  const state = { free: limit, inProgress, recentStarts: window.length };
  const entries = due.map((run) => ({
    run,
    concurrencyKey: run.concurrencyKey,
    priority: run.priority,
    fresh: run.version === FRESH_VERSION,
    wakeAt: run.wakeAt ?? 0,
    createdAt: run.createdAt,
    workflow: run.workflow,
    runId: run.runId,
  }));
  const candidates = selectCandidates(entries, planCandidates(config.limits, state));
  const picked = pickQueued(candidates, config.limits, state);
  const started = picked.filter((candidate) => candidate.fresh).map(() => now);
  db.queues.set(`${namespace}/${queue}`, { limits: config.limits, starts: [...window, ...started] });
  return picked.map((candidate) => candidate.run);
}

export function configureQueue(db: MemoryTables, namespace: string, queue: string, limits: QueueLimits): void {
  const known = db.queues.get(`${namespace}/${queue}`);
  db.queues.set(`${namespace}/${queue}`, { limits, starts: known?.starts ?? [] });
}

/** See EngineStore.readRun. */
export function readRun(db: MemoryTables, key: RunKey, owner: string, now: number): ClaimedRun | undefined {
  return takenByRead(runSnapshot(db, key), owner, now);
}

/** The run by key with its unconsumed signals, before the reader's checks (takenByRead); undefined: no run. */
export function runSnapshot(db: MemoryTables, key: RunKey): RunSnapshot<ClaimedRun> | undefined {
  const run = db.run(key);
  if (run === undefined) return undefined;
  const unconsumed = db.inbox(key).filter((row) => row.consumedIteration === null);
  const signals = inboxReadAlong(unconsumed)?.map(inboxSignalOf);
  const claimed = { ...claimOf(run), signals };
  const read = { status: run.status, paused: run.paused, leaseOwner: run.leaseOwner, leaseUntil: run.leaseUntil };
  if (run.version !== FRESH_VERSION || run.inputText === null) return { ...read, claimed };
  const fresh = {
    inputText: run.inputText,
    createdAt: run.createdAt,
    codeVersion: claimed.codeVersion,
    traceContext: claimed.traceContext,
  };
  return { ...read, claimed: { ...claimed, fresh } };
}

/** See EngineStore.claimRun; the same conditions as the UPDATE of mysql/claim.ts claimRun. */
export function claimRun(
  db: MemoryTables,
  key: RunKey,
  version: number,
  options: { owner: string; now: number; leaseMs: number },
): ClaimedRun | undefined {
  const run = db.run(key);
  if (run === undefined || run.status !== RunStatus.Running || run.version !== version) return undefined;
  if (!leasableByKey(run, options.owner) || (run.queue ?? null) !== null || run.paused) return undefined;
  // A run nobody holds has no stalls to carry over; one this owner's claim leased keeps what that claim counted.
  if (run.leaseOwner === null) {
    run.stalls = 0;
    run.stallMark = false;
  }
  run.leaseOwner = options.owner;
  run.leaseUntil = options.now + options.leaseMs;
  db.changed(true);
  return claimOf(run);
}

/**
 * See EngineStore.nextWake, for the runs only (the store adds the schedules' ticks). With
 * `queues` and `filter` undefined, every run counts: a test environment's view of the whole store.
 */
export function nextRunWake(
  db: MemoryTables,
  namespace: string,
  now: number,
  queues?: ReadonlySet<string>,
  filter?: WorkerFilter,
): number | undefined {
  let next: number | undefined;
  for (const run of db.runsOf(namespace)) {
    if (run.wakeAt === null || leaseLive(run, now)) continue;
    if (filter !== undefined && !workerTakes(filter, run)) continue;
    const queued = run.queue !== null && queues !== undefined;
    if (queued && (!queues.has(run.queue ?? "") || run.wakeAt <= now)) continue;
    if (next === undefined || run.wakeAt < next) next = run.wakeAt;
  }
  return next;
}

export function claimOf(run: RunRow): ClaimedRun {
  return {
    ...keyOf(run),
    iteration: run.iteration,
    version: run.version,
    nextPos: run.nextPos,
    wakeGen: run.wakeGen,
    requestGen: run.requestGen,
    cancelRequested: run.cancelRequested,
    codeVersion: run.codeVersion ?? undefined,
    seed: run.seed ?? undefined,
    seedIteration: run.seedIteration ?? undefined,
    deadline: run.deadline ?? undefined,
    queue: run.queue ?? undefined,
    scheduledAt: run.scheduledAt ?? undefined,
    stalls: run.stalls,
    wantedActivity: run.wantedActivity ?? undefined,
    traceContext: run.traceContext ?? undefined,
    dueAt: run.wakeAt ?? undefined,
  };
}
