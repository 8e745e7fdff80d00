import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ReplaykitIo } from "../../src/replaykit/io.js";
import { main } from "../../src/replaykit/main.js";
import { replaykit, type Shop, startShop, until } from "./fixture.js";

/* The run controls and bulk actions of `replaykit`, against a real MariaDB with a live worker. */

let shop: Shop;
let env: Record<string, string>;

beforeAll(async () => {
  shop = await startShop(inject("mysqlUrl"), "ops");
  env = { REPLAY_MYSQL_URL: shop.db.url };
  const { client } = shop;
  await client.runWorkflow("ops", "order", "o-1", { cents: 100 }, { tags: { customer: "c-1", plan: "pro" } });
  await client.runWorkflow("ops", "order", "o-2", { cents: 200 }, { tags: { customer: "c-2", attempt: 3 } });
  await client.runWorkflow("ops", "broken", "b-1", null, { tags: { customer: "c-1" } });
  for (const runId of ["o-1", "o-2"]) {
    await until(
      async () => (await client.describeRun("ops", "order", runId))?.waitingFor.signals.length === 1,
      `${runId} to await its signal`,
    );
  }
  await until(async () => (await client.getRun("ops", "broken", "b-1"))?.status === "stuck", "b-1 to get stuck");
});
afterAll(() => shop.close());

describe("replaykit runs with tags", () => {
  it("filters runs list and runs count by every --tag given, and shows the tags in a TAGS column", async () => {
    const listed = await replaykit(["runs", "list", "--tag", "customer=c-1"], env);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split("\n");
    expect(header).toMatch(/\sQUEUE\s+TAGS$/);
    expect(rows.map((row) => row.split(/\s+/)[1])).toEqual(["b-1", "o-1"]);
    expect(rows[1]).toMatch(/\scustomer=c-1 plan=pro$/);
    const both = await replaykit(["runs", "list", "--tag", "customer=c-1", "--tag", "plan=pro", "--json"], env);
    expect(JSON.parse(both.stdout).runs.map((run: { runId: string }) => run.runId)).toEqual(["o-1"]);
    const typed = await replaykit(["runs", "list", "--tag", "attempt:=3", "--json"], env);
    expect(JSON.parse(typed.stdout).runs.map((run: { runId: string }) => run.runId)).toEqual(["o-2"]);
    const text = await replaykit(["runs", "list", "--tag", "attempt=3"], env);
    expect(text.stderr).toBe("no runs in namespace ops match\n");
    const counted = await replaykit(["runs", "count", "--tag", "customer=c-1", "--json"], env);
    expect(JSON.parse(counted.stdout).workflows).toEqual({ order: { running: 1 }, broken: { stuck: 1 } });
  });
});

