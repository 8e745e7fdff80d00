import { afterAll, beforeAll, inject } from "vitest";
import { createClient, type MySqlClient } from "../../src/index.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";
import { stopAllChildren } from "./children.js";
import { createExecutionsTable } from "./executions.js";

/**
 * A scratch database with the executions table and a migrated client for one test file of
 * worker processes; every child is stopped and the database dropped after the file.
 */
export function useProcessDatabase(): { readonly db: ScratchDatabase; readonly client: MySqlClient } {
  const env = {} as { db: ScratchDatabase; client: MySqlClient };
  beforeAll(async () => {
    env.db = await createScratchDatabase(inject("mysqlUrl"));
    env.client = createClient({ pool: env.db.pool });
    await env.client.migrate();
    await createExecutionsTable(env.db.pool);
  });
  afterAll(async () => {
    await stopAllChildren();
    await env.db.drop();
  });
  return {
    get db() {
      return env.db;
    },
    get client() {
      return env.client;
    },
  };
}
