import type { ActivityOptions } from "../api.js";
import { EventType } from "../history/index.js";
import { unreachable } from "../unreachable.js";

/** What a workflow can ask of its run context that the history records. */
export type CommandKind = "activity" | "sleep" | "signal" | "output" | "child" | "send";

/** A command the workflow issued and has not yet seen resolved. */
export interface PendingCommand {
  readonly kind: CommandKind;
  readonly target: string;
  readonly seq: number;
  /** The input as issued (activity input, or the sleep/signal request). */
  readonly input: unknown;
  /** The input as stored JSON text. */
  readonly inputText: string;
  /** Per-call activity options. */
  readonly options?: ActivityOptions;
  /** Sleep: when it ends. Signal: when it times out. ms since the epoch. */
  readonly deadline?: number;
  /** When the command was first issued (recorded), ms since the epoch. */
  readonly issuedAt: number;
}

/** The event type that records a command of this kind. */
export function requestTypeOf(kind: CommandKind): EventType {
  switch (kind) {
    case "activity":
      return EventType.ActivityRequest;
    case "sleep":
      return EventType.SleepRequest;
    case "signal":
      return EventType.SignalRequest;
    case "output":
      return EventType.Output;
    case "child":
      return EventType.ChildRequest;
    case "send":
      return EventType.SignalSent;
    default:
      return unreachable(kind);
  }
}

/** The map key of a command: kind, target and per-(kind, target) sequence. */
export function commandKey(kind: CommandKind, target: string, seq: number): string {
  return `${kind}\u0000${target}\u0000${seq}`;
}
