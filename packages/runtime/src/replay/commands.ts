import type { ActivityOptions } from "../api.js";
import { EventType, type NewEvent, newEvent } from "../history/index.js";
import { unreachable } from "../unreachable.js";

/** What a workflow can ask of its run context that the history records. */
export type CommandKind = "activity" | "sleep" | "signal" | "output" | "child" | "send" | "tags" | "condition";

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
  /** Sleep: when it ends. Signal and condition: when it times out. ms since the epoch. */
  readonly deadline?: number;
  /** When the command was first issued (recorded), ms since the epoch. */
  readonly issuedAt: number;
}

/** A command waiting for its completion, with the settlers of the promise the workflow awaits. */
export interface WaitingCommand extends PendingCommand {
  resolve(value: unknown): void;
  reject(error: unknown): void;
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
    case "tags":
      return EventType.TagsSet;
    case "condition":
      return EventType.ConditionRequest;
    default:
      return unreachable(kind);
  }
}

/** The map key of a command: kind, target and per-(kind, target) sequence. */
export function commandKey(kind: CommandKind, target: string, seq: number): string {
  return `${kind}\u0000${target}\u0000${seq}`;
}

/** Outputs, sent signals and children not waited for resolve once recorded; the rest wait for a completion. */
export function resolvesWhenRecorded(kind: CommandKind, input: unknown): boolean {
  switch (kind) {
    case "output":
    case "send":
    case "tags":
      return true;
    case "child":
      return !(input as { wait: boolean }).wait;
    case "activity":
    case "sleep":
    case "signal":
    case "condition":
      return false;
    default:
      return unreachable(kind);
  }
}

/**
 * The event that records a new command past the end of history, issued `at`, and the
 * command's deadline (sleeps, signal and condition timeouts, whose input is their duration in ms).
 */
export function requestEvent(
  kind: CommandKind,
  target: string,
  seq: number,
  input: unknown,
  inputText: string,
  at: number,
): { readonly event: NewEvent; readonly deadline?: number } {
  switch (kind) {
    case "activity":
      return { event: newEvent.activityRequest(target, seq, inputText, at) };
    case "output":
      return { event: newEvent.output(target, seq, inputText, at) };
    case "child":
      return { event: newEvent.childRequest(target, seq, inputText, at) };
    case "send":
      return { event: newEvent.signalSent(target, seq, inputText, at) };
    case "tags":
      return { event: newEvent.tagsSet(seq, inputText, at) };
    case "sleep": {
      const duration = input as number;
      return { event: newEvent.sleepRequest(seq, { duration, deadline: at + duration }, at), deadline: at + duration };
    }
    case "signal": {
      const timeout = input as number;
      const deadline = at + timeout;
      return { event: newEvent.signalRequest(target, seq, { timeout, deadline }, at), deadline };
    }
    case "condition": {
      const timeout = input as number;
      const deadline = at + timeout;
      return { event: newEvent.conditionRequest(seq, { timeout, deadline }, at), deadline };
    }
    default:
      return unreachable(kind);
  }
}
