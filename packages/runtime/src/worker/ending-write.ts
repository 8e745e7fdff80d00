import type { NewEvent, RunKey } from "../history/index.js";
import type { RunExecutor } from "../replay/executor.js";
import { childrenToCancelOnEnd } from "../store/rules/children.js";
import type { StepWrite } from "../store/types.js";
import { waitedChildren, waitedEvents } from "./outbox.js";
import type { EncodedOutcome } from "./outcome.js";
import type { StepChanges } from "./step-changes.js";

/** What a run's actor commits: a step's changes, its events, and whether it keeps the run. */
export type ActorWrite = StepChanges &
  Pick<StepWrite, "events" | "hold" | "wakeAt"> &
  Partial<Pick<StepWrite, "end" | "restart" | "wantedActivity">>;

/** A written outcome: the run's end or a restart (an unwritable one parks the run instead). */
export type WritableOutcome = Exclude<EncodedOutcome, { readonly kind: "unwritable" }>;

/**
 * The write of the step that ends the iteration: its events with the outcome's, the queue slots
 * (`slotDeletes`) and event waits the iteration leaves, and the children it waited for cancelled.
 */
export function endingWrite(
  key: RunKey,
  executor: RunExecutor,
  step: StepChanges,
  outbox: readonly NewEvent[],
  encoded: WritableOutcome,
  slotDeletes: readonly { readonly target: string; readonly seq: number }[],
): ActorWrite {
  step.slotDeletes.push(...slotDeletes);
  // Waits the ending iteration leaves: no event is delivered to them any more.
  step.eventWaitsEnded.push(...waitedEvents(executor));
  return {
    ...step,
    cancelChildren: childrenToCancelOnEnd(step.cancelChildren, waitedChildren(key, executor)),
    events: [...outbox, encoded.event],
    hold: false,
    wakeAt: null,
    ...(encoded.kind === "end" ? { end: encoded.end } : { restart: { inputText: encoded.inputText } }),
  };
}
