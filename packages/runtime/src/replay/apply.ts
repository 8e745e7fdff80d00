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
  if (event.type === EventType.CancelDelivered) {
    target.cancel();
  } else if (event.type === EventType.UpdateAccepted) {
    const { updateId, input } = event.payload;
    target.beginUpdate({ updateId, name: event.target, seq: event.seq }, input);
  } else {
    const completion = completionOf(event);
    if (completion !== undefined) target.complete(completion.kind, completion.settle);
  }
}

/** The command an event answers, by kind, and how it settles it; undefined: the event answers none. */
function completionOf(
  event: RecordedEvent,
): { readonly kind: CommandKind; readonly settle: (command: WaitingCommand) => void } | undefined {
  switch (event.type) {
    case EventType.ActivityResponse:
      return { kind: "activity", settle: (command) => settleActivity(command, event.payload) };
    case EventType.SleepDone:
      return { kind: "sleep", settle: (command) => command.resolve(undefined) };
    case EventType.SignalResponse:
      return { kind: "signal", settle: (command) => settleSignal(command, event.payload) };
    case EventType.ChildResponse:
      return { kind: "child", settle: (command) => settleChild(command, event.payload) };
    case EventType.ConditionResult:
      return { kind: "condition", settle: (command) => settleCondition(command, event.payload) };
    case EventType.TokenCompleted:
      return { kind: "tokenAwait", settle: (command) => settleToken(command, event.payload) };
    case EventType.EventReceived:
      return { kind: "eventWait", settle: (command) => settleEvent(command, event.payload) };
    // Delivered by applyEvent itself.
    case EventType.CancelDelivered:
    case EventType.UpdateAccepted:
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
      return undefined;
    default:
      return unreachable(event);
  }
}
