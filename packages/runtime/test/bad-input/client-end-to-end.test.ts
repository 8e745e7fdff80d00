import type { RowDataPacket } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { historyOf, useEngineDatabase, waitFor } from "../support/helpers.js";

const env = useEngineDatabase();

const HOSTILE = [
  "it's",
  'say "hi"',
  "back\\slash\\",
  "'; DROP TABLE replay_runs; --",
  "\" OR 1=1; DELETE FROM replay_events WHERE '1'='1",
  "emoji 😀𝄞",
  "%_*?\u0000nul",
];

describe("hostile names and payloads through a worker", () => {
  it("run to completion with run ids, signal names, external ids and payloads stored and returned verbatim", async () => {
    const seen: string[] = [];
    const flow = async (ctx: RunContext, input: { text: string }) => {
      const echoed = (await ctx.execActivity("echo", input.text)) as string;
      const message = await ctx.awaitSignal("s'😀\\", "1h");
      await ctx.emitOutput('o"; --', { echoed });
      return { runId: ctx.runId, echoed, message };
    };
    await env.worker({
      namespace: "hostile'ns😀",
      workflows: { "wf\\'\"": flow },
      activities: {
        echo: async (ctx: ActivityContext, _backends: unknown, text: string) => {
          seen.push(ctx.runId);
          return text;
        },
      },
    });
    for (const id of HOSTILE) {
      expect(await env.client.runWorkflow("hostile'ns😀", "wf\\'\"", id, { text: id })).toBe(true);
      expect(await env.client.signalRun("hostile'ns😀", "wf\\'\"", id, "s'😀\\", { id }, id)).toBe(true);
    }
    for (const id of HOSTILE) {
      const result = await env.client.awaitResult("hostile'ns😀", "wf\\'\"", id, { timeout: "20s" });
      expect(result).toEqual({ runId: id, echoed: id, message: { id } });
      const events = await historyOf(env.client, "hostile'ns😀", "wf\\'\"", id);
      expect(events.find((event) => event.type === "output")?.target).toBe('o"; --');
    }
    expect(seen.sort()).toEqual([...HOSTILE].sort());
    // The tables are all still there, and hold exactly these runs.
    const [rows] = await env.client.pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM replay_runs WHERE namespace = ? AND status = 'completed'",
      ["hostile'ns😀"],
    );
    expect(Number(rows[0]?.n)).toBe(HOSTILE.length);
  });
});

describe("a signal to a workflow no worker knows", () => {
  it("is kept unconsumed without creating a run, and the namespace's other runs still complete", async () => {
    const double = async (_ctx: ActivityContext, _backends: unknown, n: number) => n * 2;
    const twice = async (ctx: RunContext, n: number) => ctx.execActivity("double", n);
    await env.worker({ namespace: "signals-nowhere", workflows: { twice }, activities: { double } });
    expect(await env.client.signalRun("signals-nowhere", "ghost", "g1", "poke", { a: 1 }, "e1")).toBe(true);
    expect(await env.client.signalRun("signals-nowhere", "ghost", "g1", "poke", { a: 1 }, "e1")).toBe(false);
    expect(await env.client.signalRun("signals-nowhere", "twice", "never-started", "poke", 1, "e1")).toBe(true);
    await env.client.runWorkflow("signals-nowhere", "twice", "ok", 5);
    expect(await env.client.awaitResult("signals-nowhere", "twice", "ok", { timeout: "20s" })).toBe(10);

    expect(await env.client.getRun("signals-nowhere", "ghost", "g1")).toBeUndefined();
    expect(await env.client.getRun("signals-nowhere", "twice", "never-started")).toBeUndefined();
    const [rows] = await env.client.pool.query<RowDataPacket[]>(
      "SELECT workflow, run_id, payload, consumed_iteration FROM replay_signals WHERE namespace = 'signals-nowhere' ORDER BY id",
    );
    expect(
      rows.map((row) => [String(row.workflow), String(row.run_id), String(row.payload), row.consumed_iteration]),
    ).toEqual([
      ["ghost", "g1", '{"a":1}', null],
      ["twice", "never-started", "1", null],
    ]);
  });

  it("is delivered once the run of that workflow starts on a worker that knows it", async () => {
    const wait = async (ctx: RunContext) => ctx.awaitSignal("late", "1h");
    expect(await env.client.signalRun("signals-later", "arrives", "a1", "late", "early bird", "e1")).toBe(true);
    await env.client.runWorkflow("signals-later", "arrives", "a1", null);
    await env.worker({ namespace: "signals-later", workflows: { arrives: wait }, activities: {} });
    await waitFor(async () => (await env.client.getRun("signals-later", "arrives", "a1"))?.status === "completed");
    expect(await env.client.awaitResult("signals-later", "arrives", "a1", { timeout: "20s" })).toBe("early bird");
  });
});