describe("replaykit runs pause|unpause|terminate|reset", () => {
  it("pauses and unpauses a run, and refuses with exit code 1 what changes nothing", async () => {
    const paused = await replaykit(["runs", "pause", "order", "o-1"], env);
    expect(paused).toMatchObject({ code: 0, stderr: "" });
    expect(paused.stdout).toMatch(/^run order\/o-1 paused: it takes no new step until/);
    expect((await shop.client.getRun("ops", "order", "o-1"))?.paused).toBe(true);
    const again = await replaykit(["runs", "pause", "order", "o-1"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("replaykit: run order/o-1 was not paused: it is paused already\n");
    const counted = await replaykit(["runs", "count"], env);
    expect(counted.stdout).toMatch(/^running: \d+ queued, \d+ active, \d+ waiting, 1 paused$/m);
    const unpaused = await replaykit(["runs", "unpause", "order", "o-1", "--json"], env);
    expect(JSON.parse(unpaused.stdout)).toEqual({ ok: true, workflow: "order", runId: "o-1", paused: false });
    expect((await replaykit(["runs", "unpause", "order", "o-1"], env)).code).toBe(1);
  });

  it("terminates a stuck run with its reason, and refuses a run that has ended", async () => {
    await shop.client.runWorkflow("ops", "broken", "b-2", null);
    await until(async () => (await shop.client.getRun("ops", "broken", "b-2"))?.status === "stuck", "b-2 to get stuck");
    const ended = await replaykit(["runs", "terminate", "broken", "b-2", "--reason", "replaced by b-3"], env);
    expect(ended.stdout).toBe("run broken/b-2 terminated: replaced by b-3\n");
    const run = await shop.client.getRun("ops", "broken", "b-2");
    expect(run?.status).toBe("terminated");
    expect(run?.error?.message).toContain("replaced by b-3");
    const twice = await replaykit(["runs", "terminate", "broken", "b-2"], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/was not terminated: it had ended \(terminated\)/);
    expect((await replaykit(["runs", "list", "--status", "terminated", "--json"], env)).stdout).toContain('"b-2"');
  });

  it("resets a run under the same id to a step, or to its first failure, and keeps the old iteration", async () => {
    const reset = await replaykit(["runs", "reset", "order", "o-2", "--to-step", "1", "--json"], env);
    expect(JSON.parse(reset.stdout)).toEqual({ ok: true, workflow: "order", runId: "o-2", toStep: 1, iteration: 1 });
    await until(
      async () => (await shop.client.describeRun("ops", "order", "o-2"))?.waitingFor.signals.length === 1,
      "o-2 to await its signal again",
    );
    const old = await shop.client.getHistory("ops", "order", "o-2", { iteration: 0 });
    expect(old.map((event) => event.type)).toContain("activity_request");
    // A stuck run has no failed step: --first-failure reuses every recorded step.
    const stuck = await replaykit(["runs", "reset", "broken", "b-1", "--first-failure"], env);
    expect(stuck).toMatchObject({
      code: 0,
      stdout: "run broken/b-1 reset to step 1: iteration 1 starts, reusing steps 0..0\n",
    });
    expect((await shop.client.getRun("ops", "broken", "b-1"))?.iteration).toBe(1);
  });
});

describe("replaykit bulk", () => {
  it("acts on every run the filter selects in rounds, with a line per round, and a rerun of its batch does nothing twice", async () => {
    for (let i = 0; i < 150; i++) {
      await shop.client.runWorkflow("ops", "parked", `p-${i}`, null, { tags: { customer: "c-9" } });
    }
    const asked = await replaykit(["bulk", "cancel", "--tag", "customer=c-9"], env);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toBe(
      "replaykit: bulk asks before it acts, and no one can answer here: add --yes to cancel 150 runs of namespace ops (tag customer=c-9)\n",
    );
    const args = ["bulk", "cancel", "--tag", "customer=c-9", "--status", "running", "--batch-id", "b-c9", "--yes"];
    const cancelled = await replaykit(args, env);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stderr).toBe(
      [
        "batch b-c9: if it is cut short, run the same command with --batch-id b-c9 to go on",
        "100/150 runs (100 done, 0 skipped, 0 failed)",
        "150/150 runs (150 done, 0 skipped, 0 failed)",
        "",
      ].join("\n"),
    );
    expect(cancelled.stdout).toBe("bulk cancel: 150/150 runs (150 done, 0 skipped, 0 failed), batch b-c9\n");
    const counts = await shop.client.countRuns({ namespace: "ops", tags: { customer: "c-9" } });
    expect(counts.statuses).toEqual({ cancelled: 150 });
    const rerun = await replaykit([...args, "--json"], env);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      ok: true,
      action: "cancel",
      batchId: "b-c9",
      matched: 150,
      done: 150,
    });
  });

  it("lists each run it failed on with the reason, and exits 1", async () => {
    const resumed = await replaykit(["bulk", "resume", "--workflow", "order", "--yes", "--json"], env);
    expect(resumed.code).toBe(1);
    const result = JSON.parse(resumed.stdout);
    expect(result).toMatchObject({ ok: false, action: "resume", matched: 2, done: 0, failed: 2 });
    expect(result.failures[0].reason).toMatch(/it is running/);
    expect(JSON.parse(resumed.stderr)).toMatchObject({ error: { code: "CLI_REFUSED" }, exitCode: 1 });
    const people = await replaykit(["bulk", "resume", "--workflow", "order", "--prefix", "o-1", "--yes"], env);
    expect(people.stdout).toMatch(
      /^bulk resume: 1\/1 runs \(0 done, 0 skipped, 1 failed\), batch \S+\n {2}failed order\/o-1: .*it is running/,
    );
    expect(people.stderr).toMatch(/replaykit: bulk resume failed on 1 of 1 run: see the reasons above\n$/);
  });

  it("asks with the count first, does nothing when not confirmed, and draws a bar on a terminal", async () => {
    for (let i = 0; i < 5; i++)
      await shop.client.runWorkflow("ops", "parked", `q-${i}`, null, { tags: { customer: "c-8" } });
    const questions: string[] = [];
    const bars: string[] = [];
    const terminal = (answer: boolean): ReplaykitIo => ({
      out: () => {},
      err: () => {},
      env,
      confirm: async (question) => {
        questions.push(question);
        return answer;
      },
      status: (line) => bars.push(line),
    });
    expect(await main(["bulk", "pause", "--tag", "customer=c-8"], terminal(false))).toBe(1);
    expect(questions).toEqual(["pause 5 runs of namespace ops (tag customer=c-8)?"]);
    expect((await shop.client.countRuns({ namespace: "ops", tags: { customer: "c-8" } })).paused).toBe(0);
    expect(await main(["bulk", "pause", "--tag", "customer=c-8"], terminal(true))).toBe(0);
    expect(bars).toEqual([`[${"█".repeat(20)}] 100% 5/5 runs (5 done, 0 skipped, 0 failed)`, ""]);
    expect((await shop.client.countRuns({ namespace: "ops", tags: { customer: "c-8" } })).paused).toBe(5);
  });

  it("says when no run matches, and does nothing", async () => {
    const none = await replaykit(["bulk", "terminate", "--tag", "customer=nobody"], env);
    expect(none).toMatchObject({ code: 0, stdout: "" });
    expect(none.stderr).toBe("no runs in namespace ops match (tag customer=nobody); nothing to do\n");
  });
});

