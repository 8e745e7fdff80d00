import { unreachable } from "../unreachable.js";
import { EventType } from "./events.js";

/**
 * The steps of an iteration are the commands its history records, in position order:
 * activity requests, sleeps, signal awaits, outputs, patch markers, child starts, signals
 * sent, tags set, condition waits with a timeout, the updates it accepted, tokens created and
 * awaited, event waits, and the workflow's stream writes and closes. Operators number them from 0
 * (forkRun's `fromStep`, the inspector's timeline).
 */
export function isStep(type: EventType): boolean {
  switch (type) {
    case EventType.ActivityRequest:
    case EventType.SleepRequest:
    case EventType.SignalRequest:
    case EventType.Output:
    case EventType.Patched:
    case EventType.ChildRequest:
    case EventType.SignalSent:
    case EventType.TagsSet:
    case EventType.TokenCreated:
    case EventType.TokenAwaited:
    case EventType.EventAwaited:
    case EventType.StreamWrite:
    case EventType.StreamClose:
    case EventType.UpdateAccepted:
    case EventType.ConditionRequest:
      return true;
    case EventType.Created:
    case EventType.Completed:
    case EventType.Restarted:
    case EventType.Failed:
    case EventType.Cancelled:
    case EventType.CancelRequested:
    case EventType.CancelDelivered:
    case EventType.ActivityResponse:
    case EventType.SleepDone:
    case EventType.SignalResponse:
    case EventType.ChildResponse:
    case EventType.UpdateCompleted:
    case EventType.ConditionResult:
    case EventType.Resumed:
    case EventType.Forked:
    case EventType.Paused:
    case EventType.Unpaused:
    case EventType.Terminated:
    case EventType.Reset:
    case EventType.TokenCompleted:
    case EventType.EventReceived:
      return false;
    default:
      return unreachable(type);
  }
}

/** What a fork copies besides steps: their recorded results. Cancellation and the end are not copied. */
function isResult(type: EventType): boolean {
  switch (type) {
    case EventType.ActivityResponse:
    case EventType.SleepDone:
    case EventType.SignalResponse:
    case EventType.ChildResponse:
    case EventType.TokenCompleted:
    case EventType.EventReceived:
    case EventType.UpdateCompleted:
    case EventType.ConditionResult:
      return true;
    default:
      return false;
  }
}

/**
 * The events of an iteration that a fork from step `fromStep` reuses: every step before it
 * and the results recorded before it, in position order. A step copied without its result
 * runs again in the fork (an activity is executed again, a sleep waits out its deadline).
 */
export function eventsBeforeStep<E extends { readonly type: EventType; readonly pos: number | null }>(
  events: readonly E[],
  fromStep: number,
): E[] {
  const ordered = events.filter((event) => event.pos !== null && event.pos > 0);
  ordered.sort((a, b) => (a.pos ?? 0) - (b.pos ?? 0));
  const kept: E[] = [];
  let steps = 0;
  for (const event of ordered) {
    if (isStep(event.type)) {
      if (steps === fromStep) break;
      steps++;
      kept.push(event);
    } else if (isResult(event.type)) {
      kept.push(event);
    }
  }
  return kept;
}
