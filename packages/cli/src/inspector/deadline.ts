import type { Client } from "@replaykit/runtime";
import { DatabaseTimeoutError } from "../shared/errors.js";

/**
 * The client as one request of the inspector sees it: every call that returns a promise must
 * settle within what is left of `timeoutMs` from now, or rejects with DatabaseTimeoutError, so
 * a frozen database makes a page answer 503 instead of hanging. The call itself goes on in the
 * background (a query cannot be taken back); its late answer is dropped.
 */
export function boundedClient(client: Client, timeoutMs: number): Client {
  const deadline = Date.now() + timeoutMs;
  return new Proxy(client, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? settleBy(result, deadline, timeoutMs) : result;
      };
    },
  });
}

function settleBy<T>(work: Promise<T>, deadline: number, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(timeoutMs)), Math.max(0, deadline - Date.now()));
  });
  work.catch(() => {});
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
