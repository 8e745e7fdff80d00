import type { ActivityOptions } from "../api.js";
import { type EventAwaited, EventType, type NewEvent, newEvent, type TokenCreated } from "../history/index.js";
import { unreachable } from "../unreachable.js";

/**
 * What a workflow can ask of its run context that the history records. "tags" sets tags of the
 * run, "token" creates a completion token, "tokenAwait" waits for one (target: its id),
 * "eventWait" waits for a published event (target: its name), "stream" writes a chunk to a
 * run's stream, "close" closes one (target: the stream's key).
 */
export type CommandKind =
  | "activity"
  | "sleep"
  | "signal"
  | "output"
  | "child"
  | "send"
  | "tags"
  | "condition"
  | "token"
  | "tokenAwait"
  | "eventWait"
  | "stream"
  | "close";

/** The input of a "token" command: the timeout asked for, ms. */
export interface TokenInput {
  readonly timeout?: number;
}

/** The input of an "eventWait" command (see EventAwaited). */
export type EventWaitInput = Pick<EventAwaited, "key" | "timeout" | "lookback">;

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
    case "stream":
      return EventType.StreamWrite;
    case "close":
      return EventType.StreamClose;
    case "condition":
      return EventType.ConditionRequest;
    case "token":
      return EventType.TokenCreated;
    case "tokenAwait":
      return EventType.TokenAwaited;
    case "eventWait":
      return EventType.EventAwaited;
    default:
      return unreachable(kind);
  }
}

/** The map key of a command: kind, target and per-(kind, target) sequence. */
export function commandKey(kind: CommandKind, target: string, seq: number): string {
  return `${kind}\u0000${target}\u0000${seq}`;
}

/** Outputs, sent signals, stream writes and children not waited for resolve once recorded; the rest wait for a completion. */
export function resolvesWhenRecorded(kind: CommandKind, input: unknown): boolean {
  switch (kind) {
    case "output":
    case "send":
    case "tags":
    case "token":
    case "stream":
    case "close":
      return true;
    case "child":
      return !(input as { wait: boolean }).wait;
    case "activity":
    case "sleep":
    case "signal":
    case "tokenAwait":
    case "eventWait":
    case "condition":
      return false;
    default:
      return unreachable(kind);
  }
}

/** What recording a command gives besides its event: its deadline, and the token it created. */
export interface RecordedCommand {
  /** Sleep, signal and event wait: when it ends or times out; token await: the token's expiry. */
  readonly deadline?: number;
  readonly token?: TokenCreated;
}

/**
 * The event that records a new command past the end of history, issued `at`, and the
 * command's deadline (sleeps, signal and condition timeouts, whose input is their duration in
 * ms). A new token gets its id from `newTokenId`, the driver's: the executor itself has no
 * randomness.
 */
export function requestEvent(
  kind: CommandKind,
  target: string,
  seq: number,
  input: unknown,
  inputText: string,
  at: number,
  newTokenId: () => string,
): RecordedCommand & { readonly event: NewEvent } {
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
    case "stream":
      return { event: newEvent.streamWrite(target, seq, inputText, at) };
    case "close":
      return { event: newEvent.streamClose(target, seq, at) };
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
    case "token": {
      const { timeout } = input as TokenInput;
      const token = { id: newTokenId(), ...(timeout === undefined ? {} : { timeout, deadline: at + timeout }) };
      return { event: newEvent.tokenCreated(target, seq, token, at), token };
    }
    case "tokenAwait": {
      const deadline = (input as { deadline: number | null }).deadline;
      return { event: newEvent.tokenAwaited(target, seq, deadline, at), ...(deadline === null ? {} : { deadline }) };
    }
    case "eventWait": {
      const { key, timeout, lookback } = input as EventWaitInput;
      const wait = { key, timeout, lookback, since: at - lookback, deadline: at + timeout };
      return { event: newEvent.eventAwaited(target, seq, wait, at), deadline: wait.deadline };
    }
    default:
      return unreachable(kind);
  }
}
