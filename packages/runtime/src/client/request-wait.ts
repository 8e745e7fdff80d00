import type { LocalBus, LocalRequestRef, LocalRequestState, LocalTicket } from "../api.js";
import type { RunKey } from "../history/index.js";
import { type RequestState, RequestStatus, type Store } from "../store/types.js";

/** The first pause between two reads of a request's row, growing by half up to MAX_POLL_MS. */
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

/** Far enough to stand for "no deadline" in timer arithmetic. */
const NEVER = Number.POSITIVE_INFINITY;

/** What a caller waits for: the update accepted (startUpdate), or the request settled. */
export type Awaited = "accepted" | "settled";

/** How a wait for a request ended. */
export type WaitOutcome =
  | { readonly kind: "state"; readonly state: RequestState }
  /** Offered in-process and not applied there: store it. */
  | { readonly kind: "dropped" }
  /** The deadline passed; `accepted`: a worker had taken the request (it goes on), else it was withdrawn. */
  | { readonly kind: "timeout"; readonly accepted: boolean };

/** What waiting for a request needs of the client. */
export interface WaitSource {
  readonly store: Store;
  readonly local: LocalBus;
}

/**
 * What a worker in this process reports about one request, as it comes, and a nudge when its
 * run ends here (its open requests are settled then).
 */
class RequestWatch {
  readonly #states: LocalRequestState[] = [];
  #wake: (() => void) | undefined;
  #nudged = false;
  readonly #off: (() => void)[];

  constructor(local: LocalBus, key: RunKey, requestId: string) {
    const ref: LocalRequestRef = { workflow: key.workflow, runId: key.runId, requestId };
    this.#off = [
      local.onRequestSettled(key.namespace, ref, (state) => {
        this.#states.push(state);
        this.#wake?.();
      }),
      local.onRunEnded((namespace, workflow, runId) => {
        if (namespace !== key.namespace || workflow !== key.workflow || runId !== key.runId) return;
        this.#nudged = true;
        this.#wake?.();
      }),
    ];
  }

  /** The next reported state, or undefined after `ms` (or sooner, when the run ended here). */
  async next(ms: number): Promise<LocalRequestState | undefined> {
    const ready = this.#states.shift();
    if (ready !== undefined || this.#nudged) {
      this.#nudged = false;
      return ready;
    }
    await new Promise<void>((resolve) => {
      const timer = ms === NEVER ? undefined : setTimeout(done, Math.max(0, ms));
      function done() {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = undefined;
    this.#nudged = false;
    return this.#states.shift();
  }

  close(): void {
    for (const off of this.#off) off();
  }
}

/** True when `state` is what the caller waits for (or more: a settled update satisfies "accepted"). */
function reached(state: RequestState, until: Awaited): boolean {
  if (state.status === RequestStatus.Requested) return false;
  return until === "accepted" || state.status !== RequestStatus.Accepted;
}

/**
 * Waits for a request offered in-process: for what the worker that took it reports. Once an
 * update is accepted and its caller waits for more, its row exists: the wait goes on as
 * waitForRow's, so an outcome written by another worker (the run moved there) is seen too.
 */
export async function waitForTicket(
  source: WaitSource,
  key: RunKey,
  requestId: string,
  ticket: LocalTicket,
  watch: { readonly deadline: number; readonly until: Awaited },
  pending: RequestWatchHandle,
): Promise<WaitOutcome> {
  for (;;) {
    const state = await pending.watch.next(watch.deadline - Date.now());
    if (state === undefined) {
      if (Date.now() < watch.deadline) continue;
      if (ticket.withdraw()) return { kind: "timeout", accepted: false };
      // A step took it: what became of it is reported right after that step's commit.
      const taken = await pending.watch.next(NEVER);
      if (taken === undefined || taken.status === "dropped") return { kind: "timeout", accepted: false };
      if (reached(taken, watch.until)) return { kind: "state", state: taken };
      return { kind: "timeout", accepted: true };
    }
    if (state.status === "dropped") return { kind: "dropped" };
    if (reached(state, watch.until)) return { kind: "state", state };
    if (state.status === RequestStatus.Accepted) return waitForRow(source, key, requestId, watch, pending);
  }
}

/**
 * Waits for a stored request: reads its row (5 ms apart at first, growing to 100 ms), and
 * sooner when a worker in this process reports on it. At the deadline the request is withdrawn
 * unless a worker took it up (see withdrawal in store/rules/requests.ts).
 */
export async function waitForRow(
  source: WaitSource,
  key: RunKey,
  requestId: string,
  watch: { readonly deadline: number; readonly until: Awaited },
  pending: RequestWatchHandle,
): Promise<WaitOutcome> {
  for (let pollMs = FIRST_POLL_MS; ; pollMs = Math.min(MAX_POLL_MS, pollMs * 1.5)) {
    const row = await source.store.readRequest(key, requestId);
    if (row !== undefined && reached(row, watch.until)) return { kind: "state", state: row };
    const left = watch.deadline - Date.now();
    if (left <= 0) return withdrawn(source, key, requestId, watch.until);
    const reported = await pending.watch.next(Math.min(pollMs, left));
    if (reported !== undefined && reported.status !== "dropped" && reached(reported, watch.until)) {
      return { kind: "state", state: reported };
    }
  }
}

/** The deadline passed: withdraw the request unless a worker took it up. */
async function withdrawn(source: WaitSource, key: RunKey, requestId: string, until: Awaited): Promise<WaitOutcome> {
  const state = await source.store.withdrawRequest(key, requestId);
  if (state !== undefined && reached(state, until)) return { kind: "state", state };
  return { kind: "timeout", accepted: state?.status === RequestStatus.Accepted };
}

/** A watch of one request, opened before the request is offered or stored so that no report is missed. */
export interface RequestWatchHandle {
  readonly watch: RequestWatch;
  close(): void;
}

export function watchRequest(local: LocalBus, key: RunKey, requestId: string): RequestWatchHandle {
  const watch = new RequestWatch(local, key, requestId);
  return { watch, close: () => watch.close() };
}

/** A deadline from a timeout in ms; none without one. */
export function deadlineOf(timeoutMs: number | undefined): number {
  return timeoutMs === undefined ? NEVER : Date.now() + timeoutMs;
}
