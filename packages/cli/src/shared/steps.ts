import { EventType, type HistoryEvent, type TimelineStep, timelineOf } from "@replaykit/runtime";
import type { SealedOf } from "./sealed.js";

/**
 * The steps of a history read through a payload view. An answer whose whole payload is sealed
 * (an encrypted activity response, say) says neither how the step ended nor with what; its
 * sealed payload stands in the step's response, and outcomeOf says "ended".
 */
export function stepsOf(history: readonly HistoryEvent[], sealedOf: SealedOf): TimelineStep[] {
  return timelineOf(history.map((event) => (sealedOf(event.payload) ? answerWithSealed(event) : event)));
}

/** The step's outcome, or "ended" when its answer is sealed (whether it completed or failed is in the ciphertext). */
export function outcomeOf(step: TimelineStep, sealedOf: SealedOf): string {
  return step.endedAt !== undefined && step.outcome !== "recorded" && sealedOf(step.response) ? "ended" : step.outcome;
}

/** An answer event whose payload is sealed, shaped so that timelineOf puts the sealed payload in the response. */
function answerWithSealed(event: HistoryEvent): HistoryEvent {
  switch (event.type) {
    case EventType.ActivityResponse:
      return { ...event, payload: { result: event.payload } } as HistoryEvent;
    case EventType.SignalResponse:
      return { ...event, payload: { signalId: 0, message: event.payload } } as HistoryEvent;
    default:
      return event;
  }
}
