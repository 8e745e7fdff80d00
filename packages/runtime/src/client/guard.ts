import { type Endpoint, mapDbError } from "../store/mysql/db-errors.js";

/** Wraps an async iterable so that connection failures surface as DatabaseUnreachableError. */
export async function* guardIterable<T>(endpoint: Endpoint, source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw mapDbError(error, endpoint);
  }
}

/** Host and port named by a mysql:// URL. */
export function endpointOfUri(uri: string): Endpoint {
  try {
    const url = new URL(uri);
    return { host: url.hostname || "localhost", port: Number(url.port || 3306) };
  } catch {
    return { host: "localhost", port: 3306 };
  }
}
