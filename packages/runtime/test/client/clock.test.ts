import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClock } from "../../src/store/mysql/clock.js";
import { createScratchDatabase, type ScratchDatabase } from "../../src/testing/index.js";
import { type Fixture, setUpFixture } from "./helpers.js";

describe("createDbClock", () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase(inject("mysqlUrl"));
  });
  afterAll(() => db.drop());

  it("answers with the local clock before the first sync, and with the database clock after it", async () => {
    const clock = createDbClock(db.pool);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    await clock.sync();
    const [rows] = await db.pool.query<RowDataPacket[]>("SELECT UNIX_TIMESTAMP(NOW(6)) * 1000 AS ms");
    expect(Math.abs(clock.now() - Number(rows[0]?.ms))).toBeLessThan(100);
    expect(Number.isFinite(clock.offsetMs)).toBe(true);
  });
});

describe("the client's default clock", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUpFixture();
  });
  afterAll(() => f.close());

  it("stamps runs with database time once ready() resolved", async () => {
    await f.client.ready();
    await f.client.runWorkflow("ns", "wf", "timed", null);
    const [rows] = await f.pool.query<RowDataPacket[]>(
      "SELECT created_at, UNIX_TIMESTAMP(NOW(6)) * 1000 AS db_now FROM replay_runs WHERE run_id = 'timed'",
    );
    expect(Math.abs(Number(rows[0]?.created_at) - Number(rows[0]?.db_now))).toBeLessThan(1000);
  });
});
