import type { SerializedError } from "../errors.js";

/**
 * The event vocabulary: every kind of event a run's log holds, as stored. Run-level events
 * have target "" and seq 0. Adding a kind here makes the compiler list every exhaustive
 * `switch` over `EventType` that must handle it.
 */
export const EventType = {
  Created: "created",
  Completed: "completed",
  /** The iteration ended with `restart(input)`; the next iteration starts with that input. */
  Restarted: "restarted",
  Failed: "failed",
  Cancelled: "cancelled",
  /** A client asked to cancel; not part of replay (pos is NULL). */
  CancelRequested: "cancel_requested",
  /** The engine delivered the cancellation to the workflow at this point of its history. */
  CancelDelivered: "cancel_delivered",
  ActivityRequest: "activity_request",
  ActivityResponse: "activity_response",
  SleepRequest: "sleep_request",
  SleepDone: "sleep_done",
  SignalRequest: "signal_request",
  SignalResponse: "signal_response",
  Output: "output",
  /** Start child run of workflow `target` (ctx.runChild / startChild). */
  ChildRequest: "child_request",
  /** How the child run of child_request `target#seq` ended. */
  ChildResponse: "child_response",
  /** A signal sent to another run (ctx.signalRun), written with the step. */
  SignalSent: "signal_sent",
  /** The code took the new branch of patch `target` here (ctx.patched); replayed like a command. */
  Patched: "patched",
  /** A caller's update passed validation here: its handler runs from this point (replayed like a signal). */
  UpdateAccepted: "update_accepted",
  /** How the handler of update_accepted `target#seq` ended; recorded by the code, matched on replay. */
  UpdateCompleted: "update_completed",
  /** ctx.condition(predicate, timeout) waits here, at most until the deadline. */
  ConditionRequest: "condition_request",
  /** How the condition of condition_request `#seq` ended: its predicate held, or its timeout passed. */
  ConditionResult: "condition_result",
  /** An operator resumed a stuck run (resumeRun); not part of replay. */
  Resumed: "resumed",
  /** The run was forked from another (forkRun); not part of replay. */
  Forked: "forked",
  /** The workflow set tags of its run (ctx.setTags); replayed like a command. */
  TagsSet: "tags_set",
  /** An operator paused the run (pauseRun); not part of replay. */
  Paused: "paused",
  /** An operator let a paused run go on (unpauseRun); not part of replay. */
  Unpaused: "unpaused",
  /** An operator ended the run as terminated (terminateRun); not part of replay. */
  Terminated: "terminated",
  /** This iteration was started by resetRun from an earlier one; not part of replay. */
  Reset: "reset",
  /** A completion token was created (ctx.createToken); `target` is its name, or "". */
  TokenCreated: "token_created",
  /** The workflow waits for token `target` (ctx.awaitToken). */
  TokenAwaited: "token_awaited",
  /** How token `target` was completed, failed or timed out, as the await of `seq` received it. */
  TokenCompleted: "token_completed",
  /** The workflow waits for an event named `target` (ctx.waitForEvent). */
  EventAwaited: "event_awaited",
  /** The published event the wait of `target#seq` matched, or its timeout. */
  EventReceived: "event_received",
  /** The workflow wrote a chunk to its run's stream `target` (ctx.writeStream); the chunk is written with the step. */
  StreamWrite: "stream_write",
  /** The workflow closed its run's stream `target` (ctx.closeStream). */
  StreamClose: "stream_close",
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

const EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(EventType));

export function isEventType(value: string): value is EventType {
  return EVENT_TYPES.has(value);
}

/** Payload of activity_response: the result, or the error after the last attempt. */
export type ActivityResponse =
  | { readonly result: unknown; readonly attempts: number }
  | { readonly error: SerializedError; readonly attempts: number };

/** Payload of signal_response: the message consumed, or the timeout. */
export type SignalResponse = { readonly signalId: number; readonly message: unknown } | { readonly timedOut: true };

/** Payload of resumed: the stuck run's error that the resume cleared, and its new code version. */
export interface ResumedPayload {
  readonly error: SerializedError | null;
  readonly version: string | null;
}

/** Payload of forked: where the history up to `fromStep` was copied from, and the random seed it keeps. */
export interface ForkedPayload {
  readonly runId: string;
  readonly iteration: number;
  readonly fromStep: number;
  readonly seed: string;
}

/** A tag's value: what `runWorkflow`'s `tags` and `ctx.setTags` take. */
export type TagValue = string | number | boolean;

/** A run's tags, by key. */
export type Tags = Readonly<Record<string, TagValue>>;

/** Payload of terminated: why the operator ended the run. */
export interface TerminatedPayload {
  readonly reason: string;
}

/**
 * Payload of reset: the iteration this one was reset from, the first step it executes again
 * (the steps before it were copied with their results), its code version if re-pinned, and the
 * iteration whose ctx.random() stream it continues (the copied steps were recorded with it).
 */
export interface ResetPayload {
  readonly iteration: number;
  readonly toStep: number;
  readonly version: string | null;
  readonly seedIteration: number;
}

/** Payload of child_request: the child's run id and input; `wait`: runChild (true) or startChild. */
export interface ChildRequest {
  readonly runId: string;
  readonly input: unknown;
  readonly wait: boolean;
  /** Run timeout of the child, ms. */
  readonly timeout?: number;
  /** The queue the child runs through; routing only, not compared on replay. */
  readonly queue?: string;
  /** Tags of the child over those it inherits from its parent; not compared on replay. */
  readonly tags?: Tags;
}

