import { createServer } from "node:net";
import {
  createScratchDatabase,
  HistoryShapeError,
  type RunHistory,
  replayHistory,
  withDatabase,
} from "@replaykit/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { replaykit, type Shop, shopWorkflows, startShop, until } from "./fixture.js";

let shop: Shop;
let env: Record<string, string>;

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"));
  env = { REPLAY_MYSQL_URL: shop.db.url };
  const { client } = shop;
  for (const i of [1, 2, 3]) await client.runWorkflow("shop", "order", `o-${i}`, { cents: i * 100 });
  await client.runWorkflow("shop", "broken", "b-1", null);
  await client.runWorkflow("shop", "flaky", "f-1", null);
  await until(async () => (await client.getRun("shop", "broken", "b-1"))?.status === "stuck", "b-1 to get stuck");
  await until(
    async () => ((await client.describeRun("shop", "flaky", "f-1"))?.waitingFor.activities[0]?.failedAttempts ?? 0) > 0,
    "f-1 to fail an attempt",
  );
  await until(
    async () => (await client.describeRun("shop", "order", "o-3"))?.waitingFor.signals.length === 1,
    "o-3 to await its signal",
  );
});
afterAll(() => shop.close());

describe("replaykit runs", () => {
  it("lists runs newest first in an aligned table, filters them, and pages with the cursor it prints", async () => {
    const listed = await replaykit(["runs", "list"], env);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^WORKFLOW\s+RUN ID\s+STATUS\s+ITER\s+CREATED\s+UPDATED\s+QUEUE\s+TAGS$/);
    expect(rows.map((row) => row.split(/\s+/)[1])).toEqual(["f-1", "b-1", "o-3", "o-2", "o-1"]);
    expect(new Set(rows.map((row) => row.indexOf(row.split(/\s+/)[2] ?? "")))).toHaveProperty("size", 1);
    const stuck = await replaykit(["runs", "list", "--status", "stuck", "--json"], env);
    expect(JSON.parse(stuck.stdout).runs.map((run: { runId: string }) => run.runId)).toEqual(["b-1"]);
    const first = await replaykit(["runs", "list", "--prefix", "o-", "--limit", "2", "--oldest-first"], env);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1] ?? "";
    const second = await replaykit(
      ["runs", "list", "--prefix", "o-", "--limit", "2", "--oldest-first", "--cursor", cursor],
      env,
    );
    expect(second.stdout).toMatch(/\so-3\s/);
    expect(second.stderr).toBe("1 run\n");
  });

  it("counts runs by status per workflow", async () => {
    const counted = await replaykit(["runs", "count", "--namespace", "shop"], env);
    expect(counted.code).toBe(0);
    expect(counted.stdout).toMatch(/^WORKFLOW\s+RUNNING\s+COMPLETED\s+FAILED\s+CANCELLED\s+STUCK\s+TERMINATED$/m);
    expect(counted.stdout).toMatch(/^broken\s+0\s+0\s+0\s+0\s+1\s+0$/m);
    expect(counted.stdout).toMatch(/^running: \d+ queued, \d+ active, \d+ waiting, \d+ paused$/m);
  });

  it("shows what a run waits for: the failing activity with its error, and the signal with its deadline", async () => {
    const flaky = await replaykit(["runs", "show", "flaky", "f-1"], env);
    expect(flaky.code).toBe(0);
    expect(flaky.stdout).toMatch(/^status\s+running/m);
    expect(flaky.stdout).toMatch(
      /activity trim#0: \d+ attempts? failed, the last with TypeError: input\.card\.trim is not a function/,
    );
    expect(flaky.stdout).toMatch(/^\s+0\s+activity trim#0\s+\+0ms\s+.*pending/m);
    const order = await replaykit(["runs", "show", "order", "o-3", "--json"], env);
    const shown = JSON.parse(order.stdout);
    expect(shown.run.waitingFor.signals[0]).toMatchObject({ signal: "warehouseReady", seq: 0 });
    expect(shown.steps.map((step: { kind: string; outcome: string }) => `${step.kind}:${step.outcome}`)).toEqual([
      "activity:completed",
      "signal:pending",
    ]);
    const stuck = await replaykit(["runs", "show", "broken", "b-1"], env);
    expect(stuck.stdout).toMatch(
      /^error\n\s+NonDeterminismError: run b-1: command charge#0 disagrees with its history/m,
    );
    expect(stuck.stdout).toMatch(/^\s+at /m);
  });

  it("sends a signal once per external id, and the run goes on; history shows every event", async () => {
    const message = JSON.stringify({ picker: "<ann>" });
    const sent = await replaykit(["signal", "order", "o-1", "warehouseReady", message, "--id", "evt-1"], env);
    expect(sent).toMatchObject({ code: 0, stdout: "signal warehouseReady sent to order/o-1\n" });
    const again = await replaykit(["signal", "order", "o-1", "warehouseReady", message, "--id", "evt-1"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/was sent to order\/o-1 before; nothing was sent/);
    await shop.client.awaitResult("shop", "order", "o-1", { timeout: "20s" });
    const history = await replaykit(["runs", "history", "order", "o-1"], env);
    const types = history.stdout
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s+/)[3]);
    expect(types).toEqual([
      "created",
      "activity_request",
      "activity_response",
      "signal_request",
      "signal_response",
      "output",
      "completed",
    ]);
    const bad = await replaykit(["signal", "order", "o-1", "warehouseReady", "{oops", "--id", "evt-2"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid message: .*Give JSON/);
  });

  it("writes with --fixture the history file replayHistory takes, and with --json the events array", async () => {
    const fixture = await replaykit(["runs", "history", "order", "o-1", "--fixture"], env);
    expect(fixture.code).toBe(0);
    const history = JSON.parse(fixture.stdout) as RunHistory;
    expect(history).toMatchObject({ namespace: "shop", workflow: "order", runId: "o-1" });
    expect(history.events.map((event) => event.type).at(-1)).toBe("completed");
    await expect(replayHistory({ workflows: shopWorkflows }, history)).resolves.toBeUndefined();
    const events = JSON.parse((await replaykit(["runs", "history", "order", "o-1", "--json"], env)).stdout);
    expect(events).toEqual(history.events);
    await expect(replayHistory({ workflows: shopWorkflows }, events)).rejects.toBeInstanceOf(HistoryShapeError);
  });

  it("cancels, resumes and forks, and says with exit code 1 when a run refuses", async () => {
    expect((await replaykit(["runs", "cancel", "order", "o-2"], env)).code).toBe(0);
    const twice = await replaykit(["runs", "cancel", "order", "o-2"], env);
    expect(twice.code).toBe(1);
    const resumed = await replaykit(["runs", "resume", "broken", "b-1", "--json"], env);
    expect(JSON.parse(resumed.stdout)).toEqual({ ok: true, workflow: "broken", runId: "b-1" });
    const notStuck = await replaykit(["runs", "resume", "order", "o-3"], env);
    expect(notStuck.code).toBe(1);
    expect(notStuck.stderr).toMatch(/cannot resume run o-3: it is running/);
    const fork = ["runs", "fork", "order", "o-1", "--new-run-id", "o-1-again", "--from-step", "1"];
    expect((await replaykit(fork, env)).code).toBe(0);
    expect((await replaykit(fork, env)).code).toBe(1);
    const forked = await shop.client.getHistory("shop", "order", "o-1-again");
    expect(forked.map((event) => event.type).slice(0, 3)).toEqual(["created", "activity_request", "activity_response"]);
    expect((await replaykit(["runs", "show", "order", "nobody"], env)).code).toBe(1);
  });

  it("purges ended runs before a time and keeps the others", async () => {
    await shop.client.awaitResult("shop", "order", "o-2", { timeout: "20s" }).catch(() => undefined);
    const purged = await replaykit(["runs", "purge", "--ended-before", "0s", "--batch-size", "1"], env);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(/^purged 2 runs \(completed, failed, cancelled or terminated, ended before /);
    expect(purged.stderr).toContain("purged 1 run so far\npurged 2 runs so far\n");
    expect(await shop.client.getRun("shop", "order", "o-1")).toBeUndefined();
    expect(await shop.client.getRun("shop", "order", "o-3")).toBeDefined();
    const missing = await replaykit(["runs", "purge"], env);
    expect(missing.code).toBe(2);
  });
});

