import { createPool } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { DatabaseUnreachableError } from "../../src/errors.js";
import { createClient } from "../../src/index.js";
import { migrate } from "../../src/store/mysql/migrate.js";
import { freePort } from "../../src/testing/index.js";

async function expectUnreachable(promise: Promise<unknown>, port: number): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseUnreachableError);
  expect((error as Error).message).toContain(`127.0.0.1:${port}`);
  expect(error).toMatchObject({ host: "127.0.0.1", port });
}

describe("an unreachable database", () => {
  it("gives DatabaseUnreachableError naming host and port on every call of a client made from a URL", async () => {
    const port = await freePort();
    const client = createClient({ uri: `mysql://root@127.0.0.1:${port}/nothing` });
    try {
      await expectUnreachable(client.ready(), port);
      await expectUnreachable(client.migrate(), port);
      await expectUnreachable(client.runWorkflow("ns", "wf", "r", 1), port);
      await expectUnreachable(client.signalRun("ns", "wf", "r", "s", 1, "e"), port);
      await expectUnreachable(client.cancelRun("ns", "wf", "r"), port);
      await expectUnreachable(client.getRun("ns", "wf", "r"), port);
      await expectUnreachable(client.listRuns({ namespace: "ns" }), port);
      await expectUnreachable(client.awaitResult("ns", "wf", "r", { timeout: "1s" }), port);
      await expectUnreachable(
        client.consume("c", { namespace: "ns" }, async () => {}),
        port,
      );
      const iterator = client.stream({ namespace: "ns" })[Symbol.asyncIterator]();
      await expectUnreachable(iterator.next(), port);
    } finally {
      await client.close();
    }
  });

  it("gives DatabaseUnreachableError for a caller's pool and for migrate", async () => {
    const port = await freePort();
    const pool = createPool({ host: "127.0.0.1", port, user: "root" });
    const client = createClient({ pool });
    try {
      await expectUnreachable(migrate(pool), port);
      await expectUnreachable(client.getRun("ns", "wf", "r"), port);
      await expectUnreachable(client.runWorkflow("ns", "wf", "r", 1), port);
    } finally {
      await client.close();
      await pool.end();
    }
  });
});
