import { CorruptPayloadError, type SerializedError } from "../errors.js";
import { decodePayload, parseStoredPayload, wireText } from "../json.js";
import { unreachable } from "../unreachable.js";
import {
  type ChildResponse,
  type ConditionRequest,
  type EventAwaited,
  EventType,
  type ForkedPayload,
  type HistoryEvent,
  isEventType,
  type RecordedEvent,
  type ResetPayload,
  type ResumedPayload,
  type SignalRequest,
  type SleepRequest,
  type TokenCreated,
} from "./events.js";

/** An event as a store keeps it: the type as text and the payload as JSON text. */
export interface StoredEvent {
  readonly iteration: number;
  readonly pos: number | null;
  readonly type: string;
  readonly target: string;
  readonly seq: number;
  readonly payloadText: string | null;
  readonly at: number;
}

/** An event to append to an iteration's history: its payload already encoded. */
export interface NewEvent {
  readonly type: EventType;
  readonly target: string;
  readonly seq: number;
  readonly payloadText: string | null;
  readonly at: number;
}

/**
 * Decodes a stored event. An unknown type or unparsable payload is a CorruptPayloadError
 * naming `where`: the row was not written by this version of replaykit.
 */
export function decodeEvent(row: StoredEvent, where: string): RecordedEvent {
  if (!isEventType(row.type)) {
    throw new CorruptPayloadError(where, new Error(`unknown event type ${JSON.stringify(row.type)}`));
  }
  const payload = decodePayload(row.payloadText, where) ?? null;
  const restartedWith = legacyRestartInput(row.type, payload);
  const event = {
    type: restartedWith === undefined ? row.type : EventType.Restarted,
    iteration: row.iteration,
    pos: row.pos,
    target: row.target,
    seq: row.seq,
    payload: restartedWith === undefined ? payload : { input: restartedWith.input },
    at: row.at,
    payloadText: row.payloadText,
  };
  return event as RecordedEvent;
}

/** Logs written before the `restarted` kind recorded a restart as `completed` with `{ restartedWith }`. */
function legacyRestartInput(type: EventType, payload: unknown): { input: unknown } | undefined {
  if (type !== EventType.Completed || typeof payload !== "object" || payload === null) return undefined;
  return "restartedWith" in payload && !("result" in payload) ? { input: payload.restartedWith } : undefined;
}

/**
 * An event as stored, its payload parsed but not decoded: bytes in their wire envelopes,
 * encoded payloads as their nodes (getHistory's `raw`). JSON-serialisable as it is.
 */
export function rawEvent(row: StoredEvent, where: string): HistoryEvent {
  if (!isEventType(row.type)) {
    throw new CorruptPayloadError(where, new Error(`unknown event type ${JSON.stringify(row.type)}`));
  }
  const payload = row.payloadText === null ? null : parseStoredPayload(row.payloadText, where);
  const { iteration, pos, target, seq, at } = row;
  return { type: row.type, iteration, pos, target, seq, payload, at } as HistoryEvent;
}

/** The stored JSON text of a recorded event's payload (derived when a hand-written history has none). */
export function payloadTextOf(event: RecordedEvent): string | null {
  if (event.payloadText !== undefined) return event.payloadText;
  return hasPayload(event.type) ? wireText(event.payload) : null;
}

/**
 * True for the kinds whose payload holds what workflow code or a caller gave (inputs, results,
 * messages, errors): a client's codecs encode those. The others hold only what the engine
 * needs (durations, deadlines, seeds), which stays in the clear.
 */