describe("replaykit schedules", () => {
  it("lists, pauses, resumes and triggers a schedule, and lists the run a trigger started as its last run", async () => {
    await shop.client.createSchedule("shop", { id: "nightly", workflow: "flaky", cron: "0 3 * * *", input: null });
    const listed = await replaykit(["schedules", "list"], env);
    expect(listed.stdout).toMatch(/^nightly\s+flaky\s+0 3 \* \* \*\s+UTC\s+active\s/m);
    expect((await replaykit(["schedules", "pause", "nightly"], env)).stdout).toBe("schedule nightly paused\n");
    expect((await replaykit(["schedules", "list"], env)).stdout).toMatch(/^nightly\s.*\spaused\s/m);
    expect((await replaykit(["schedules", "resume", "nightly"], env)).code).toBe(0);
    const triggered = await replaykit(["schedules", "trigger", "nightly", "--json"], env);
    const { runId } = JSON.parse(triggered.stdout);
    expect(runId).toMatch(/^nightly@\d{4}-/);
    expect(await shop.client.getRun("shop", "flaky", runId)).toBeDefined();
    const last = await replaykit(["schedules", "list"], env);
    const row = last.stdout.split("\n").find((line) => line.startsWith("nightly "));
    expect(row?.split(/\s{2,}/)).toContain(runId);
    expect((await replaykit(["schedules", "pause", "nope"], env)).code).toBe(1);
  });

  it("deletes a schedule with --yes, and asks for it where no one can answer", async () => {
    await shop.client.createSchedule("shop", { id: "weekly", workflow: "flaky", cron: "0 3 * * 1", input: null });
    const asked = await replaykit(["schedules", "delete", "weekly"], env);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/add --yes to delete it without asking/);
    const deleted = await replaykit(["schedules", "delete", "weekly", "--yes", "--json"], env);
    expect(JSON.parse(deleted.stdout)).toEqual({ ok: true, id: "weekly" });
    expect((await shop.client.listSchedules("shop")).map((schedule) => schedule.id)).not.toContain("weekly");
    const again = await replaykit(["schedules", "delete", "weekly", "--yes"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/schedule weekly does not exist in namespace shop/);
  });
});

