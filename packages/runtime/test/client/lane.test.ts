import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createClient, type MySqlClient } from "../../src/index.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";

describe("a client on a server that is not a Galera node", () => {
  let db: ScratchDatabase;
  let client: MySqlClient;
  beforeAll(async () => {
    db = await createScratchDatabase(inject("mysqlUrl"));
    client = createClient({ uri: db.url });
  });
  afterAll(async () => {
    await client.close();
    await db.drop();
  });

  it("writes a step's statements several per round trip (on Galera it does not: test/galera/cluster.test.ts)", async () => {
    expect(await client.store.inner.usesMultiStatementWrites()).toBe(true);
  });
});
