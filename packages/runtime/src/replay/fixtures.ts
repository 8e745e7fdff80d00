import type { RecordedEvent } from "../history/index.js";

/**
 * Hand-written histories for tests of the executor: `history(input, ...events)` numbers the
 * positions; the builders below make one event each, stamped `at` (default: the created time).
 */
export const T0 = Date.UTC(2030, 0, 1);

type Body = Omit<RecordedEvent, "pos" | "iteration" | "at"> & { readonly at?: number };

export function history(input: unknown, ...events: Body[]): RecordedEvent[] {
  const created = { type: "created", target: "", seq: 0, payload: input } as Body;
  return [created, ...events].map((event, pos) => ({ at: T0, ...event, iteration: 0, pos }) as RecordedEvent);
}

const body = (type: string, target: string, seq: number, payload: unknown, at?: number): Body =>
  ({ type, target, seq, payload, ...(at === undefined ? {} : { at }) }) as Body;

export const ev = {
  activity: (target: string, seq: number, input: unknown) => body("activity_request", target, seq, input),
  result: (target: string, seq: number, result: unknown, at?: number) =>
    body("activity_response", target, seq, { result, attempts: 1 }, at),
  failure: (target: string, seq: number, message: string, attempts: number) =>
    body("activity_response", target, seq, { error: { name: "Error", message }, attempts }),
  sleep: (seq: number, duration: number, deadline = T0 + duration) =>
    body("sleep_request", "", seq, { duration, deadline }),
  slept: (seq: number, at?: number) => body("sleep_done", "", seq, null, at),
  awaitSignal: (target: string, seq: number, timeout: number) =>
    body("signal_request", target, seq, { timeout, deadline: T0 + timeout }),
  signal: (target: string, seq: number, message: unknown, at?: number) =>
    body("signal_response", target, seq, { signalId: seq + 1, message }, at),
  signalTimedOut: (target: string, seq: number) => body("signal_response", target, seq, { timedOut: true }),
  output: (target: string, seq: number, message: unknown) => body("output", target, seq, message),
  cancelDelivered: () => body("cancel_delivered", "", 0, null),
  patched: (patchId: string) => body("patched", patchId, 0, null),
  child: (workflow: string, seq: number, runId: string, input: unknown, wait = true) =>
    body("child_request", workflow, seq, { runId, input, wait }),
  childDone: (workflow: string, seq: number, runId: string, result: unknown) =>
    body("child_response", workflow, seq, { runId, status: "completed", result }),
  childFailed: (workflow: string, seq: number, runId: string, message: string) =>
    body("child_response", workflow, seq, { runId, status: "failed", error: { name: "Error", message } }),
  sent: (workflow: string, seq: number, runId: string, signal: string, message: unknown, externalId: string) =>
    body("signal_sent", workflow, seq, { runId, signal, message, externalId }),
  completed: (result: unknown) => body("completed", "", 0, { result }),
  token: (name: string, seq: number, id: string, timeout?: number) =>
    body("token_created", name, seq, timeout === undefined ? { id } : { id, timeout, deadline: T0 + timeout }),
  awaitToken: (id: string, seq: number, deadline: number | null) => body("token_awaited", id, seq, { deadline }),
  tokenDone: (id: string, seq: number, completion: unknown, at?: number) =>
    body("token_completed", id, seq, completion, at),
  awaitEvent: (name: string, seq: number, wait: { key: string | null; timeout: number; lookback: number }) =>
    body("event_awaited", name, seq, { ...wait, since: T0 - wait.lookback, deadline: T0 + wait.timeout }),
  eventReceived: (name: string, seq: number, received: unknown, at?: number) =>
    body("event_received", name, seq, received, at),
  updateAccepted: (update: string, seq: number, updateId: string, input: unknown, at?: number) =>
    body("update_accepted", update, seq, { updateId, input }, at),
  updateResult: (update: string, seq: number, updateId: string, result: unknown) =>
    body("update_completed", update, seq, { updateId, result }),
  updateError: (update: string, seq: number, updateId: string, message: string) =>
    body("update_completed", update, seq, { updateId, error: { name: "Error", message } }),
  condition: (seq: number, timeout: number) => body("condition_request", "", seq, { timeout, deadline: T0 + timeout }),
  conditionHeld: (seq: number) => body("condition_result", "", seq, { satisfied: true }),
  conditionTimedOut: (seq: number, at?: number) => body("condition_result", "", seq, { timedOut: true }, at),
};
