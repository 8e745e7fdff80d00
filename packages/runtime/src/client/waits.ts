import { randomUUID } from "node:crypto";
import type { Clock, LocalBus, PublishOptions, PurgeEventsOptions, WriteOptions } from "../api.js";
import { ReplayError, UnknownTokenError } from "../errors.js";
import { tokenCompletionText } from "../history/index.js";
import { encodePayload, validateName } from "../json.js";
import { serializeError } from "../serialize-error.js";
import type { Store } from "../store/types.js";
import { isTokenId } from "../tokens/id.js";

/** What the client's calls for tokens and events need of it. */
export interface WaitsClient {
  readonly store: Store;
  readonly clock: Clock;
  readonly local: LocalBus;
  readonly maxPayloadBytes: number;
  /** Resolves once the store answered (on the caller's `tx`, when given). */
  ready(tx?: unknown): Promise<void>;
}

/** Published events deleted per statement by purgeEvents. */
const PURGE_BATCH = 1000;

/**
 * The client's calls that complete tokens and publish events: each checks its arguments and
 * encodes its payload before anything is written, then wakes the workers of this process.
 */
export class TokensAndEvents {
  readonly #client: WaitsClient;

  constructor(client: WaitsClient) {
    this.#client = client;
  }

  async completeToken(tokenId: string, value: unknown, opts: WriteOptions = {}): Promise<boolean> {
    const id = checkedTokenId(tokenId);
    const valueText = encodePayload("token value", value, this.#client.maxPayloadBytes);
    return this.#complete(id, false, tokenCompletionText({ valueText }), opts);
  }

  async failToken(tokenId: string, error: unknown, opts: WriteOptions = {}): Promise<boolean> {
    const id = checkedTokenId(tokenId);
    const failure = typeof error === "string" ? { name: "Error", message: error } : serializeError(error);
    return this.#complete(id, true, tokenCompletionText({ error: failure }), opts);
  }

  async #complete(tokenId: string, failed: boolean, completionText: string, opts: WriteOptions): Promise<boolean> {
    const { store, clock, local } = this.#client;
    await this.#client.ready(opts.tx);
    const done = await store.completeToken({ tokenId, failed, completionText, now: clock.now() }, opts.tx);
    // With `tx` the write is not committed yet: wake without naming the run (see runWorkflow).
    if (done.completed) local.wake(done.run.namespace, opts.tx ? undefined : done.run);
    return done.completed;
  }

  async publishEvent(namespace: string, name: string, data: unknown, opts: PublishOptions = {}): Promise<boolean> {
    const { store, clock, local, maxPayloadBytes } = this.#client;
    const event = {
      namespace: validateName("namespace", namespace),
      name: validateName("event name", name),
      key: opts.key === undefined ? null : validateName("event key", opts.key),
      eventId: opts.eventId === undefined ? randomUUID() : validateName("eventId", opts.eventId),
      dataText: encodePayload("event data", data, maxPayloadBytes),
    };
    await this.#client.ready(opts.tx);
    const published = await store.publishEvent({ ...event, publishedAt: clock.now() }, opts.tx);
    // Workers of this process dispatch it at once (a wake-up that names no run).
    if (published) local.wake(event.namespace);
    return published;
  }

  async purgeEvents(namespace: string, opts: PurgeEventsOptions): Promise<number> {
    const before = opts?.publishedBefore;
    if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
      throw new ReplayError(
        "INVALID_ARGUMENT",
        "purgeEvents needs { publishedBefore: Date }, e.g. new Date(Date.now() - 7 * 86_400_000)",
      );
    }
    return purgeEventsBefore(this.#client.store, validateName("namespace", namespace), before.getTime());
  }
}

/** Deletes the namespace's published events from before `before`, a batch at a time; how many. */
export async function purgeEventsBefore(store: Store, namespace: string, before: number): Promise<number> {
  let purged = 0;
  for (;;) {
    const deleted = await store.purgeEvents(namespace, before, PURGE_BATCH);
    purged += deleted;
    if (deleted < PURGE_BATCH) return purged;
  }
}

/** A token id, or UnknownTokenError without asking the store: ids are "tok_" and 24 base64url characters. */
function checkedTokenId(tokenId: unknown): string {
  if (isTokenId(tokenId)) return tokenId;
  throw new UnknownTokenError(
    String(tokenId),
    "it is not a token id (ids look like tok_ and 24 letters, digits, - or _)",
  );
}
