import {
  type ChildRequest,
  type EventAwaited,
  EventType,
  type NewEvent,
  type RunKey,
  type SignalSent,
  type Tags,
  type TokenCreated,
} from "../history/index.js";
import type { RunExecutor } from "../replay/executor.js";
import type { ChildStart, SignalToSend } from "../store/types.js";
import { activityKey, newPendingActivity, type PendingActivity } from "./pending-activities.js";
import type { StepChanges } from "./step-changes.js";

/** The run whose step's outbox is recorded, as its children and the activities it requested need it. */
export interface OutboxScope {
  readonly key: RunKey;
  /** A child runs the parent's code version, so one deploy's parents and children match. */
  readonly codeVersion: string | undefined;
  readonly pending: Map<string, PendingActivity>;
  readonly step: StepChanges;
  /** The step's time: a new activity is due then, and a child's timeout counts from then. */
  readonly now: number;
  /** The parent's workflow span as a child joins its trace (see WorkflowSpan.childContext). */
  childTraceContext(): string | undefined;
}

/**
 * Records what the commands a step issued ask for besides their events: a pending activity per
 * activity request, a child start per child request, a signal to send per signal sent, the tags
 * the workflow set, a token row per token created, a registered wait per event wait, a stream
 * write per stream write or close.
 */
export function recordOutbox(outbox: readonly NewEvent[], scope: OutboxScope): void {
  for (const event of outbox) {
    switch (event.type) {
      case EventType.ActivityRequest:
        // No tasks row yet: the request event itself records the pending work. A row is written
        // only when an attempt fails and a retry must wait (see applyCompletions).
        scope.pending.set(activityKey(event.target, event.seq), newPendingActivity(event.target, event.seq, scope.now));
        break;
      case EventType.ChildRequest:
        scope.step.childStarts.push(childStart(event, scope));
        break;
      case EventType.SignalSent:
        scope.step.signalsSent.push(signalToSend(scope.key.namespace, event));
        break;
      case EventType.TagsSet:
        scope.step.tagsSet.push(JSON.parse(event.payloadText ?? "{}") as Tags);
        break;
      case EventType.TokenCreated: {
        const { id, deadline } = JSON.parse(event.payloadText ?? "null") as TokenCreated;
        const name = event.target === "" ? undefined : event.target;
        scope.step.tokensCreated.push({ id, name, seq: event.seq, expiresAt: deadline });
        break;
      }
      case EventType.EventAwaited: {
        const { key, since, deadline } = JSON.parse(event.payloadText ?? "null") as EventAwaited;
        scope.step.eventWaits.push({ name: event.target, seq: event.seq, key, since, deadline });
        break;
      }
      case EventType.StreamWrite:
        scope.step.streamWrites.push({ key: event.target, valueText: event.payloadText ?? "null" });
        break;
      case EventType.StreamClose:
        scope.step.streamWrites.push({ key: event.target, close: true });
        break;
      default:
        break;
    }
  }
}

/** The children the run waits for now (runChild), to cancel with the run. */
export function waitedChildren(key: RunKey, executor: RunExecutor): RunKey[] {
  return executor.pending("child").map((command) => ({
    namespace: key.namespace,
    workflow: command.target,
    runId: (command.input as ChildRequest).runId,
  }));
}

/** The event waits the run has now, to end with it (it ends, restarts or is cancelled). */
export function waitedEvents(executor: RunExecutor): { name: string; seq: number }[] {
  return executor.pending("eventWait").map((command) => ({ name: command.target, seq: command.seq }));
}

/** A child_request of the outbox as the store starts it. */
function childStart(event: NewEvent, scope: OutboxScope): ChildStart {
  const request = JSON.parse(event.payloadText ?? "null") as ChildRequest;
  return {
    key: { namespace: scope.key.namespace, workflow: event.target, runId: request.runId },
    inputText: JSON.stringify(request.input),
    waits: request.wait,
    codeVersion: scope.codeVersion,
    deadline: request.timeout === undefined ? undefined : scope.now + request.timeout,
    queue: request.queue,
    // The child joins this run's trace, under its workflow span.
    traceContext: scope.childTraceContext(),
    tags: request.tags,
  };
}

/** A signal_sent of the outbox as the store sends it. */
function signalToSend(namespace: string, event: NewEvent): SignalToSend {
  const sent = JSON.parse(event.payloadText ?? "null") as SignalSent;
  return {
    key: { namespace, workflow: event.target, runId: sent.runId },
    signal: { signal: sent.signal, externalId: sent.externalId, payloadText: JSON.stringify(sent.message) },
  };
}
