import { describe, expect, it } from "vitest";
import { UpdateRejectedError } from "../../src/index.js";
import { historyOf, shape, waitFor } from "../support/helpers.js";
import { WorkerProcess } from "./children.js";
import type { ChildConfig } from "./config.js";
import { loadExecutions } from "./executions.js";
import { useProcessDatabase } from "./setup.js";

const env = useProcessDatabase();

function config(namespace: string, identity: string): ChildConfig {
  return { url: env.db.url, namespace, identity, leaseMs: 1500 };
}

/** This test's process runs no worker: every update and query it sends rides the store to a worker process. */
describe("updates and queries across processes", { timeout: 180_000 }, () => {
  it("are answered by a worker process to a caller in another process", async () => {
    const ns = "talk";
    const worker = await WorkerProcess.start(config(ns, "t0"));
    await env.client.runWorkflow(ns, "account", "a1", 100);
    const deposit = (amount: number) =>
      env.client.executeUpdate(ns, "account", "a1", "deposit", { amount, ms: 0 }, { timeout: "30s" });
    expect(await deposit(5)).toBe(105);
    await expect(deposit(-5)).rejects.toThrow(UpdateRejectedError);
    expect(await env.client.queryRun(ns, "account", "a1", "balance", null, { timeout: "30s" })).toBe(105);
    const handle = await env.client.startUpdate(
      ns,
      "account",
      "a1",
      "deposit",
      { amount: 1, ms: 0 },
      { timeout: "30s" },
    );
    expect(await handle.result({ timeout: "30s" })).toBe(106);
    await env.client.executeUpdate(ns, "account", "a1", "close", null, { timeout: "30s" });
    expect(await env.client.awaitResult(ns, "account", "a1", { timeout: "30s" })).toBe(106);
    expect((await worker.terminate()).code).toBe(0);
    expect(worker.unhandled).toEqual([]);
  });

  it("accepted before its worker is SIGKILLed, an update completes on another worker and its waiting caller gets the answer (worker_restart)", async () => {
    const ns = "talk-kill";
    const victim = await WorkerProcess.start(config(ns, "k0"));
    await env.client.runWorkflow(ns, "account", "a1", 0);
    const key = { namespace: ns, workflow: "account", runId: "a1" };
    const answer = env.client.executeUpdate(
      ns,
      "account",
      "a1",
      "deposit",
      { amount: 7, ms: 2500 },
      { updateId: "d1" },
    );
    await waitFor(
      async () => (await loadExecutions(env.db.pool)).some((e) => e.runId === "a1" && e.worker === "k0"),
      60_000,
      "the deposit's activity to start on k0",
    );
    expect(await env.client.store.readRequest(key, "d1")).toMatchObject({ status: "accepted" });
    await victim.kill();
    const successor = await WorkerProcess.start(config(ns, "k1"));
    expect(await answer).toBe(7);
    const events = shape(await historyOf(env.client, ns, "account", "a1"));
    expect(events.filter((event) => event.startsWith("update_"))).toEqual([
      "update_accepted deposit#0",
      "update_completed deposit#0",
    ]);
    // The same call again gets the first outcome, and nothing runs.
    expect(
      await env.client.executeUpdate(ns, "account", "a1", "deposit", { amount: 7, ms: 0 }, { updateId: "d1" }),
    ).toBe(7);
    expect(await env.client.queryRun(ns, "account", "a1", "balance", null, { timeout: "30s" })).toBe(7);
    expect((await successor.terminate()).code).toBe(0);
    expect(successor.unhandled).toEqual([]);
  });
});
