import type { Duration, UpdateHandle } from "../api.js";
import { toMillis } from "../duration.js";
import { isSettled, type RequestState } from "../store/types.js";
import type { Outgoing, RequestCalls } from "./requests.js";

/**
 * The handle startUpdate returns once a worker accepted the update: an update refused instead
 * throws here, one settled already (its handler returned at once) answers at once, and one whose
 * handler still runs is waited for (its row read until it completes, or `timeout`).
 */
export async function startedUpdate(
  requests: RequestCalls,
  outgoing: Outgoing,
  state: RequestState,
): Promise<UpdateHandle> {
  // A refusal, or the run's end before a worker took it up, is what startUpdate throws.
  if (state.status === "rejected" || state.status === "ended") await requests.outcome(outgoing, state);
  const updateId = outgoing.request.requestId;
  return {
    updateId,
    async result(opts: { readonly timeout?: Duration } = {}): Promise<unknown> {
      if (isSettled(state.status)) return requests.outcome(outgoing, state);
      const timeoutMs = opts.timeout === undefined ? undefined : toMillis(opts.timeout);
      const settled = await requests.awaitStored({ ...outgoing, timeoutMs }, { added: false, state }, "settled");
      return requests.outcome(outgoing, settled);
    },
  };
}
