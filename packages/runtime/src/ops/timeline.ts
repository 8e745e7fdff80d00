import { EventType, type HistoryEvent, isStep } from "../history/index.js";
import { unreachable } from "../unreachable.js";

/** What a step of a run's timeline is: the command kinds of the run context ("stream" writes a chunk, "close" closes a stream). */
export type StepKind =
  | "activity"
  | "sleep"
  | "signal"
  | "output"
  | "patch"
  | "child"
  | "send"
  | "tags"
  | "update"
  | "condition"
  | "token"
  | "tokenAwait"
  | "event"
  | "stream"
  | "close";

/**
 * How a step went: "completed" and "failed" for steps with a result (an update's handler
 * included), "timed out" for a signal await, a condition, a token or an event await that got
 * none, "pending" while the workflow waits for it, "recorded" for steps that are done the
 * moment they are written (outputs, patch markers, signals sent, tags set, startChild, tokens
 * created, stream writes and closes).
 */
export type StepOutcome = "completed" | "failed" | "timed out" | "pending" | "recorded";

/** One step of a run's current iteration: a recorded command with its result, if any. */
export interface TimelineStep {
  /** Position among the steps, from 0: what forkRun's `fromStep` counts. */
  readonly index: number;
  readonly kind: StepKind;
  /**
   * Activity, signal, output, patch or event name; the workflow of a child or of a signal sent;
   * a token's name (created) or id (awaited); "" for a sleep.
   */
  readonly name: string;
  readonly seq: number;
  /** When the command was recorded, ms since the epoch. */
  readonly startedAt: number;
  /** When its result was recorded; absent while pending. */
  readonly endedAt?: number;
  readonly outcome: StepOutcome;
  /** Attempts an activity took. */
  readonly attempts?: number;
  /** What the command carried: activity input, sleep, await or condition request, output message, child request, signal sent, accepted update. */
  readonly request: unknown;
  /** What answered it: activity result or error, the signal message, the child's ending, the update's result or error. */
  readonly response?: unknown;
}

/** The steps of a run's history in the order they were recorded, each with its result. */
export function timelineOf(history: readonly HistoryEvent[]): TimelineStep[] {
  const answers = new Map<string, HistoryEvent>();
  for (const event of history) {
    const key = answerKey(event);
    if (key !== undefined) answers.set(key, event);
  }
  const requests = history
    .filter((event) => event.pos !== null && isStep(event.type))
    .sort((a, b) => a.iteration - b.iteration || (a.pos ?? 0) - (b.pos ?? 0));
  return requests.flatMap((event, index) => {
    const kind = kindOf(event.type);
    return kind === undefined ? [] : [stepOf(event, kind, index, answers.get(requestKeyOf(event)))];
  });
}

function stepOf(event: HistoryEvent, kind: StepKind, index: number, answer: HistoryEvent | undefined): TimelineStep {
  const base = { index, kind, name: event.target, seq: event.seq, startedAt: event.at, request: event.payload };
  const doneWhenWritten = ["output", "patch", "send", "tags", "token", "stream", "close"];
  if (doneWhenWritten.includes(kind)) {
    return { ...base, endedAt: event.at, outcome: "recorded" };
  }
  if (event.type === EventType.ChildRequest && !event.payload.wait) {
    return { ...base, name: event.target, endedAt: event.at, outcome: "recorded" };
  }
  if (answer === undefined) return { ...base, outcome: "pending" };
  return { ...base, endedAt: answer.at, ...resultOf(answer) };
}

function resultOf(answer: HistoryEvent): Pick<TimelineStep, "outcome" | "attempts" | "response"> {
  switch (answer.type) {
    case EventType.ActivityResponse: {
      const failed = "error" in answer.payload;
      const response = failed ? answer.payload.error : answer.payload.result;
      return { outcome: failed ? "failed" : "completed", attempts: answer.payload.attempts, response };
    }
    case EventType.SignalResponse:
      return "timedOut" in answer.payload
        ? { outcome: "timed out" }
        : { outcome: "completed", response: answer.payload.message };
    case EventType.ChildResponse:
      return { outcome: answer.payload.status === "completed" ? "completed" : "failed", response: answer.payload };
    case EventType.UpdateCompleted:
      return "error" in answer.payload
        ? { outcome: "failed", response: answer.payload.error }
        : { outcome: "completed", response: answer.payload.result };
    case EventType.ConditionResult:
      return "timedOut" in answer.payload ? { outcome: "timed out" } : { outcome: "completed" };
    case EventType.TokenCompleted:
      if ("timedOut" in answer.payload) return { outcome: "timed out" };
      return "error" in answer.payload
        ? { outcome: "failed", response: answer.payload.error }
        : { outcome: "completed", response: answer.payload.value };
    case EventType.EventReceived:
      return "timedOut" in answer.payload
        ? { outcome: "timed out" }
        : { outcome: "completed", response: answer.payload };
    default:
      return { outcome: "completed" };
  }
}

/** The step kind of a request event; undefined for the events that are not steps (see isStep). */
function kindOf(type: EventType): StepKind | undefined {
  switch (type) {
    case EventType.ActivityRequest:
      return "activity";
    case EventType.SleepRequest:
      return "sleep";
    case EventType.SignalRequest:
      return "signal";
    case EventType.Output:
      return "output";
    case EventType.Patched:
      return "patch";
    case EventType.ChildRequest:
      return "child";
    case EventType.SignalSent:
      return "send";
    case EventType.TagsSet:
      return "tags";
    case EventType.StreamWrite:
      return "stream";
    case EventType.StreamClose:
      return "close";
    case EventType.UpdateAccepted:
      return "update";
    case EventType.ConditionRequest:
      return "condition";
    case EventType.TokenCreated:
      return "token";
    case EventType.TokenAwaited:
      return "tokenAwait";
    case EventType.EventAwaited:
      return "event";
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
      return undefined;
    default:
      return unreachable(type);
  }
}

/** "iteration/type-of-request/target#seq" of the request an event answers. */
function answerKey(event: HistoryEvent): string | undefined {
  const request = {
    [EventType.ActivityResponse]: EventType.ActivityRequest,
    [EventType.SleepDone]: EventType.SleepRequest,
    [EventType.SignalResponse]: EventType.SignalRequest,
    [EventType.ChildResponse]: EventType.ChildRequest,
    [EventType.UpdateCompleted]: EventType.UpdateAccepted,
    [EventType.ConditionResult]: EventType.ConditionRequest,
    [EventType.TokenCompleted]: EventType.TokenAwaited,
    [EventType.EventReceived]: EventType.EventAwaited,
  }[event.type as string];
  return request === undefined ? undefined : `${event.iteration}/${request}/${event.target}#${event.seq}`;
}

function requestKeyOf(event: HistoryEvent): string {
  return `${event.iteration}/${event.type}/${event.target}#${event.seq}`;
}
