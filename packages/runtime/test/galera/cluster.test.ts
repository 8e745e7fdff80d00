import { createConnection, type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, MIGRATIONS, type MySqlClient, migrate, newEvent, type StepWrite } from "../../src/index.js";
import { type GaleraDatabase, galeraDatabase } from "./setup.js";

/**
 * What a Galera cluster changes for replaykit, each observed on a real 3-node cluster:
 * row locks are local to a node, a conflicting commit fails certification (1213) at COMMIT,
 * GET_LOCK is local to a node, and a node can die under a client.
 */
let g: GaleraDatabase;
const clients: MySqlClient[] = [];
const on = (node: number) => {
  const client = createClient({ uri: g.urls[node] ?? "" });
  clients.push(client);
  return client;
};

beforeAll(async () => {
  g = await galeraDatabase();
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await g?.close();
}, 120_000);

const T = Date.UTC(2030, 0, 1);
const RUNS = 60;

function step(runId: string, owner: string): StepWrite {
  return {
    key: { namespace: "race", workflow: "wf", runId },
    owner,
    iteration: 0,
    expectedVersion: 0,
    firstPos: 1,
    events: [newEvent.activityRequest("a", 0, JSON.stringify(owner), T)],
    taskWrites: [],
    taskDeletes: [],
    signalsConsumed: [],
    childStarts: [],
    signalsSent: [],
    cancelChildren: [],
    observedWakeGen: 0,
    now: T + 10,
    hasTaskRows: false,
    hold: true,
    leaseUntil: T + 60_000,
    wakeAt: null,
  };
}

