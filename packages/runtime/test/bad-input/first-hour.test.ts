import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { NOT_TAKEN_UP_WARN_MS } from "../../src/client/await-result.js";
import {
  createClient,
  createMemoryStore,
  createStoreClient,
  createWorker,
  DatabaseAccessDeniedError,
  InvalidDatabaseUrlError,
  ResultTimeoutError,
  SchemaNotMigratedError,
  UnknownDatabaseError,
} from "../../src/index.js";
import { createScratchDatabase, type ScratchDatabase, withDatabase } from "../../src/testing/index.js";

/** The mistakes of a first hour with replaykit, each answered by an error that says what to do. */
let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase(inject("mysqlUrl"));
});
afterAll(() => db.drop());

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected a rejection, got ${String(error)}`);
  return error;
}

describe("a database without replaykit's tables (migrate() forgotten)", () => {
  it("fails worker.start() at once with SchemaNotMigratedError saying to run migrate()", async () => {
    const client = createClient({ uri: db.url });
    try {
      const worker = createWorker({ client, namespace: "ns", workflows: { wf: async () => null }, activities: {} });
      const error = await rejection(worker.start());
      expect(error).toBeInstanceOf(SchemaNotMigratedError);
      expect(error.message).toContain("replaykit's tables are missing");
      expect(error.message).toContain("await client.migrate()");
      // Once migrated, the same worker starts.
      await client.migrate();
      await worker.start();
      await worker.stop();
    } finally {
      await client.close();
    }
  });

  it("fails a client call with the same error instead of a raw 'Table doesn't exist'", async () => {
    const fresh = await createScratchDatabase(inject("mysqlUrl"));
    const client = createClient({ pool: fresh.pool });
    try {
      const error = await rejection(client.runWorkflow("ns", "wf", "r1", null));
      expect(error).toBeInstanceOf(SchemaNotMigratedError);
      expect(error.message).toMatch(/replay_runs.*doesn't exist/);
      expect(error.message).toContain("migrate(pool)");
    } finally {
      await fresh.drop();
    }
  });
});

describe("a database URL or login that is wrong", () => {
  it("says the password was refused, not that the server cannot be reached", async () => {
    const user = `rk_${Date.now().toString(36)}`;
    await db.pool.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-password'`);
    try {
      const url = new URL(db.url);
      url.username = user;
      url.password = "wrong-password";
      const client = createClient({ uri: url.toString() });
      const error = await rejection(client.ready());
      await client.close();
      expect(error).toBeInstanceOf(DatabaseAccessDeniedError);
      expect(error.message).toContain("was reached but refused the login");
      expect(error.message).toContain("user name and password");
      expect(error.message).not.toContain("REPLAY_MYSQL_URL");
    } finally {
      await db.pool.query(`DROP USER '${user}'@'%'`);
    }
  });

  it("names a database that does not exist and says how to create it", async () => {
    const client = createClient({ uri: withDatabase(db.url, "no_such_db") });
    const error = await rejection(client.ready());
    await client.close();
    expect(error).toBeInstanceOf(UnknownDatabaseError);
    expect(error).toMatchObject({ database: "no_such_db" });
    expect(error.message).toContain("CREATE DATABASE `no_such_db`");
  });

  it.each([
    ["not a url", "it is not a URL"],
    ["postgres://user:secret@localhost:5432/app", "not postgres"],
    ["mysql://root@127.0.0.1:3306/", "names no database"],
    ["mysql://root@127.0.0.1:3306", "names no database"],
  ])("refuses %s at createClient, before mysql2 sees it", (uri, says) => {
    const make = () => createClient({ uri });
    expect(make).toThrow(InvalidDatabaseUrlError);
    expect(make).toThrow(says);
    expect(make).toThrow("mysql://user:password@host:3306/database");
  });

  it("does not repeat a password in its message", () => {
    expect(() => createClient({ uri: "postgres://user:hunter2@localhost/app" })).toThrow(
      'invalid database URL "postgres://user:***@localhost/app"',
    );
  });
});

describe("a run that no worker takes up (no worker started)", () => {
  it("makes awaitResult warn once after 10 s, and its timeout say that no worker took the run up", async () => {
    const lines: string[] = [];
    const keep = (message: string) => {
      lines.push(message);
    };
    const logger = { info: keep, warn: keep, error: keep };
    const client = createStoreClient(createMemoryStore(), { logger });
    await client.runWorkflow("lonely", "wf", "r1", null);
    const timedOut = await rejection(client.awaitResult("lonely", "wf", "r1", { timeout: "100ms" }));
    expect(timedOut).toBeInstanceOf(ResultTimeoutError);
    expect(timedOut).toMatchObject({ neverTakenUp: true });
    expect(timedOut.message).toContain("No worker has taken it up yet");

    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    try {
      const waiting = client.awaitResult("lonely", "wf", "r1");
      await vi.advanceTimersByTimeAsync(NOT_TAKEN_UP_WARN_MS - 1000);
      expect(lines).toEqual([]);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(
        'no worker has taken it up. Is a worker running for namespace "lonely" with workflow "wf"',
      );
      // A worker comes: the wait ends with the result.
      const worker = createWorker({
        client,
        namespace: "lonely",
        workflows: { wf: async () => "done" },
        activities: {},
      });
      await worker.start();
      await vi.advanceTimersByTimeAsync(2000);
      expect(await waiting).toBe("done");
      await worker.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a signal to a mistyped run id", () => {
  it("is listed as orphaned, and purged by age", async () => {
    const client = createStoreClient(createMemoryStore());
    await client.runWorkflow("shop", "order", "order-1", null);
    expect(await client.signalRun("shop", "order", "ordr-1", "paid", {}, "pay-1")).toBe(true);
    const orphans = await client.listOrphanedSignals("shop");
    expect(orphans).toEqual([
      { workflow: "order", runId: "ordr-1", signal: "paid", externalId: "pay-1", createdAt: expect.any(Date) },
    ]);
    await expect(client.purgeOrphanedSignals("shop", { olderThan: "yesterday" as never })).rejects.toThrow(
      "purgeOrphanedSignals needs { olderThan: Date }",
    );
    expect(await client.purgeOrphanedSignals("shop", { olderThan: new Date(Date.now() + 1000) })).toBe(1);
    expect(await client.listOrphanedSignals("shop")).toEqual([]);
  });
});