export function holdsUserData(type: EventType): boolean {
  switch (type) {
    case EventType.Created:
    case EventType.Completed:
    case EventType.Restarted:
    case EventType.Failed:
    case EventType.Cancelled:
    case EventType.ActivityRequest:
    case EventType.ActivityResponse:
    case EventType.SignalResponse:
    case EventType.Output:
    case EventType.ChildRequest:
    case EventType.ChildResponse:
    case EventType.SignalSent:
    case EventType.UpdateAccepted:
    case EventType.UpdateCompleted:
    case EventType.Resumed:
    case EventType.TokenCompleted:
    case EventType.EventReceived:
    case EventType.StreamWrite:
      return true;
    case EventType.StreamClose:
    case EventType.CancelRequested:
    case EventType.CancelDelivered:
    case EventType.SleepRequest:
    case EventType.SleepDone:
    case EventType.SignalRequest:
    case EventType.ConditionRequest:
    case EventType.ConditionResult:
    case EventType.Patched:
    case EventType.Forked:
    case EventType.TokenCreated:
    case EventType.TokenAwaited:
    case EventType.EventAwaited:
    // Tags are labels to search by, indexed as they are: never encoded (no secrets in tags).
    case EventType.TagsSet:
    case EventType.Paused:
    case EventType.Unpaused:
    // An operator's reason, and a reset's place: not the workflow's data.
    case EventType.Terminated:
    case EventType.Reset:
      return false;
    default:
      return unreachable(type);
  }
}

/** False for the kinds whose payload is stored as NULL. */
export function hasPayload(type: EventType): boolean {
  switch (type) {
    case EventType.CancelRequested:
    case EventType.CancelDelivered:
    case EventType.SleepDone:
    case EventType.Patched:
    case EventType.Paused:
    case EventType.Unpaused:
    case EventType.StreamClose:
      return false;
    case EventType.Created:
    case EventType.Completed:
    case EventType.Restarted:
    case EventType.Failed:
    case EventType.Cancelled:
    case EventType.ActivityRequest:
    case EventType.ActivityResponse:
    case EventType.SleepRequest:
    case EventType.SignalRequest:
    case EventType.SignalResponse:
    case EventType.Output:
    case EventType.ChildRequest:
    case EventType.ChildResponse:
    case EventType.SignalSent:
    case EventType.UpdateAccepted:
    case EventType.UpdateCompleted:
    case EventType.ConditionRequest:
    case EventType.ConditionResult:
    case EventType.Resumed:
    case EventType.Forked:
    case EventType.TagsSet:
    case EventType.Terminated:
    case EventType.Reset:
    case EventType.TokenCreated:
    case EventType.TokenAwaited:
    case EventType.TokenCompleted:
    case EventType.EventAwaited:
    case EventType.EventReceived:
    case EventType.StreamWrite:
      return true;
    default:
      return unreachable(type);
  }
}

/** A SerializedError as stored: its details may hold bytes (see wireText). */
export const errorText = (error: SerializedError): string => wireText(error);

/**
 * Builders of every new event. Inputs, results and messages arrive as JSON text already
 * checked by `encodePayload`, so they are embedded as they are instead of parsed and
 * serialised again: this is the one place where payload text is assembled.
 */
