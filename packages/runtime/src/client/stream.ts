import type { LocalBus, StreamEvent, StreamOptions } from "../api.js";
import type { EventFilter, Store } from "../store/types.js";
import { outlastOutage } from "./outlast.js";
import { waitFor } from "./wait.js";

const MIN_POLL_MS = 5;
const MAX_POLL_MS = 500;
// An open transaction usually commits within milliseconds; look again soon.
const GAP_RECHECK_MS = [5, 20] as const;
/** Without `follow`, how long to wait for a transaction that holds the next id. */
const GAP_WAIT_LIMIT_MS = 10_000;

/** What the stream needs from the client. */
export interface StreamSource {
  readonly store: Pick<Store, "readEvents">;
  readonly local: LocalBus;
}

/**
 * Events in id order, never past an id that an open transaction may still commit.
 * Without `follow` it ends when caught up (after waiting up to 10 s for such an id);
 * with `follow` it polls (5 ms doubling to 500 ms when idle, local wake-ups cut the
 * wait short) until `signal` aborts, then ends cleanly, retrying with back-off while the
 * database cannot be reached.
 */
export async function* streamEvents(source: StreamSource, opts: StreamOptions): AsyncGenerator<StreamEvent> {
  const filter = toFilter(opts);
  const subscribe = (wake: () => void): (() => void) => source.local.onWake(opts.namespace, wake);
  let cursor = opts.after ?? 0;
  let idleMs = MIN_POLL_MS;
  let blockedSince: number | undefined;
  while (!opts.signal?.aborted) {
    const read = (): ReturnType<StreamSource["store"]["readEvents"]> => source.store.readEvents(cursor, filter);
    // A following stream outlasts a database restart; a catch-up read reports it.
    const batch = opts.follow ? await outlastOutage(read, { signal: opts.signal }) : await read();
    if (batch === undefined) return;
    for (const event of batch.events) yield event;
    if (batch.cursor > cursor || batch.events.length > 0) idleMs = MIN_POLL_MS;
    cursor = batch.cursor;
    if (batch.more) continue;
    if (batch.blocked) {
      blockedSince ??= Date.now();
      if (!opts.follow && Date.now() - blockedSince > GAP_WAIT_LIMIT_MS) return;
      await waitFor(jitter(), opts.signal);
      continue;
    }
    blockedSince = undefined;
    if (!opts.follow) return;
    await waitFor(idleMs, opts.signal, subscribe);
    idleMs = Math.min(idleMs * 2, MAX_POLL_MS);
  }
}

function toFilter(opts: StreamOptions): EventFilter {
  return {
    namespace: opts.namespace,
    ...(opts.workflow === undefined ? {} : { workflow: opts.workflow }),
    ...(opts.runId === undefined ? {} : { runId: opts.runId }),
    ...(opts.types === undefined ? {} : { types: opts.types }),
  };
}

function jitter(): number {
  const [low, high] = GAP_RECHECK_MS;
  return low + Math.floor(Math.random() * (high - low));
}
