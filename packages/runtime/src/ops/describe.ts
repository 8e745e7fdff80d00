import type { SerializedError } from "../errors.js";
import {
  type ChildRequest,
  type EventAwaited,
  type HistoryEvent,
  RunStatus,
  type SignalRequest,
  type SleepRequest,
} from "../history/index.js";
import { decodePayload } from "../json.js";
import type { RunInspection, TaskDetail } from "../store/records.js";
import type {
  PendingActivity,
  PendingChild,
  PendingEventWait,
  PendingSignalAwait,
  PendingTimer,
  PendingTokenAwait,
  RunDescription,
  RunState,
  WaitingFor,
} from "./description.js";
import { type TimelineStep, timelineOf } from "./timeline.js";

const NOTHING: WaitingFor = { activities: [], signals: [], timers: [], children: [], tokens: [], events: [] };

/**
 * What a run waits for, from its current iteration's history (requests without a response),
 * its retry rows and its lease, and the cycle of waiting runs it is in, if the caller found one
 * (see waitCycleOf). Pure: the clock reading `now` decides what is due.
 */
export function describeRun(
  inspection: RunInspection,
  history: readonly HistoryEvent[],
  now: number,
  waitCycle?: RunDescription["waitCycle"],
): RunDescription {
  const { run, leaseOwner, leaseUntil, wakeAt } = inspection;
  const leased = leaseOwner !== null && leaseUntil !== null && leaseUntil >= now;
  const ended = run.status !== RunStatus.Running;
  const current = history.filter((event) => event.iteration === run.iteration);
  return {
    ...run,
    state: run.paused && !ended ? "paused" : stateOf(ended, leased, wakeAt, now),
    ...(leased ? { lease: { owner: leaseOwner, until: new Date(leaseUntil) } } : {}),
    ...(wakeAt === null || ended ? {} : { wakeAt: new Date(wakeAt) }),
    waitingFor: ended ? NOTHING : waitsOf(current, inspection.tasks, leased, now),
    // Children's endings, token completions and events live in the inbox too, under names
    // that start with "/": they are shown with what waits for them, not as signals.
    inbox: inspection.inbox
      .filter((entry) => !entry.signal.startsWith("/"))
      .map((entry) => ({
        signal: entry.signal,
        externalId: entry.externalId,
        message: decodePayload(entry.payloadText, `signal ${entry.id} of run ${run.runId}`) ?? null,
        receivedAt: new Date(entry.receivedAt),
      })),
    ...(waitCycle === undefined || ended ? {} : { waitCycle }),
  };
}

function stateOf(ended: boolean, leased: boolean, wakeAt: number | null, now: number): RunState {
  if (ended) return "ended";
  if (leased) return "active";
  return wakeAt !== null && wakeAt <= now ? "queued" : "waiting";
}

/** The steps of the iteration still pending, by kind. */
function waitsOf(
  history: readonly HistoryEvent[],
  tasks: readonly TaskDetail[],
  leased: boolean,
  now: number,
): WaitingFor {
  const waits = {
    activities: [] as PendingActivity[],
    signals: [] as PendingSignalAwait[],
    timers: [] as PendingTimer[],
    children: [] as PendingChild[],
    tokens: [] as PendingTokenAwait[],
    events: [] as PendingEventWait[],
  };
  for (const step of timelineOf(history)) {
    if (step.outcome !== "pending") continue;
    const since = new Date(step.startedAt);
    switch (step.kind) {
      case "activity":
        waits.activities.push(pendingActivity(step, tasks, leased, now));
        break;
      case "signal":
        waits.signals.push({ signal: step.name, seq: step.seq, since, until: deadlineOf(step.request) });
        break;
      case "sleep":
      case "condition":
        waits.timers.push({ seq: step.seq, since, until: deadlineOf(step.request) });
        break;
      case "child":
        waits.children.push({ workflow: step.name, runId: (step.request as ChildRequest).runId, since });
        break;
      case "tokenAwait": {
        const deadline = (step.request as { deadline: number | null }).deadline;
        waits.tokens.push({ tokenId: step.name, since, ...(deadline === null ? {} : { until: new Date(deadline) }) });
        break;
      }
      case "event": {
        const { key, deadline } = step.request as EventAwaited;
        const keyed = key === null ? {} : { key };
        waits.events.push({ event: step.name, ...keyed, seq: step.seq, since, until: new Date(deadline) });
        break;
      }
      default:
        break;
    }
  }
  return waits;
}

function pendingActivity(
  step: TimelineStep,
  tasks: readonly TaskDetail[],
  leased: boolean,
  now: number,
): PendingActivity {
  const row = tasks.find((task) => task.target === step.name && task.seq === step.seq);
  const where = `last error of activity ${step.name}#${step.seq}`;
  const lastError = row?.lastError ? (decodePayload(row.lastError, where) as SerializedError) : undefined;
  // A row without an error was written by a heartbeat of the attempt that runs now.
  const failedAttempts = row === undefined ? 0 : lastError ? row.attempt : Math.max(0, row.attempt - 1);
  const nextAttemptAt = Math.max(step.startedAt, lastError && row ? row.readyAt : 0);
  const state = nextAttemptAt > now ? "backoff" : leased ? "running" : "due";
  return {
    activity: step.name,
    seq: step.seq,
    input: step.request,
    requestedAt: new Date(step.startedAt),
    failedAttempts,
    ...(lastError === undefined ? {} : { lastError }),
    nextAttemptAt: new Date(nextAttemptAt),
    state,
  };
}

function deadlineOf(request: unknown): Date {
  return new Date((request as SleepRequest | SignalRequest).deadline);
}