export const newEvent = {
  created: (inputText: string, at: number): NewEvent => run(EventType.Created, inputText, at),
  completed: (resultText: string, at: number): NewEvent => run(EventType.Completed, `{"result":${resultText}}`, at),
  restarted: (inputText: string, at: number): NewEvent => run(EventType.Restarted, `{"input":${inputText}}`, at),
  failed: (error: SerializedError, at: number): NewEvent => run(EventType.Failed, errorText(error), at),
  cancelled: (error: SerializedError, at: number): NewEvent => run(EventType.Cancelled, errorText(error), at),
  cancelRequested: (at: number): NewEvent => run(EventType.CancelRequested, null, at),
  cancelDelivered: (at: number): NewEvent => run(EventType.CancelDelivered, null, at),
  activityRequest: (target: string, seq: number, inputText: string, at: number): NewEvent => ({
    type: EventType.ActivityRequest,
    target,
    seq,
    payloadText: inputText,
    at,
  }),
  activityResult: (target: string, seq: number, resultText: string, attempts: number, at: number): NewEvent => ({
    type: EventType.ActivityResponse,
    target,
    seq,
    payloadText: `{"result":${resultText},"attempts":${attempts}}`,
    at,
  }),
  activityError: (target: string, seq: number, error: SerializedError, attempts: number, at: number): NewEvent => ({
    type: EventType.ActivityResponse,
    target,
    seq,
    payloadText: wireText({ error, attempts }),
    at,
  }),
  sleepRequest: (seq: number, request: SleepRequest, at: number): NewEvent => ({
    type: EventType.SleepRequest,
    target: "",
    seq,
    payloadText: JSON.stringify({ duration: request.duration, deadline: request.deadline }),
    at,
  }),
  sleepDone: (seq: number, at: number): NewEvent => ({
    type: EventType.SleepDone,
    target: "",
    seq,
    payloadText: null,
    at,
  }),
  signalRequest: (target: string, seq: number, request: SignalRequest, at: number): NewEvent => ({
    type: EventType.SignalRequest,
    target,
    seq,
    payloadText: JSON.stringify({ timeout: request.timeout, deadline: request.deadline }),
    at,
  }),
  signalMessage: (target: string, seq: number, signalId: number, messageText: string, at: number): NewEvent => ({
    type: EventType.SignalResponse,
    target,
    seq,
    payloadText: `{"signalId":${signalId},"message":${messageText}}`,
    at,
  }),
  signalTimeout: (target: string, seq: number, at: number): NewEvent => ({
    type: EventType.SignalResponse,
    target,
    seq,
    payloadText: '{"timedOut":true}',
    at,
  }),
  childRequest: (workflow: string, seq: number, requestText: string, at: number): NewEvent => ({
    type: EventType.ChildRequest,
    target: workflow,
    seq,
    payloadText: requestText,
    at,
  }),
  childResponse: (workflow: string, seq: number, response: ChildResponse, at: number): NewEvent => ({
    type: EventType.ChildResponse,
    target: workflow,
    seq,
    payloadText: wireText(response),
    at,
  }),
  signalSent: (workflow: string, seq: number, sentText: string, at: number): NewEvent => ({
    type: EventType.SignalSent,
    target: workflow,
    seq,
    payloadText: sentText,
    at,
  }),
  patched: (patchId: string, at: number): NewEvent => ({
    type: EventType.Patched,
    target: patchId,
    seq: 0,
    payloadText: null,
    at,
  }),
  updateAccepted: (update: string, seq: number, updateId: string, inputText: string, at: number): NewEvent => ({
    type: EventType.UpdateAccepted,
    target: update,
    seq,
    payloadText: `{"updateId":${JSON.stringify(updateId)},"input":${inputText}}`,
    at,
  }),
  updateResult: (update: string, seq: number, updateId: string, resultText: string, at: number): NewEvent => ({
    type: EventType.UpdateCompleted,
    target: update,
    seq,
    payloadText: `{"updateId":${JSON.stringify(updateId)},"result":${resultText}}`,
    at,
  }),
  updateError: (update: string, seq: number, updateId: string, error: SerializedError, at: number): NewEvent => ({
    type: EventType.UpdateCompleted,
    target: update,
    seq,
    payloadText: JSON.stringify({ updateId, error }),
    at,
  }),
  conditionRequest: (seq: number, request: ConditionRequest, at: number): NewEvent => ({
    type: EventType.ConditionRequest,
    target: "",
    seq,
    payloadText: JSON.stringify({ timeout: request.timeout, deadline: request.deadline }),
    at,
  }),
  conditionSatisfied: (seq: number, at: number): NewEvent => ({
    type: EventType.ConditionResult,
    target: "",
    seq,
    payloadText: '{"satisfied":true}',
    at,
  }),
  conditionTimeout: (seq: number, at: number): NewEvent => ({
    type: EventType.ConditionResult,
    target: "",
    seq,
    payloadText: '{"timedOut":true}',
    at,
  }),
  // The error is the run's stored error text, parsed as it is (its wire form, maybe encoded).
  resumed: (payload: ResumedPayload, at: number): NewEvent => run(EventType.Resumed, JSON.stringify(payload), at),
  forked: (payload: ForkedPayload, at: number): NewEvent => run(EventType.Forked, JSON.stringify(payload), at),
  /** `tagsText`: the tags as encodeTags wrote them. */
  tagsSet: (seq: number, tagsText: string, at: number): NewEvent => ({
    type: EventType.TagsSet,
    target: "",
    seq,
    payloadText: tagsText,
    at,
  }),
  paused: (at: number): NewEvent => run(EventType.Paused, null, at),
  unpaused: (at: number): NewEvent => run(EventType.Unpaused, null, at),
  terminated: (reason: string, at: number): NewEvent => run(EventType.Terminated, JSON.stringify({ reason }), at),
  reset: (payload: ResetPayload, at: number): NewEvent => run(EventType.Reset, JSON.stringify(payload), at),
  tokenCreated: (name: string, seq: number, created: TokenCreated, at: number): NewEvent =>
    step(EventType.TokenCreated, name, seq, JSON.stringify(created), at),
  tokenAwaited: (tokenId: string, seq: number, deadline: number | null, at: number): NewEvent =>
    step(EventType.TokenAwaited, tokenId, seq, JSON.stringify({ deadline }), at),
  /** `completionText`: the stored completion (see tokenCompletionText in history/waits.ts). */
  tokenCompleted: (tokenId: string, seq: number, completionText: string, at: number): NewEvent =>
    step(EventType.TokenCompleted, tokenId, seq, completionText, at),
  tokenTimeout: (tokenId: string, seq: number, at: number): NewEvent =>
    step(EventType.TokenCompleted, tokenId, seq, TIMED_OUT, at),
  eventAwaited: (name: string, seq: number, wait: EventAwaited, at: number): NewEvent =>
    step(EventType.EventAwaited, name, seq, JSON.stringify(wait), at),
  /** `receivedText`: the stored event (see receivedEventText in history/waits.ts). */
  eventReceived: (name: string, seq: number, receivedText: string, at: number): NewEvent =>
    step(EventType.EventReceived, name, seq, receivedText, at),
  eventTimeout: (name: string, seq: number, at: number): NewEvent =>
    step(EventType.EventReceived, name, seq, TIMED_OUT, at),
  output: (target: string, seq: number, messageText: string, at: number): NewEvent => ({
    type: EventType.Output,
    target,
    seq,
    payloadText: messageText,
    at,
  }),
  streamWrite: (key: string, seq: number, valueText: string, at: number): NewEvent => ({
    type: EventType.StreamWrite,
    target: key,
    seq,
    payloadText: valueText,
    at,
  }),
  streamClose: (key: string, seq: number, at: number): NewEvent => ({
    type: EventType.StreamClose,
    target: key,
    seq,
    payloadText: null,
    at,
  }),
};

/** How an update's handler ended, taken from the update_completed event newEvent built: its result or error as JSON text. */
export type UpdateCompletionText =
  | { readonly updateId: string; readonly resultText: string }
  | { readonly updateId: string; readonly errorText: string };

/** The outcome an update_completed event of newEvent carries, its result text kept as written. */
export function updateCompletionOf(event: Pick<NewEvent, "payloadText">): UpdateCompletionText {
  const text = event.payloadText ?? "{}";
  const { updateId, error } = JSON.parse(text) as { updateId: string; error?: SerializedError };
  if (error !== undefined) return { updateId, errorText: JSON.stringify(error) };
  // newEvent.updateResult: {"updateId":<id>,"result":<result text>}
  const prefix = `{"updateId":${JSON.stringify(updateId)},"result":`;
  return { updateId, resultText: text.slice(prefix.length, -1) };
}

function run(type: EventType, payloadText: string | null, at: number): NewEvent {
  return { type, target: "", seq: 0, payloadText, at };
}

function step(type: EventType, target: string, seq: number, payloadText: string, at: number): NewEvent {
  return { type, target, seq, payloadText, at };
}

const TIMED_OUT = '{"timedOut":true}';
