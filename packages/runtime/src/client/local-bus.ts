import { EventEmitter } from "node:events";
import type { LocalBus, LocalRequest, LocalRequestRef, LocalStreamRef, LocalTicket } from "../api.js";

const RUN_ENDED = "runEnded";

/**
 * In-process wake-ups between a client and the workers built on it. Delivery is
 * synchronous and best effort: a listener that throws does not stop the others,
 * and a lost wake-up only costs a poll interval. Update and query requests are offered to one
 * worker that takes them, and what became of them is told to whoever listens for that request.
 */
export function createLocalBus(): LocalBus {
  const emitter = new EventEmitter();
  // Many workers and awaitResult calls may listen at once; that is not a leak.
  emitter.setMaxListeners(0);
  const wakeEvent = (namespace: string): string => `wake:${namespace}`;
  // Names cannot contain "/" (see validateName), so the path is unambiguous.
  const streamEvent = (s: LocalStreamRef): string => `stream:${s.namespace}/${s.workflow}/${s.runId}/${s.key}`;
  const on = <A extends unknown[]>(event: string, listener: (...args: A) => void): (() => void) => {
    const safe = (...args: A): void => {
      try {
        listener(...args);
      } catch {
        // A wake-up listener must not break the writer that notified it.
      }
    };
    emitter.on(event, safe);
    return () => emitter.off(event, safe);
  };
  // Offers go to one taker, so they are not events: each namespace keeps its takers in order.
  const takers = new Map<string, Set<(request: LocalRequest) => LocalTicket | undefined>>();
  const settledEvent = (namespace: string, ref: LocalRequestRef): string =>
    `request:${namespace}/${ref.workflow}/${ref.runId}/${ref.requestId}`;
  return {
    wake: (namespace, run) => emitter.emit(wakeEvent(namespace), run),
    onWake: (namespace, listener) => on(wakeEvent(namespace), listener),
    runEnded: (namespace, workflow, runId, ending) => emitter.emit(RUN_ENDED, namespace, workflow, runId, ending),
    onRunEnded: (listener) => on(RUN_ENDED, listener),
    streamWritten: (stream) => emitter.emit(streamEvent(stream)),
    onStreamWritten: (stream, listener) => on(streamEvent(stream), listener),
    offerRequest(namespace, request) {
      for (const taker of takers.get(namespace) ?? []) {
        try {
          const ticket = taker(request);
          if (ticket) return ticket;
        } catch {
          // A taker that throws did not take it; the next may.
        }
      }
      return undefined;
    },
    onRequest(namespace, listener) {
      const set = takers.get(namespace) ?? new Set();
      takers.set(namespace, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    requestSettled: (namespace, ref, state) => emitter.emit(settledEvent(namespace, ref), state),
    onRequestSettled: (namespace, ref, listener) => on(settledEvent(namespace, ref), listener),
  };
}