describe("replaykit's expected failures of run controls and bulk actions", () => {
  it("each print one line that says what to do, with its exit code, and never a stack trace", async () => {
    const cases: [string[], number, RegExp][] = [
      [["runs", "pause", "order", "nobody"], 1, /no run ops\/order\/nobody/],
      [["runs", "terminate", "order", "nobody"], 1, /no run ops\/order\/nobody/],
      [["runs", "reset", "order", "o-1"], 2, /runs reset needs one of --to-step <n> .* or --first-failure/],
      [["runs", "reset", "order", "o-1", "--to-step", "x"], 2, /invalid --to-step "x"/],
      [["runs", "list", "--tag", "customer"], 2, /invalid --tag "customer": use key=value/],
      [["runs", "count", "--tag", "n:=[1]"], 2, /invalid --tag "n:=\[1\]": after := give a JSON number/],
      [["bulk", "frobnicate", "--yes"], 2, /invalid action "frobnicate": use one of cancel, terminate/],
      [["bulk", "signal", "--yes"], 2, /bulk signal needs --signal <name> and --message <json>/],
      [["bulk", "cancel", "--reason", "x", "--yes"], 2, /--reason is for bulk terminate, not bulk cancel/],
      [["bulk", "signal", "--signal", "s", "--message", "{oops", "--yes"], 2, /invalid --message/],
      [["bulk", "resume", "--status", "lost", "--yes"], 2, /invalid --status "lost"/],
    ];
    for (const [args, code, message] of cases) {
      const result = await replaykit(args, env);
      const what = `replaykit ${args.join(" ")}\n${result.stderr}`;
      expect(result.code, what).toBe(code);
      expect(result.stderr, what).toMatch(message);
      expect(result.stderr, what).not.toMatch(/^\s+at /m);
      expect(result.stderr, what).not.toContain("unexpected error");
    }
  });
});
