import { EventType, type RecordedEvent } from "../history/index.js";
import { unreachable } from "../unreachable.js";
import type { CommandKind, WaitingCommand } from "./commands.js";
import type { RunningUpdate } from "./handlers.js";
import { settleActivity, settleChild, settleCondition, settleEvent, settleSignal, settleToken } from "./settle.js";

/** What delivering an event does to the executor that gets it. */
export interface EventTarget {
  /** The run was cancelled: every command it waits for rejects. */
  cancel(): void;
  /** Settles the waiting command of `kind` that the event answers (its target and seq). */
  complete(kind: CommandKind, settle: (command: WaitingCommand) => void): void;
  /** An accepted update: its handler starts. */
  beginUpdate(update: RunningUpdate, input: unknown): void;
}

/**
 * Delivers one event of the history (replayed at its position, or live) to the workflow: a
 * result to the command it answers, a cancellation, an accepted update to its handler. The
 * events the code writes itself are matched as it issues them, not here.
 */
export function applyEvent(event: RecordedEvent, target: EventTarget): void {
  switch (event.type) {
    case EventType.CancelDelivered:
      target.cancel();
      return;
    case EventType.ActivityResponse:
      target.complete("activity", (command) => settleActivity(command, event.payload));
      return;
    case EventType.SleepDone:
      target.complete("sleep", (command) => command.resolve(undefined));
      return;
    case EventType.SignalResponse:
      target.complete("signal", (command) => settleSignal(command, event.payload));
      return;
    case EventType.ChildResponse:
      target.complete("child", (command) => settleChild(command, event.payload));
      return;
    case EventType.ConditionResult:
      target.complete("condition", (command) => settleCondition(command, event.payload));
      return;
    case EventType.TokenCompleted:
      target.complete("tokenAwait", (command) => settleToken(command, event.payload));
      return;
    case EventType.EventReceived:
      target.complete("eventWait", (command) => settleEvent(command, event.payload));
      return;
    case EventType.UpdateAccepted: {
      const { updateId, input } = event.payload;
      target.beginUpdate({ updateId, name: event.target, seq: event.seq }, input);
      return;
    }
    // Requests are matched as the code issues them (#issue), not here.
    case EventType.Created:
    case EventType.ActivityRequest:
    case EventType.SleepRequest:
    case EventType.SignalRequest:
    case EventType.Output:
    case EventType.ChildRequest:
    case EventType.SignalSent:
    case EventType.TagsSet:
    case EventType.ConditionRequest:
    case EventType.TokenCreated:
    case EventType.TokenAwaited:
    case EventType.EventAwaited:
    case EventType.StreamWrite:
    case EventType.StreamClose:
    // Written by the code itself when an update handler ends, and matched then.
    case EventType.UpdateCompleted:
    // The end of an iteration is where the code arrives by itself.
    case EventType.Completed:
    case EventType.Restarted:
    case EventType.Failed:
    case EventType.Cancelled:
    case EventType.Patched:
    // Not part of replay: the engine turns it into cancel_delivered; operators' marks.
    case EventType.CancelRequested:
    case EventType.Resumed:
    case EventType.Forked:
    case EventType.Paused:
    case EventType.Unpaused:
    case EventType.Terminated:
    case EventType.Reset:
      return;
    default:
      unreachable(event);
  }
}
