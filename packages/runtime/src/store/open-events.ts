import { EventType, type RunKey } from "../history/index.js";

/**
 * The payload text that a payload's stored text stands for, for the run `key` (stored text
 * without an encoded node is returned as it is). The payload boundary (CodecStore) supplies it
 * to the store operations whose rules read payloads; without codecs, stored text is the JSON.
 */
export type OpenPayload = (text: string, key: RunKey) => Promise<string>;

/** What a store operation on runs may ask of the payload boundary (see CodecStore). */
export interface PayloadAccess {
  /** Reads encoded payloads (see OpenPayload). */
  readonly open?: OpenPayload | undefined;
  /**
   * Called with the runs a purge deletes, before its transaction commits (as
   * PurgeRequest.purging: a payload store outside the database deletes their payloads).
   */
  readonly purging?: ((runs: readonly RunKey[]) => Promise<void>) | undefined;
}

/**
 * The kinds whose payloads the operator rules read: child requests (terminate), responses and
 * accepted updates (reset).
 */
const READ_BY_RULES: ReadonlySet<string> = new Set([
  EventType.ChildRequest,
  EventType.ChildResponse,
  EventType.SignalResponse,
  EventType.ActivityResponse,
  EventType.UpdateAccepted,
]);

/** An event as a store reads it for a rule (see SourceEvent in rules/fork.ts). */
interface StoredEvent {
  readonly type: string;
  readonly payloadText?: string | null | undefined;
}

/**
 * `events` with `openText` set on those the rules read (SourceEvent.openText), when `open` is given. Their
 * `payloadText` stays as stored: a reset copies it, and must never write a decoded payload.
 */
export async function openEvents<E extends StoredEvent>(
  events: readonly E[],
  key: RunKey,
  open: OpenPayload | undefined,
): Promise<readonly E[]> {
  if (open === undefined) return events;
  return Promise.all(
    events.map(async (event) =>
      READ_BY_RULES.has(event.type) && typeof event.payloadText === "string"
        ? { ...event, openText: await open(event.payloadText, key) }
        : event,
    ),
  );
}
