import type { Pool } from "mysql2/promise";
import type { Clock } from "../../api.js";
import { createStoreClient, type StoreClient } from "../../client/client.js";
import type { ClientOptions } from "../../client/options.js";
import { realTimers } from "../../client/timers.js";
import type { CodecStore } from "../../payload/codec-store.js";
import type { PayloadOptions } from "../../payload/options.js";
import { createDbClock } from "./clock.js";
import { type ClientConnection, openConnection } from "./connection.js";
import { mapUnreachable } from "./db-errors.js";
import { DEFAULT_PREFIX, validatePrefix } from "./prefix.js";
import { asTransaction, MySqlStore } from "./store.js";

export type { ClientConnection } from "./connection.js";

/** The client on MySQL/MariaDB: a Client, plus the pool and table prefix for your own SQL. */
export interface MySqlClient extends StoreClient {
  /** The MySQL store behind the client's payload boundary (`store.inner` is the MySqlStore). */
  readonly store: CodecStore<MySqlStore>;
  readonly pool: Pool;
  /** Table name prefix, default "replay_". */
  readonly prefix: string;
}

/**
 * Creates the client on MySQL or MariaDB.
 *
 * @example
 * const client = createClient({ uri: "mysql://root@127.0.0.1:3306/app" });
 * await client.migrate();
 * await client.runWorkflow("shop", "order", "order-42", { sku: "A1" });
 * const result = await client.awaitResult("shop", "order", "order-42", { timeout: "30s" });
 * await client.close();
 *
 * @example
 * // A Galera cluster: connections go to the first node that accepts them and move on when it fails.
 * const client = createClient({ uris: ["mysql://app@db1:3306/app", "mysql://app@db2:3306/app", "mysql://app@db3:3306/app"] });
 */
export function createClient(connection: ClientConnection, clientOptions: ClientOptions = {}): MySqlClient {
  // Payload options may come with the connection too: createClient({ pool, codecs }).
  const options: ClientOptions = { ...payloadOptionsOf(connection), ...clientOptions };
  const prefix = validatePrefix(options.prefix ?? DEFAULT_PREFIX);
  const { pool, endpoint, ownsPool, ring } = openConnection(connection);
  const store = new MySqlStore(pool, prefix, endpoint, ownsPool, ring);
  const dbClock = options.clock === undefined ? createDbClock(pool) : undefined;
  const clock: Clock = options.clock ?? (dbClock as Clock);
  const client = createStoreClient(store, {
    ...options,
    clock,
    timers: options.timers ?? realTimers(clock),
    // The first write also measures the offset to the database clock, on the caller's
    // transaction when it has one (a pool of one connection held by the caller cannot deadlock).
    ready: (tx) => (dbClock ? mapUnreachable(endpoint, () => dbClock.sync(asTransaction(tx))) : store.ready(tx)),
  });
  // The client's store is `store` behind the payload boundary createStoreClient put it behind.
  return Object.assign(client, { store: client.store as CodecStore<MySqlStore>, pool, prefix });
}

/** The payload options given with the connection; those of the options argument win. */
function payloadOptionsOf(connection: ClientConnection): PayloadOptions {
  const { codecs, payloadStore, offloadAbove, secretFields } = connection;
  const given = { codecs, payloadStore, offloadAbove, secretFields };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}
