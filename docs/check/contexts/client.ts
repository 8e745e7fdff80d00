// Context "client": a client on MySQL, and the app's own mysql2 pool.
import type { MySqlClient } from "@replaykit/runtime";
import type { Pool } from "mysql2/promise";

declare const client: MySqlClient;
declare const pool: Pool;
