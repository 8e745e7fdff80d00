import type { ActivityOptions } from "../types.js";

/** One event of an iteration's replay history, in `pos` order. */
export interface HistoryEvent {
  readonly pos: number;
  readonly type: string;
  readonly target: string;
  readonly seq: number;
  /** The stored JSON text, compared byte for byte with what the code issues. */
  readonly payloadText: string | null;
  /** The decoded payload. */
  readonly payload: unknown;
  /** When it was recorded, ms since the epoch. */
  readonly at: number;
}

/** An event the executor wants appended to the history, in order. */
export interface NewEvent {
  readonly type: string;
  readonly target: string;
  readonly seq: number;
  readonly payloadText: string | null;
  readonly at: number;
}

export type CommandKind = "activity" | "sleep" | "signal" | "output";

/** A command the workflow issued and has not yet seen resolved. */
export interface PendingCommand {
  readonly kind: CommandKind;
  readonly target: string;
  readonly seq: number;
  /** Activity input (decoded JSON) and per-call options. */
  readonly input?: unknown;
  readonly inputText?: string;
  readonly options?: ActivityOptions;
  /** Sleep: when it ends. Signal: when it times out. ms since the epoch. */
  readonly deadline?: number;
}

/** How an iteration ended. */
export type Outcome =
  | { readonly kind: "completed"; readonly result: unknown }
  | { readonly kind: "failed"; readonly error: unknown }
  | { readonly kind: "restart"; readonly input: unknown };

/** Payload of activity_response. */
export type ActivityResponse =
  | { readonly result: unknown; readonly attempts: number }
  | { readonly error: import("../errors.js").SerializedError; readonly attempts: number };

/** Payload of signal_response. */
export type SignalResponse = { readonly signalId: number; readonly message: unknown } | { readonly timedOut: true };