describe("a Galera cluster", { timeout: 180_000 }, () => {
  /**
   * Node 0 runs a transaction as one multi-statement query; node 1 commits a conflicting
   * update while that query sleeps, which aborts node 0's transaction. Returns what node 0's
   * query answered and what stands afterwards.
   */
  async function abortMidway(statements: readonly string[], split: boolean) {
    const setup = g.poolOn(0);
    await setup.query("CREATE TABLE IF NOT EXISTS bf_rows (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    await setup.query(
      "CREATE TABLE IF NOT EXISTS bf_notes (id INT PRIMARY KEY AUTO_INCREMENT, note INT) ENGINE=InnoDB",
    );
    await setup.query("DELETE FROM bf_notes");
    await setup.query("REPLACE INTO bf_rows VALUES (1, 0), (2, 0)");
    const local = await createConnection({ uri: g.urls[0] ?? "", multipleStatements: true });
    const remote = g.poolOn(1);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const run = async () => {
        if (!split) return void (await local.query(statements.join(";\n")));
        for (const statement of statements) await local.query(statement);
      };
      const answered = run().then(
        () => "ok",
        (error: { errno?: number }) => `errno ${error.errno}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 600));
      await remote.query("UPDATE bf_rows SET v = v + 10 WHERE id = 1");
      const answer = await answered;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [rows] = await setup.query<RowDataPacket[]>("SELECT id, v FROM bf_rows ORDER BY id");
      const [notes] = await setup.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bf_notes");
      return { answer, rows: rows.map((row) => Number(row.v)), notes: Number(notes[0]?.n) };
    } finally {
      await local.end();
    }
  }

  const TRANSACTION = [
    "BEGIN",
    "UPDATE bf_rows SET v = v + 1 WHERE id = 1",
    "INSERT INTO bf_notes (note) SELECT SLEEP(2)",
    "UPDATE bf_rows SET v = v + 100 WHERE id = 2",
    "COMMIT",
  ];

  it("answers OK to a multi-statement transaction aborted midway by a replicated write, and keeps only its last statements (why steps go statement by statement there)", async () => {
    const outcome = await abortMidway(TRANSACTION, false);
    // The first update and the insert were rolled back by the abort; the update of row 2 ran
    // on without a transaction and stands; and the client was told that everything went well.
    expect(outcome.answer).toBe("ok");
    expect(outcome.notes).toBe(0);
    expect(outcome.rows[0]).toBe(10);
    expect(outcome.rows[1]).toBeGreaterThan(0);
  });

  it("reports the same abort with errno 1213 when the statements go one by one, and keeps nothing of the transaction", async () => {
    const outcome = await abortMidway(TRANSACTION, true);
    expect(outcome).toEqual({ answer: "errno 1213", rows: [10, 0], notes: 0 });
  });

  it("has the store write steps statement by statement on a node", async () => {
    expect(await on(0).store.inner.usesMultiStatementWrites()).toBe(false);
  });

  it("migrates a fresh database through all three nodes at once (GET_LOCK alone is per node)", async () => {
    const pools = [0, 1, 2].map((node) => g.poolOn(node));
    const results = await Promise.allSettled(pools.map((pool) => migrate(pool)));
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const [rows] = await pools[2]!.query("SELECT version FROM replay_migrations ORDER BY version");
    expect(rows).toEqual(MIGRATIONS.map((migration) => ({ version: migration.version })));
  });

  it("lets claimers on two nodes both lock a run, and certification leaves it to one of them", async () => {
    const [a, b] = [on(0), on(1)];
    const ids = Array.from({ length: RUNS }, (_, i) => `claim-${i}`);
    await Promise.all(ids.map((id) => a.runWorkflow("claims", "wf", id, null)));
    const claimed = new Map<string, string[]>();
    const claimAll = async (client: MySqlClient, owner: string) => {
      for (let round = 0; round < 200; round++) {
        const got = await client.store.claim({
          namespace: "claims",
          owner,
          now: Date.now(),
          leaseMs: 600_000,
          limit: 5,
          can: { workflows: ["wf"], activities: [] },
        });
        for (const run of got) claimed.set(run.runId, [...(claimed.get(run.runId) ?? []), owner]);
        if (claimed.size === RUNS) return;
      }
    };
    await Promise.all([claimAll(a, "a"), claimAll(b, "b")]);
    expect(claimed.size).toBe(RUNS);
    expect([...claimed.values()].filter((owners) => owners.length > 1)).toEqual([]);
    // Every node agrees on who holds each run: the claimer that was told it won.
    const [rows] = await g.poolOn(2).query("SELECT run_id, lease_owner FROM replay_runs WHERE namespace = 'claims'");
    const holders = (rows as { run_id: Buffer; lease_owner: Buffer }[]).map(
      (row) => [String(row.run_id), String(row.lease_owner)] as const,
    );
    expect(new Map(holders)).toEqual(new Map([...claimed].map(([runId, owners]) => [runId, owners[0]])));
  });

  it("writes exactly one of two steps fenced on the same version from two nodes", async () => {
    const [a, b] = [on(0), on(2)];
    const ids = Array.from({ length: RUNS }, (_, i) => `fence-${i}`);
    await Promise.all(ids.map((id) => a.runWorkflow("race", "wf", id, null)));
    const outcomes = await Promise.all(
      ids.map((id) => Promise.all([a.store.commit([step(id, "a")]), b.store.commit([step(id, "b")])])),
    );
    const written = outcomes.map(([[fromA], [fromB]]) => Number(fromA?.ok) + Number(fromB?.ok));
    expect(written).toEqual(ids.map(() => 1));
    const [rows] = await g
      .poolOn(1)
      .query(
        "SELECT run_id, COUNT(*) AS n FROM replay_events WHERE namespace = 'race' AND type = 'activity_request' GROUP BY run_id HAVING n <> 1",
      );
    expect(rows).toEqual([]);
  });
});

describe("a client given every node", { timeout: 180_000 }, () => {
  it("moves to the next node when its node is SIGKILLed, and back into service after the restart", async () => {
    const client = createClient({ uris: g.ringFrom(2) });
    clients.push(client);
    await client.runWorkflow("failover", "wf", "before", null);
    expect(client.store.description).toContain(`:${g.cluster.nodes[2]?.port},`);
    await g.cluster.kill(2);
    // Every call after the kill succeeds: new connections go to node 0, the next in the ring.
    for (let i = 0; i < 20; i++) await client.runWorkflow("failover", "wf", `after-${i}`, null);
    expect((await client.getRun("failover", "wf", "after-19"))?.status).toBe("running");
    await g.cluster.restart(2);
    const [rows] = await g.poolOn(2).query("SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = 'failover'");
    expect(rows).toEqual([{ n: 21 }]);
  });

  it("moves away from a node that refuses queries (errno 1047, as while it joins)", async () => {
    const client = createClient({ uris: g.ringFrom(1) });
    clients.push(client);
    await client.runWorkflow("refusal", "wf", "first", null);
    const admin = g.poolOn(1);
    await admin.query("SET GLOBAL wsrep_reject_queries = ALL");
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) {
        outcomes.push(
          await client.runWorkflow("refusal", "wf", `r-${i}`, null).then(
            () => "ok",
            (error: Error) => `${error.name} ${error.message}`,
          ),
        );
      }
      // The pooled connection to node 1 answers 1047 once (DatabaseUnreachableError); then node 2 serves.
      expect(outcomes.slice(1)).toEqual(["ok", "ok", "ok", "ok"]);
      expect(outcomes[0]).toMatch(/^DatabaseUnreachableError .*WSREP/);
      expect(outcomes.at(-1)).toBe("ok");
    } finally {
      const direct = await import("mysql2/promise").then((m) => m.createConnection({ uri: g.urls[1] ?? "" }));
      await direct.query("SET GLOBAL wsrep_reject_queries = NONE").finally(() => direct.end());
    }
  });
});
