import { type NewEvent, newEvent } from "../history/index.js";
import type { PendingCommand } from "../replay/commands.js";
import type { StepChanges } from "./step-changes.js";

/**
 * The event a timer that expired delivers: a sleep's end, or the timeout of a signal await, a
 * condition, a token await (the token expires with the step) or an event wait (which ends with
 * the step).
 */
export function timeoutOf(command: PendingCommand, step: StepChanges, at: number): NewEvent {
  switch (command.kind) {
    case "sleep":
      return newEvent.sleepDone(command.seq, at);
    case "condition":
      return newEvent.conditionTimeout(command.seq, at);
    case "tokenAwait":
      step.tokensExpired.push(command.target);
      return newEvent.tokenTimeout(command.target, command.seq, at);
    case "eventWait":
      step.eventWaitsEnded.push({ name: command.target, seq: command.seq });
      return newEvent.eventTimeout(command.target, command.seq, at);
    default:
      return newEvent.signalTimeout(command.target, command.seq, at);
  }
}
