import { EventType, isStep, payloadTextOf, type RecordedEvent } from "../history/index.js";
import { type CommandKind, requestTypeOf } from "./commands.js";

/** A recorded request of a step, which replay matches against the command the code issues. */
export function isReplayedRequest(event: RecordedEvent): boolean {
  return event.pos !== null && event.pos !== 0 && isStep(event.type);
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
      return JSON.stringify({ timeout: recorded.payload.timeout }) === inputText;
    case EventType.ChildRequest:
      return routingOnly(payloadTextOf(recorded) ?? "") === routingOnly(inputText);
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

/** The deadline a recorded sleep or signal await was given; undefined for other requests. */
export function recordedDeadline(recorded: RecordedEvent): number | undefined {
  if (recorded.type !== EventType.SleepRequest && recorded.type !== EventType.SignalRequest) return undefined;
  return recorded.payload.deadline;
}
