import { ActivityFailure, ChildWorkflowFailure, type SerializedError, TokenTimeoutError } from "../errors.js";
import type {
  ActivityResponse,
  ChildResponse,
  ConditionResult,
  EventReceived,
  SignalResponse,
  TokenCompletion,
} from "../history/index.js";
import type { WaitingCommand } from "./commands.js";

/** An activity's result resolves its command; its final failure rejects it with ActivityFailure. */
export function settleActivity(command: WaitingCommand, response: ActivityResponse): void {
  if ("error" in response) {
    command.reject(new ActivityFailure(command.target, command.seq, response.attempts, response.error));
  } else {
    command.resolve(response.result);
  }
}

/** A signal await resolves with the message, or with undefined when it timed out. */
export function settleSignal(command: WaitingCommand, response: SignalResponse): void {
  command.resolve("timedOut" in response ? undefined : response.message);
}

/** A child waited for resolves with its result, or rejects with ChildWorkflowFailure. */
export function settleChild(command: WaitingCommand, response: ChildResponse): void {
  if (response.status === "completed") command.resolve(response.result);
  else command.reject(new ChildWorkflowFailure(command.target, response.runId, response.status, response.error));
}

/** A condition with a timeout resolves with true when its predicate held, false when the timeout passed. */
export function settleCondition(command: WaitingCommand, result: ConditionResult): void {
  command.resolve(!("timedOut" in result));
}

/**
 * A token await resolves with completeToken's value; it rejects with failToken's error (an Error
 * with its name, message and code), or TokenTimeoutError once the token's timeout passed.
 */
export function settleToken(command: WaitingCommand, completion: TokenCompletion): void {
  if ("value" in completion) command.resolve(completion.value);
  else if ("error" in completion) command.reject(errorFrom(completion.error));
  else command.reject(new TokenTimeoutError(command.target, command.deadline ?? 0));
}

/** An event wait resolves with the event's data, or with undefined when it timed out. */
export function settleEvent(command: WaitingCommand, received: EventReceived): void {
  command.resolve("timedOut" in received ? undefined : received.data);
}

/** The error failToken was given, as the workflow sees it: name, message, code and cause kept. */
function errorFrom(serialized: SerializedError): Error {
  const error = new Error(serialized.message, serialized.cause ? { cause: errorFrom(serialized.cause) } : undefined);
  error.name = serialized.name;
  if (serialized.code !== undefined) Object.assign(error, { code: serialized.code });
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
