import { describe, expect, it } from "vitest";
import { waitFor } from "../support/helpers.js";
import { tokenIdOf } from "../waits/support.js";
import { WorkerProcess } from "./children.js";
import type { ChildConfig } from "./config.js";
import { loadExecutions } from "./executions.js";
import { useProcessDatabase } from "./setup.js";

const LEASE_MS = 1500;
const env = useProcessDatabase();

function config(namespace: string, identity: string, extra: Partial<ChildConfig> = {}): ChildConfig {
  return { url: env.db.url, namespace, identity, leaseMs: LEASE_MS, ...extra };
}

describe("tokens and events across processes", { timeout: 120_000 }, () => {
  it("a token completed by this process resumes the run a worker process awaits it in", async () => {
    const ns = "tok-procs";
    const worker = await WorkerProcess.start(config(ns, "w-tok"));
    await env.client.runWorkflow(ns, "approval", "a1", { holdMs: 0 });
    const id = await tokenIdOf(env.client, ns, "approval", "a1");
    expect(await env.client.completeToken(id, { by: "another process" })).toBe(true);
    expect(await env.client.awaitResult(ns, "approval", "a1", { timeout: "30s" })).toEqual({
      id,
      value: { by: "another process" },
    });
    expect((await worker.terminate()).code).toBe(0);
    expect(worker.unhandled).toEqual([]);
  });

  it("a worker SIGKILLed between creating a token and awaiting it leaves the token to the next, same id", async () => {
    const ns = "tok-kill";
    const victim = await WorkerProcess.start(config(ns, "w-victim"));
    await env.client.runWorkflow(ns, "approval", "k1", { holdMs: 60_000, holdOn: "w-victim" });
    const id = await tokenIdOf(env.client, ns, "approval", "k1");
    await waitFor(async () => (await loadExecutions(env.db.pool)).some((e) => e.runId === "k1"), 30_000, "notify");
    expect((await victim.kill()).signal).toBe("SIGKILL");
    // Completed while no worker holds the run: kept until the next worker awaits it.
    expect(await env.client.completeToken(id, "approved")).toBe(true);
    const heir = await WorkerProcess.start(config(ns, "w-heir"));
    expect(await env.client.awaitResult(ns, "approval", "k1", { timeout: "60s" })).toEqual({ id, value: "approved" });
    const created = (await env.client.getHistory(ns, "approval", "k1")).filter((e) => e.type === "token_created");
    expect(created).toHaveLength(1);
    expect((await heir.terminate()).code).toBe(0);
    expect(heir.unhandled).toEqual([]);
  });

  it("three worker processes racing for 60 published events start one run per event", async () => {
    const ns = "trig-procs";
    const workers = await Promise.all(
      ["t0", "t1", "t2"].map((id) => WorkerProcess.start(config(ns, id, { triggers: true, maxPollIntervalMs: 50 }))),
    );
    for (let n = 0; n < 60; n++) await env.client.publishEvent(ns, "order", { n });
    // Published again under new event ids: the run ids are the same, so nothing more starts.
    for (let n = 0; n < 60; n += 7) await env.client.publishEvent(ns, "order", { n });
    for (let n = 0; n < 60; n++) {
      expect(await env.client.awaitResult(ns, "onOrder", `order-${n}`, { timeout: "60s" })).toBe(n + 1);
    }
    expect((await env.client.countRuns({ namespace: ns })).statuses).toEqual({ completed: 60 });
    for (const worker of workers) expect((await worker.terminate()).code).toBe(0);
    for (const worker of workers) expect(worker.unhandled).toEqual([]);
  });
});