/** How a child run ended, as its parent receives it. */
export type ChildEnding =
  | { readonly status: "completed"; readonly result: unknown }
  | { readonly status: "failed" | "cancelled" | "terminated"; readonly error: SerializedError };

/** Payload of child_response. */
export type ChildResponse = ChildEnding & { readonly runId: string };

/** Payload of signal_sent: the run of workflow `target` it went to, and what it carried. */
export interface SignalSent {
  readonly runId: string;
  readonly signal: string;
  readonly message: unknown;
  readonly externalId: string;
}

/** Payload of sleep_request: the duration asked for and when it ends (ms since the epoch). */
export interface SleepRequest {
  readonly duration: number;
  readonly deadline: number;
}

/** Payload of signal_request: how long the workflow waits and when that ends. */
export interface SignalRequest {
  readonly timeout: number;
  readonly deadline: number;
}

/** Payload of update_accepted: the caller's update id and the input the handler gets. */
export interface UpdateAccepted {
  readonly updateId: string;
  readonly input: unknown;
}

/** Payload of update_completed: what the handler returned, or its error. */
export type UpdateCompleted =
  | { readonly updateId: string; readonly result: unknown }
  | { readonly updateId: string; readonly error: SerializedError };

/** Payload of condition_request: how long the condition waits at most, and when that ends. */
export interface ConditionRequest {
  readonly timeout: number;
  readonly deadline: number;
}

/** Payload of condition_result. */
export type ConditionResult = { readonly satisfied: true } | { readonly timedOut: true };
/** Payload of token_created: the token's id (from the driver, recorded so replay gets it again) and its expiry. */
export interface TokenCreated {
  readonly id: string;
  /** The timeout asked for, ms; absent: the token never expires. */
  readonly timeout?: number;
  /** When it expires, ms since the epoch. */
  readonly deadline?: number;
}

/** Payload of token_awaited: when the await times out (the token's expiry), if ever. */
export interface TokenAwaited {
  readonly deadline: number | null;
}

/** Payload of token_completed: completeToken's value, failToken's error, or the token's expiry. */
export type TokenCompletion =
  | { readonly value: unknown }
  | { readonly error: SerializedError }
  | { readonly timedOut: true };

/** Payload of event_awaited: which events match (key, and publication from `since`) and until when it waits. */
export interface EventAwaited {
  readonly key: string | null;
  readonly timeout: number;
  /** How long before the wait began a matching event may have been published, ms. */
  readonly lookback: number;
  readonly since: number;
  readonly deadline: number;
}

/** A published event as a wait receives it. */
export interface ReceivedEvent {
  readonly eventId: string;
  readonly name: string;
  readonly key: string | null;
  readonly publishedAt: number;
  readonly data: unknown;
}

/** Payload of event_received: the event matched, or the wait's timeout. */
export type EventReceived = ReceivedEvent | { readonly timedOut: true };

/** The payload type of each event type. */
export interface EventPayloads {
  /** The iteration's input. */
  created: unknown;
  completed: { readonly result: unknown };
  restarted: { readonly input: unknown };
  failed: SerializedError;
  cancelled: SerializedError;
  cancel_requested: null;
  cancel_delivered: null;
  /** The activity's input. */
  activity_request: unknown;
  activity_response: ActivityResponse;
  sleep_request: SleepRequest;
  sleep_done: null;
  signal_request: SignalRequest;
  signal_response: SignalResponse;
  /** The output message. */
  output: unknown;
  child_request: ChildRequest;
  child_response: ChildResponse;
  signal_sent: SignalSent;
  patched: null;
  update_accepted: UpdateAccepted;
  update_completed: UpdateCompleted;
  condition_request: ConditionRequest;
  condition_result: ConditionResult;
  resumed: ResumedPayload;
  forked: ForkedPayload;
  /** The tags the workflow set (merged into the run's). */
  tags_set: Tags;
  paused: null;
  unpaused: null;
  terminated: TerminatedPayload;
  reset: ResetPayload;
  token_created: TokenCreated;
  token_awaited: TokenAwaited;
  token_completed: TokenCompletion;
  event_awaited: EventAwaited;
  event_received: EventReceived;
  /** The chunk's value. */
  stream_write: unknown;
  stream_close: null;
}

/** One event of type `K`, as read from the log. JSON-serialisable. */
export interface EventOf<K extends EventType> {
  readonly type: K;
  readonly iteration: number;
  /** Place in the iteration's replay history; null for events replay does not read. */
  readonly pos: number | null;
  /** Activity, signal or output name; "" for run-level events and sleeps. */
  readonly target: string;
  /** Per-(type, target) sequence of the command within the iteration. */
  readonly seq: number;
  readonly payload: EventPayloads[K];
  /** When it was recorded, ms since the epoch (the database clock by default). */
  readonly at: number;
}

/** Any event of a run's log: a union discriminated by `type`. */
export type HistoryEvent = { [K in EventType]: EventOf<K> }[EventType];

/**
 * An event as replay reads it: the decoded event plus its stored JSON text, which the
 * executor compares byte for byte with what the code issues. Histories given by hand
 * (tests, `replayHistory`) may leave the text out; it is then derived from the payload.
 */
export type RecordedEvent = HistoryEvent & { readonly payloadText?: string | null };

/** Events that end an iteration. */
export type EndEvent = EventOf<"completed"> | EventOf<"restarted"> | EventOf<"failed"> | EventOf<"cancelled">;

export function isEndEvent(event: HistoryEvent): event is EndEvent {
  switch (event.type) {
    case EventType.Completed:
    case EventType.Restarted:
    case EventType.Failed:
    case EventType.Cancelled:
      return true;
    default:
      return false;
  }
}
