import type { Pool } from "mysql2/promise";
import type { Clock, LocalBus } from "../types.js";

/** Where the client's database is: the caller's mysql2/promise pool, or a URL for a pool of its own. */
export type ClientConnection = { readonly pool: Pool } | { readonly uri: string };

export interface ClientOptions {
  /** Table name prefix, [A-Za-z0-9_]{0,32}; default "replay_". */
  readonly prefix?: string;
  /** Source of time for everything the client writes; default: the database clock (createDbClock). */
  readonly clock?: Clock;
  /** Largest payload in bytes of UTF-8 JSON; default 1 MiB. */
  readonly maxPayloadBytes?: number;
  /** Share one bus between clients in a process; default: a bus of this client's own. */
  readonly local?: LocalBus;
}
