import { createPool, type Pool } from "mysql2/promise";
import { ReplayError } from "../../errors.js";
import type { PayloadOptions } from "../../payload/options.js";
import { type Endpoint, endpointOf, endpointOfUri } from "./db-errors.js";
import { EndpointRing } from "./failover.js";

/**
 * Where the client's database is: the caller's mysql2/promise pool, a URL for a pool of the
 * client's own, or several URLs of one database (e.g. the nodes of a Galera cluster) for a
 * pool that fails over between them.
 */
export type ClientConnection = (
  | { readonly pool: Pool }
  | { readonly uri: string }
  | { readonly uris: readonly string[] }
) &
  PayloadOptions;

/** The pool a client works on, and what error messages name. */
export interface OpenedConnection {
  readonly pool: Pool;
  readonly ownsPool: boolean;
  /** For error messages; with several endpoints, the one connections go to now. */
  readonly endpoint: Endpoint;
  /** Set with several endpoints. */
  readonly ring?: EndpointRing;
}

/**
 * Settings of the pools the client opens itself: several statements per round trip for the
 * hot writes (see lane.ts), and no stack trace captured per query by mysql2's promise wrapper
 * (the store maps errors itself, naming the endpoint).
 */
const OWN_POOL = { timezone: "Z", multipleStatements: true, trace: false } as const;

export function openConnection(connection: ClientConnection): OpenedConnection {
  if ("pool" in connection) return { pool: connection.pool, ownsPool: false, endpoint: endpointOf(connection.pool) };
  if ("uri" in connection) {
    // The URL is checked first: mysql2 would throw a raw TypeError for one it cannot parse.
    const endpoint = endpointOfUri(connection.uri);
    const pool = createPool({ uri: forMysql2(connection.uri), ...OWN_POOL });
    return { pool, ownsPool: true, endpoint };
  }
  const uris = connection.uris;
  const endpoints = uris.map(endpointOfUri);
  const first = checkSameDatabase(uris);
  const ring = new EndpointRing(endpoints);
  // Host and port of the URL are overridden by the stream factory, which picks the endpoint.
  const pool = createPool({ uri: forMysql2(first), ...OWN_POOL, stream: () => ring.connect() });
  ring.watch(pool as unknown as Parameters<EndpointRing["watch"]>[0]);
  const endpoint: Endpoint = {
    get host() {
      return ring.current.host;
    },
    get port() {
      return ring.current.port;
    },
    database: endpoints[0]?.database,
  };
  return { pool, ownsPool: true, endpoint, ring };
}

/** Every URL must name the same user, password, database and options: only host and port may differ. */
function checkSameDatabase(uris: readonly string[]): string {
  const first = uris[0];
  if (first === undefined) {
    throw new ReplayError("INVALID_CONNECTION", "createClient({ uris }) needs at least one URL, got an empty list");
  }
  const rest = (uri: string) => {
    const url = new URL(uri);
    return `${url.protocol}//${url.username}:${url.password}@${url.pathname}${url.search}`;
  };
  const odd = uris.find((uri) => rest(uri) !== rest(first));
  if (odd !== undefined) {
    throw new ReplayError(
      "INVALID_CONNECTION",
      `createClient({ uris }): every URL must differ only in host and port, but ${redact(odd)} differs from ${redact(first)}; give each node the same user, password, database and options`,
    );
  }
  return first;
}

/** mysql2 reads mysql:// URLs; mariadb:// names the same protocol. */
function forMysql2(uri: string): string {
  return uri.replace(/^mariadb:/i, "mysql:");
}

function redact(uri: string): string {
  const url = new URL(uri);
  if (url.password) url.password = "***";
  return url.toString();
}
