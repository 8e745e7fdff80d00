import type { LocalRunEnding } from "../api.js";
import { CancelledError, type SerializedError } from "../errors.js";
import { errorText, type NewEvent, newEvent, RunStatus } from "../history/index.js";
import { decodePayload, encodePayload } from "../json.js";
import type { Outcome } from "../replay/executor.js";
import { serializeError } from "../serialize-error.js";
import type { RunEnd } from "../store/types.js";
import { unreachable } from "../unreachable.js";

/** How an iteration's outcome is written: the end of the run, a restart, or a reason to park it. */
export type EncodedOutcome =
  | { readonly kind: "end"; readonly end: RunEnd; readonly event: NewEvent }
  | { readonly kind: "restart"; readonly inputText: string; readonly event: NewEvent }
  | { readonly kind: "unwritable"; readonly error: unknown };

/**
 * Encodes the outcome. A result that cannot be stored fails the run with the reason; a
 * restart input that cannot be stored parks it (the next iteration cannot start).
 * A CancelledError that ends a run after cancel_delivered ends it as cancelled.
 */
export function encodeOutcome(
  outcome: Outcome,
  cancelDelivered: boolean,
  maxPayloadBytes: number,
  at: number,
): EncodedOutcome {
  switch (outcome.kind) {
    case "restart": {
      let inputText: string;
      try {
        inputText = encodePayload("restart input", outcome.input, maxPayloadBytes);
      } catch (error) {
        return { kind: "unwritable", error };
      }
      return { kind: "restart", inputText, event: newEvent.restarted(inputText, at) };
    }
    case "completed": {
      let resultText: string;
      try {
        resultText =
          outcome.result === undefined ? "null" : encodePayload("workflow result", outcome.result, maxPayloadBytes);
      } catch (error) {
        return failure(RunStatus.Failed, serializeError(error), at);
      }
      return {
        kind: "end",
        end: { status: RunStatus.Completed, resultText, errorText: null },
        event: newEvent.completed(resultText, at),
      };
    }
    case "failed": {
      const cancelled = cancelDelivered && outcome.error instanceof CancelledError;
      return failure(cancelled ? RunStatus.Cancelled : RunStatus.Failed, serializeError(outcome.error), at);
    }
    default:
      return unreachable(outcome);
  }
}

function failure(status: "failed" | "cancelled", error: SerializedError, at: number): EncodedOutcome {
  const event = status === RunStatus.Cancelled ? newEvent.cancelled(error, at) : newEvent.failed(error, at);
  return { kind: "end", end: { status, resultText: null, errorText: errorText(error) }, event };
}

/** The ending as the local bus reports it, so an awaitResult in this process reads nothing. */
export function endingOf(end: RunEnd): LocalRunEnding {
  if (end.resultText !== null) return { status: end.status, result: decodePayload(end.resultText, "the result") };
  return { status: end.status, error: decodePayload(end.errorText ?? "null", "the error") as SerializedError };
}