describe("replaykit ui", () => {
  it("names a port in use and what to pass instead, exits 2, and prints no stack trace", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const address = taken.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const busy = await replaykit(["ui", "--port", String(port)], env);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toBe(
        `replaykit: cannot serve the inspector on 127.0.0.1:${port}: port ${port} is in use (another replaykit ui, or another program); pass --port 0 for any free port, or another port such as --port ${port + 1} (startInspector({ port }) in code)\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe("replaykit's expected failures", () => {
  it("each print one line that says what to do, with its exit code, and never a stack trace", async () => {
    const server = inject("mysqlUrl");
    const empty = await createScratchDatabase(server, "cli_empty");
    const stranger = new URL(shop.db.url);
    stranger.username = "nobody";
    stranger.password = "wrong";
    const db = ["--db", shop.db.url];
    const cases: [string[], number, RegExp][] = [
      [["runs", "list"], 2, /no database: pass --db/],
      [["runs", "list", "--db", "notaurl"], 2, /invalid database URL "notaurl"/],
      [["runs", "list", "--db", "mysql://root@127.0.0.1:1/none"], 3, /cannot reach MySQL at 127\.0\.0\.1:1/],
      [["runs", "list", "--db", stranger.toString()], 3, /refused the login/],
      [["runs", "list", "--db", withDatabase(server, "no_such_db")], 3, /has no database "no_such_db"/],
      [["runs", "list", "--db", empty.url], 3, /replaykit's tables are missing/],
      [["runs", "list", ...db, "--table-prefix", "bad prefix"], 2, /invalid table prefix "bad prefix"/],
      [["runs", "list", ...db, "--cursor", "garbage"], 2, /invalid cursor "garbage"/],
      [["runs", "list", ...db, "--limit", "0"], 2, /invalid --limit "0"/],
      [["runs", "list", ...db, "--created-after", "yesterday"], 2, /invalid --created-after "yesterday"/],
      [["runs", "frobnicate", ...db], 2, /unknown command 'frobnicate'/],
      [["runs", "show", "order", "nobody", ...db], 1, /no run order\/nobody in namespace shop/],
      [["runs", "history", "order", "nobody", ...db, "--fixture"], 1, /no run order\/nobody/],
      [["runs", "history", "order", "o-3", ...db, "--iteration", "x"], 2, /invalid --iteration "x"/],
      [["runs", "cancel", "order", "nobody", ...db], 1, /no run shop\/order\/nobody/],
      [["runs", "resume", "order", "o-3", ...db], 1, /cannot resume run o-3: it is running/],
      [["runs", "fork", "order", "o-3", ...db], 2, /runs fork needs --new-run-id/],
      [["runs", "fork", "order", "o-3", ...db, "--new-run-id", ""], 2, /invalid runId ""/],
      [["runs", "purge", ...db], 2, /runs purge needs --ended-before/],
      [["runs", "purge", ...db, "--ended-before", "1d", "--status", "running"], 2, /deletes ended runs only/],
      [["signal", "order", "o-3", "warehouseReady", "{}", ...db], 2, /signal needs --id/],
      [["signal", "order", "o-3", "warehouseReady", "{oops", ...db, "--id", "x"], 2, /invalid message/],
      [["schedules", "trigger", "nope", ...db], 1, /no schedule "nope" in namespace "shop"/],
      [["ui", ...db, "--port", "99999"], 2, /invalid --port "99999"/],
      [["ui", ...db, "--host", "10.255.255.1", "--port", "0"], 2, /needs a token of your own/],
      [
        [
          "ui",
          ...db,
          "--host",
          "10.255.255.1",
          "--port",
          "0",
          "--token",
          "a-token-of-our-own",
          "--allow-host",
          "ops.example.com",
        ],
        2,
        /"10\.255\.255\.1" is no address of this machine/,
      ],
    ];
    try {
      for (const [args, code, message] of cases) {
        const result = await replaykit(args, {});
        const what = `replaykit ${args.join(" ")}\n${result.stderr}`;
        expect(result.code, what).toBe(code);
        expect(result.stderr, what).toMatch(message);
        expect(result.stderr, what).not.toMatch(/^\s+at /m);
        expect(result.stderr, what).not.toContain("unexpected error");
      }
    } finally {
      await empty.drop();
    }
  });
});

describe("replaykit's exit codes", () => {
  it("is 2 without a database or with a bad flag, and 3 when the database cannot be reached", async () => {
    const none = await replaykit(["runs", "list"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no database: pass --db mysql:\/\/.* or set REPLAY_MYSQL_URL/);
    expect((await replaykit(["runs", "list", "--status", "lost"], env)).code).toBe(2);
    expect((await replaykit(["runs", "frobnicate"], env)).code).toBe(2);
    const down = await replaykit(["runs", "list", "--db", "mysql://root@127.0.0.1:1/none"]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach MySQL at 127\.0\.0\.1:1/);
  });

  it("prints errors as JSON on stderr with --json: the code, the message and the exit code", async () => {
    const errorOf = (stderr: string) => JSON.parse(stderr.trim());
    const missing = await replaykit(["runs", "show", "order", "nobody", "--json"], env);
    expect(missing.code).toBe(1);
    expect(errorOf(missing.stderr)).toMatchObject({ ok: false, error: { code: "CLI_REFUSED" }, exitCode: 1 });
    const bad = await replaykit(["runs", "list", "--status", "lost", "--json"], env);
    expect(errorOf(bad.stderr)).toMatchObject({
      error: { code: "CLI_USAGE", message: /invalid --status "lost"/ },
      exitCode: 2,
    });
    const unknown = await replaykit(["runs", "frobnicate", "--json"], env);
    expect(unknown.code).toBe(2);
    expect(errorOf(unknown.stderr)).toMatchObject({ error: { code: "CLI_USAGE" }, exitCode: 2 });
    const down = await replaykit(["runs", "list", "--json", "--db", "mysql://root@127.0.0.1:1/none"]);
    expect(errorOf(down.stderr)).toMatchObject({ error: { code: "DATABASE_UNREACHABLE" }, exitCode: 3 });
  });
});
