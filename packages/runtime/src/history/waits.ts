import type { SerializedError } from "../errors.js";

/*
 * How completions of tokens and published events reach the run that waits for them: as rows
 * of its inbox, like a child's ending (see CHILD_SIGNAL), written in the transaction that
 * completes the token or delivers the event. The inbox keeps one row per (run, name, external
 * id), so a token is completed once and an event delivered to a run once; a row that arrives
 * before the run waits is kept until it does. User names never contain "/", so these names
 * cannot collide with a user's signal.
 */

/** The inbox name of token completions; the external id is the token's id. */
export const TOKEN_SIGNAL = "/token";

/** The inbox name of published events delivered to a waiting run; the external id is the event's id. */
export const EVENT_SIGNAL = "/event";

/** The stored completion of a token (payload of token_completed): a value as JSON text, or an error. */
export function tokenCompletionText(completion: { readonly valueText: string } | { readonly error: SerializedError }) {
  return "valueText" in completion
    ? `{"value":${completion.valueText}}`
    : `{"error":${JSON.stringify(completion.error)}}`;
}

/** A published event as it is stored, delivered and received (payload of event_received). */
export interface StoredPublishedEvent {
  readonly eventId: string;
  readonly name: string;
  /** null: published without a key. */
  readonly key: string | null;
  readonly publishedAt: number;
  /** The event's data as JSON text. */
  readonly dataText: string;
}

/** The stored form of an event a run receives (see ReceivedEvent). */
export function receivedEventText(event: StoredPublishedEvent): string {
  const { eventId, name, key, publishedAt, dataText } = event;
  return `{"eventId":${JSON.stringify(eventId)},"name":${JSON.stringify(name)},"key":${JSON.stringify(key)},"publishedAt":${publishedAt},"data":${dataText}}`;
}
