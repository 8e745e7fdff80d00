import { EventType, isEndEvent, type NewEvent, payloadTextOf, type RecordedEvent } from "../history/index.js";
import type { CommandKind, RecordedCommand } from "./commands.js";
import { isReplayedRequest, matches, recordedCommand } from "./matching.js";
import { afterEnd, describeIssued, nonDeterminism } from "./nondeterminism.js";

/**
 * What replay reads of an iteration's recorded history besides the events it delivers: the
 * events the code wrote itself (commands, update completions), matched in order against what the
 * code issues; the recorded end, when the iteration ended; and the conditions whose outcome is
 * recorded.
 */
export class RecordedHistory {
  readonly #requests: RecordedEvent[] = [];
  #cursor = 0;
  #end: RecordedEvent | undefined;
  /** Sequence numbers of the conditions with a recorded condition_result; made at the first. */
  #conditionResults: Set<number> | undefined;

  constructor(history: readonly RecordedEvent[]) {
    for (const event of history) {
      if (isReplayedRequest(event)) this.#requests.push(event);
      else if (isEndEvent(event)) this.#end = event;
      else if (event.type === EventType.ConditionResult && event.pos !== null) {
        this.#conditionResults ??= new Set();
        this.#conditionResults.add(event.seq);
      }
    }
  }

  /** The next recorded event the code has not issued yet; undefined past the end of history. */
  get next(): RecordedEvent | undefined {
    return this.#requests[this.#cursor];
  }

  /** The next recorded event is issued: the one after it is matched next. */
  advance(): void {
    this.#cursor++;
  }

  /** The recorded end of the iteration, when the history is of an ended one (replayHistory). */
  get end(): RecordedEvent | undefined {
    return this.#end;
  }

  /** True when the outcome of condition `seq` is recorded: replay does not record it again. */
  /**
   * Matches a command the code issued against the next recorded request: its recorded state, a
   * determinism fault (a different request, or a command past the iteration's end), or undefined
   * past the end of history (a new command).
   */
  match(
    runId: string,
    kind: CommandKind,
    target: string,
    seq: number,
    inputText: string,
  ): RecordedCommand | Error | undefined {
    const recorded = this.next;
    if (recorded !== undefined) {
      this.advance();
      if (!matches(kind, target, seq, inputText, recorded)) {
        return nonDeterminism(runId, recorded, describeIssued(kind, target, seq, inputText));
      }
      return recordedCommand(recorded);
    }
    const end = this.end;
    if (end !== undefined) return afterEnd(runId, end, describeIssued(kind, target, seq, inputText));
    return undefined;
  }

  hasConditionResult(seq: number): boolean {
    return this.#conditionResults?.has(seq) === true;
  }

  /**
   * Whether the code's patch check takes the new branch: from the recorded marker when the history
   * has one here (consumed), undefined past the end of history (the caller records a new one).
   */
  patch(patchId: string): boolean | undefined {
    const recorded = this.next;
    if (recorded !== undefined) {
      const taken = recorded.type === EventType.Patched && recorded.target === patchId;
      if (taken) this.advance();
      return taken;
    }
    // The whole iteration is recorded (replayHistory of an ended run): it never took the patch.
    return this.#end === undefined ? undefined : false;
  }

  /** See RunContext.deprecatePatch: consumes the marker when the history has it here. */
  deprecatePatch(patchId: string): void {
    const recorded = this.next;
    if (recorded?.type === EventType.Patched && recorded.target === patchId) this.advance();
  }
}

/**
 * True when an event the code writes itself (an update's completion) is the one recorded: same
 * kind, name and sequence, and the same result. An error is compared by name and message, not by
 * its stack, which depends on where the code runs.
 */
export function sameCompletion(recorded: RecordedEvent, event: NewEvent): boolean {
  if (recorded.type !== event.type || recorded.target !== event.target || recorded.seq !== event.seq) return false;
  const recordedText = payloadTextOf(recorded);
  if (recordedText === event.payloadText) return true;
  const before = JSON.parse(recordedText ?? "null") as CompletionPayload | null;
  const now = JSON.parse(event.payloadText ?? "null") as CompletionPayload | null;
  return (
    before?.error !== undefined &&
    now?.error !== undefined &&
    before.updateId === now.updateId &&
    before.error.name === now.error.name &&
    before.error.message === now.error.message
  );
}

interface CompletionPayload {
  readonly updateId?: string;
  readonly error?: { readonly name?: string; readonly message?: string };
}
