import { EventType, isStep, payloadTextOf, type RecordedEvent } from "../history/index.js";
import { eventWaitInputText, tokenInputText } from "./command-input.js";
import { type CommandKind, type RecordedCommand, requestTypeOf } from "./commands.js";

/**
 * A recorded event that the code itself wrote (a command, or an update handler's completion),
 * which replay matches in order against what the code issues. The other events of the history
 * (results, signals, accepted updates) are delivered to the code at their position.
 */
export function isReplayedRequest(event: RecordedEvent): boolean {
  if (event.pos === null || event.pos === 0) return false;
  if (event.type === EventType.UpdateCompleted) return true;
  return isStep(event.type) && event.type !== EventType.UpdateAccepted;
}

/** Same kind, name, sequence and input. A timer's deadline is not compared: it depends on when it ran. */
export function matches(
  kind: CommandKind,
  target: string,
  seq: number,
  inputText: string,
  recorded: RecordedEvent,
): boolean {
  if (recorded.type !== requestTypeOf(kind) || recorded.target !== target || recorded.seq !== seq) return false;
  switch (recorded.type) {
    case EventType.SleepRequest:
      return JSON.stringify({ duration: recorded.payload.duration }) === inputText;
    case EventType.SignalRequest:
    case EventType.ConditionRequest:
      return JSON.stringify({ timeout: recorded.payload.timeout }) === inputText;
    case EventType.ChildRequest:
      return routingOnly(payloadTextOf(recorded) ?? "") === routingOnly(inputText);
    case EventType.TokenCreated:
      return tokenInputText(recorded.payload) === inputText;
    case EventType.TokenAwaited:
      return true;
    case EventType.EventAwaited:
      return eventWaitInputText(recorded.payload) === inputText;
    case EventType.StreamClose:
      return true;
    default:
      return payloadTextOf(recorded) === inputText;
  }
}

/**
 * A child request without its queue and tags: the queue only routes the child's first claim and
 * the tags only label it, so a run recorded before its workflow's default queue or tags changed
 * (or before it had any) still matches. Both come last in the request's text (encodeChildRequest).
 */
function routingOnly(childRequestText: string): string {
  return childRequestText.replace(CHILD_TAGS, "}").replace(/,"queue":"(?:[^"\\]|\\.)*"\}$/, "}");
}

/** `,"tags":{...}}` at the end of a child request: JSON strings as keys, strings, numbers or booleans as values. */
const CHILD_TAGS = /,"tags":\{(?:"(?:[^"\\]|\\.)*":(?:"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false),?)*\}\}$/;

/** What a recorded request gives its command: the deadline it was given, and the token it created. */
export function recordedCommand(recorded: RecordedEvent): RecordedCommand {
  switch (recorded.type) {
    case EventType.SleepRequest:
    case EventType.SignalRequest:
    case EventType.ConditionRequest:
    case EventType.EventAwaited:
      return { deadline: recorded.payload.deadline };
    case EventType.TokenAwaited:
      return recorded.payload.deadline === null ? {} : { deadline: recorded.payload.deadline };
    case EventType.TokenCreated:
      return { token: recorded.payload };
    default:
      return {};
  }
}
