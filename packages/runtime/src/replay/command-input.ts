import { type ChildRequest, checkTags, encodeTags, type SignalSent } from "../history/index.js";
import { encodePayload, validateName } from "../json.js";
import { unreachable } from "../unreachable.js";
import type { CommandKind, EventWaitInput, TokenInput } from "./commands.js";

/** What the target of each kind of command names, for errors. */
const TARGET_ARGUMENT: Record<CommandKind, string> = {
  activity: "activity",
  sleep: "sleep",
  signal: "signal",
  output: "output",
  child: "child workflow",
  send: "workflow",
  tags: "tags",
  token: "token name",
  tokenAwait: "token id",
  eventWait: "event name",
  stream: "stream key",
  close: "stream key",
  condition: "condition",
};

/** Checks the name a command targets (a sleep, tags, a condition, and a token without a name, target nothing); throws InvalidNameError. */
export function checkTarget(kind: CommandKind, target: string): void {
  if (kind === "sleep" || kind === "tags" || kind === "condition" || (kind === "token" && target === "")) return;
  validateName(TARGET_ARGUMENT[kind], target);
}

/**
 * The stored form of a command's input: JSON of the activity input, output message or stream
 * chunk; the duration of a timer. A stream's close carries nothing (its event's payload is NULL).
 */
export function encodeCommandInput(kind: CommandKind, target: string, input: unknown, maxBytes: number): string {
  switch (kind) {
    case "activity":
      return encodePayload(`activity ${target} input`, input, maxBytes);
    case "output":
      return encodePayload(`output ${target}`, input, maxBytes);
    case "sleep":
      return JSON.stringify({ duration: input });
    case "signal":
    case "condition":
      return JSON.stringify({ timeout: input });
    case "child":
      return encodeChildRequest(target, input as ChildRequest, maxBytes);
    case "send":
      return encodeSignalSent(input as SignalSent, maxBytes);
    case "tags":
      return encodeTags(checkTags("ctx.setTags tags", input));
    case "token":
      return tokenInputText(input as TokenInput);
    case "tokenAwait":
      return "{}";
    case "eventWait":
      return eventWaitInputText(input as EventWaitInput);
    case "stream":
      return encodePayload(`chunk of stream ${target}`, input, maxBytes);
    case "close":
      return "";
    default:
      return unreachable(kind);
  }
}

function encodeChildRequest(target: string, request: ChildRequest, maxBytes: number): string {
  const { runId, input, wait, timeout, queue, tags } = request;
  const inputText = encodePayload(`child ${target} input`, input, maxBytes);
  const timeoutText = timeout === undefined ? "" : `,"timeout":${timeout}`;
  // Last, so that matching can leave them out (see routingOnly).
  const queueText = queue === undefined ? "" : `,"queue":${JSON.stringify(validateName("child queue", queue))}`;
  const tagsText = tags === undefined ? "" : `,"tags":${encodeTags(checkTags("child tags", tags))}`;
  return `{"runId":${JSON.stringify(validateName("child runId", runId))},"input":${inputText},"wait":${wait}${timeoutText}${queueText}${tagsText}}`;
}

function encodeSignalSent(sent: SignalSent, maxBytes: number): string {
  const { runId, signal, message, externalId } = sent;
  const messageText = encodePayload(`signal ${signal} message`, message, maxBytes);
  const names = [validateName("runId", runId), validateName("signal", signal), validateName("externalId", externalId)];
  const [run, name, external] = names.map((name) => JSON.stringify(name));
  return `{"runId":${run},"signal":${name},"message":${messageText},"externalId":${external}}`;
}

/** What a token command is compared by on replay: its timeout (the id is whatever was recorded). */
export function tokenInputText(input: Pick<TokenInput, "timeout">): string {
  return input.timeout === undefined ? "{}" : `{"timeout":${input.timeout}}`;
}

/** What an event wait is compared by on replay: key, timeout and lookback (not when it began). */
export function eventWaitInputText(input: EventWaitInput): string {
  const key = input.key === null ? null : validateName("event key", input.key);
  return `{"key":${JSON.stringify(key)},"timeout":${input.timeout},"lookback":${input.lookback}}`;
}
