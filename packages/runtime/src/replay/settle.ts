import { ActivityFailure, ChildWorkflowFailure } from "../errors.js";
import type { ActivityResponse, ChildResponse, ConditionResult, SignalResponse } from "../history/index.js";
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
