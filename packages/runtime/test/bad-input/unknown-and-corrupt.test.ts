import type { RowDataPacket } from "mysql2/promise";
import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { useEngineDatabase, waitFor } from "../support/helpers.js";

const env = useEngineDatabase();

const double = async (_ctx: ActivityContext, _backends: unknown, n: number) => n * 2;
const twice = async (ctx: RunContext, n: number) => (await ctx.execActivity("double", n)) as number;

async function statusOf(namespace: string, workflow: string, runId: string) {
  return (await env.client.getRun(namespace, workflow, runId))?.status;
}

describe("a run written by another deployment (a rolling deploy)", () => {
  it("of a workflow this worker does not have is left to a worker that has it, while other runs complete", async () => {
    const old = await env.worker({ namespace: "unknown-wf", workflows: { twice }, activities: { double } });
    await env.client.runWorkflow("unknown-wf", "ghost", "g1", 1);
    await env.client.runWorkflow("unknown-wf", "twice", "ok1", 21);
    expect(await env.client.awaitResult("unknown-wf", "twice", "ok1", { timeout: "20s" })).toBe(42);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await statusOf("unknown-wf", "ghost", "g1")).toBe("running");
    expect((await env.client.getHistory("unknown-wf", "ghost", "g1")).map((event) => event.type)).toEqual(["created"]);
    expect(old.stats.claims).toBeLessThan(10); // it does not spin on a run it cannot take
    const ghost = async (ctx: RunContext, n: number) => (await ctx.execActivity("double", n)) as number;
    await env.worker({ namespace: "unknown-wf", workflows: { twice, ghost }, activities: { double } });
    expect(await env.client.awaitResult("unknown-wf", "ghost", "g1", { timeout: "20s" })).toBe(2);
  });

  it("waiting for an activity this worker does not have is left to a worker that has it", async () => {
    // Deployment A knows "enrich"; its first attempt fails, so the run waits for a retry in the database.
    let enrichWorks = false;
    const withEnrich = async (ctx: RunContext, n: number) => ctx.execActivity("enrich", n);
    const enrich = {
      fn: async (_ctx: ActivityContext, _b: unknown, n: number) => {
        if (!enrichWorks) throw new Error("not yet");
        return n + 100;
      },
      retry: { initialInterval: 500 },
    };
    const a = await env.worker({ namespace: "unknown-act", workflows: { flow: withEnrich }, activities: { enrich } });
    await env.client.runWorkflow("unknown-act", "flow", "u1", 1);
    await waitFor(async () => (await taskAttempts("unknown-act", "u1")) >= 1, 20_000, "a failed first attempt");
    await a.stop();

    // Deployment B has the workflow but not the activity: it leaves the run, and runs others.
    const b = await env.worker({
      namespace: "unknown-act",
      workflows: { flow: withEnrich, twice },
      activities: { double },
    });
    await env.client.runWorkflow("unknown-act", "twice", "ok2", 4);
    expect(await env.client.awaitResult("unknown-act", "twice", "ok2", { timeout: "20s" })).toBe(8);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await statusOf("unknown-act", "flow", "u1")).toBe("running");
    expect(b.stats.claims).toBeLessThan(10);

    // A worker with the activity takes it further.
    enrichWorks = true;
    await env.worker({ namespace: "unknown-act", workflows: { flow: withEnrich }, activities: { enrich } });
    expect(await env.client.awaitResult("unknown-act", "flow", "u1", { timeout: "20s" })).toBe(101);
  });
});

async function taskAttempts(namespace: string, runId: string): Promise<number> {
  const [rows] = await env.client.pool.query<RowDataPacket[]>(
    "SELECT attempt FROM replay_tasks WHERE namespace = ? AND run_id = ?",
    [namespace, runId],
  );
  return Number(rows[0]?.attempt ?? 0);
}

describe("a corrupt payload row", () => {
  it("parks the run that replays it with a CorruptPayloadError naming the event, while other runs complete", async () => {
    const flow = async (ctx: RunContext, n: number) => {
      const doubled = (await ctx.execActivity("double", n)) as number;
      const extra = (await ctx.awaitSignal("more", "1h")) as number;
      return doubled + extra;
    };
    // No cache: the run is rebuilt from its stored history when it wakes.
    await env.worker({ namespace: "corrupt", workflows: { flow }, activities: { double }, cacheSize: 0 });
    await env.client.runWorkflow("corrupt", "flow", "bad", 1);
    await env.client.runWorkflow("corrupt", "flow", "good", 2);
    await waitFor(async () => (await signalRequests("corrupt")) === 2, 20_000, "both runs waiting for the signal");

    await env.client.pool.query(
      `UPDATE replay_events SET payload = '{"result": 2, oops' WHERE namespace = 'corrupt' AND run_id = 'bad'
          AND type = 'activity_response'`,
    );
    await env.client.signalRun("corrupt", "flow", "bad", "more", 1, "m1");
    await env.client.signalRun("corrupt", "flow", "good", "more", 1, "m1");
    expect(await env.client.awaitResult("corrupt", "flow", "good", { timeout: "20s" })).toBe(5);
    await waitFor(async () => (await statusOf("corrupt", "flow", "bad")) === "stuck", 20_000, "bad parked");
    const run = await env.client.getRun("corrupt", "flow", "bad");
    expect(run?.error?.name).toBe("CorruptPayloadError");
    expect(run?.error?.message).toContain("activity_response double#0");
    expect(run?.error?.message).toContain("run bad");
    expect(run?.error?.message).toContain("not valid JSON");
  });
});

async function signalRequests(namespace: string): Promise<number> {
  const [rows] = await env.client.pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM replay_events WHERE namespace = ? AND type = 'signal_request'",
    [namespace],
  );
  return Number(rows[0]?.n);
}
