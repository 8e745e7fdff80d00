import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { forEachStore, historyOf, shape, waitFor } from "../support/helpers.js";

const echo = async (ctx: ActivityContext, _backends: unknown, input: string) => `${ctx.activity}(${input})`;
const activities = { a: echo, a2: echo, b: echo, c: echo };

/** v1: a, wait for "go", c. */
const v1 = async (ctx: RunContext, input: string) => {
  const first = (await ctx.execActivity("a", input)) as string;
  await ctx.awaitSignal("go", "1h");
  return ctx.execActivity("c", first);
};

/** v2: a2 instead of a, behind patch "use-a2"; asks twice to show the answer is stable. */
const v2 = async (ctx: RunContext, input: string) => {
  const patched = ctx.patched("use-a2");
  const first = (await ctx.execActivity(patched ? "a2" : "a", input)) as string;
  if (ctx.patched("use-a2") !== patched) throw new Error("patched changed its answer");
  await ctx.awaitSignal("go", "1h");
  return ctx.execActivity("c", first);
};

/** v3 retires the patch: step 2 (deprecatePatch) or step 3 (the call removed). */
const v3Deprecated = async (ctx: RunContext, input: string) => {
  ctx.deprecatePatch("use-a2");
  const first = (await ctx.execActivity("a2", input)) as string;
  await ctx.awaitSignal("go", "1h");
  return ctx.execActivity("c", first);
};
const v3Removed = async (ctx: RunContext, input: string) => {
  const first = (await ctx.execActivity("a2", input)) as string;
  await ctx.awaitSignal("go", "1h");
  return ctx.execActivity("c", first);
};

forEachStore((env) => {
  const waiting = (namespace: string, runId: string) =>
    waitFor(async () => shape(await historyOf(env.client, namespace, "flow", runId)).includes("signal_request go#0"));

  async function startOn(namespace: string, code: typeof v1, runIds: string[]) {
    const worker = await env.worker({ namespace, workflows: { flow: code }, activities });
    for (const runId of runIds) await env.client.runWorkflow(namespace, "flow", runId, runId);
    for (const runId of runIds) await waiting(namespace, runId);
    return worker;
  }

  describe("patches", () => {
    it("keep a run recorded before the patch on the old branch, and send new runs down the new one", async () => {
      const old = await startOn("patch", v1, ["old"]);
      await old.stop();
      await env.worker({ namespace: "patch", workflows: { flow: v2 }, activities });
      await env.client.runWorkflow("patch", "flow", "new", "new");
      await waiting("patch", "new");
      for (const runId of ["old", "new"]) await env.client.signalRun("patch", "flow", runId, "go", 1, "go");
      expect(await env.client.awaitResult("patch", "flow", "old", { timeout: "10s" })).toBe("c(a(old))");
      expect(await env.client.awaitResult("patch", "flow", "new", { timeout: "10s" })).toBe("c(a2(new))");
      expect(shape(await historyOf(env.client, "patch", "flow", "old"))).not.toContain("patched use-a2#0");
      expect(shape(await historyOf(env.client, "patch", "flow", "new"))).toContain("patched use-a2#0");
    });

    it("park a run that carries a marker when the code no longer checks it, naming the patch", async () => {
      const before = await startOn("removed", v2, ["marked"]);
      await before.stop();
      await env.worker({ namespace: "removed", workflows: { flow: v3Removed }, activities });
      await env.client.signalRun("removed", "flow", "marked", "go", 1, "go");
      await expect(env.client.awaitResult("removed", "flow", "marked", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "NonDeterminismError" },
      });
      const run = await env.client.getRun("removed", "flow", "marked");
      expect(run?.status).toBe("stuck");
      expect(run?.error?.message).toContain('patch marker "use-a2"');
      expect(run?.error?.message).toContain('flow.deprecatePatch("use-a2") (ctx.deprecatePatch("use-a2"))');
      expect(run?.error?.message).toContain(
        'recorded by flow.patched("use-a2"), ctx.patched("use-a2") in untyped code',
      );
    });

    it("complete runs with and without the marker once the check is deprecatePatch", async () => {
      const before = await startOn("deprecated", v2, ["marked"]);
      await before.stop();
      await startOn("deprecated", v3Deprecated, ["unmarked"]);
      for (const runId of ["marked", "unmarked"])
        await env.client.signalRun("deprecated", "flow", runId, "go", 1, "go");
      expect(await env.client.awaitResult("deprecated", "flow", "marked", { timeout: "10s" })).toBe("c(a2(marked))");
      expect(await env.client.awaitResult("deprecated", "flow", "unmarked", { timeout: "10s" })).toBe(
        "c(a2(unmarked))",
      );
      expect(shape(await historyOf(env.client, "deprecated", "flow", "unmarked"))).not.toContain("patched use-a2#0");
    });
  });

  describe("version pinning", () => {
    it("leaves a run to workers of its version, and lists runs by version", async () => {
      const blue = env.clientWith({ version: "blue" });
      await blue.runWorkflow("pinned", "flow", "blue-run", "x");
      await env.client.runWorkflow("pinned", "flow", "green-run", "y", { version: "green" });
      await env.client.runWorkflow("pinned", "flow", "any-run", "z");
      const quick = async (ctx: RunContext, input: string) => ctx.execActivity("b", input);
      await env.worker({ namespace: "pinned", workflows: { flow: quick }, activities, version: "green" });
      expect(await env.client.awaitResult("pinned", "flow", "green-run", { timeout: "10s" })).toBe("b(y)");
      expect(await env.client.awaitResult("pinned", "flow", "any-run", { timeout: "10s" })).toBe("b(z)");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(shape(await historyOf(env.client, "pinned", "flow", "blue-run"))).toEqual(["created"]);
      const listed = await env.client.listRuns({ namespace: "pinned", version: "blue" });
      expect(listed.runs.map((run) => [run.runId, run.version])).toEqual([["blue-run", "blue"]]);
      await env.worker({ namespace: "pinned", workflows: { flow: quick }, activities, version: "blue" });
      expect(await env.client.awaitResult("pinned", "flow", "blue-run", { timeout: "10s" })).toBe("b(x)");
    });
  });

  describe("a worker of another version", () => {
    it("idles while a run it may not take is due, instead of polling for it", async () => {
      await env.client.runWorkflow("blue-green", "flow", "blue-run", "x", { version: "blue" });
      const client = env.clientWith({});
      const { store } = client;
      const answers: { next: number | undefined; now: number }[] = [];
      const nextWake = store.nextWake.bind(store);
      store.nextWake = async (namespace, now, queues, filter) => {
        const next = await nextWake(namespace, now, queues, filter);
        if (namespace === "blue-green") answers.push({ next, now });
        return next;
      };
      try {
        const quick = async (ctx: RunContext, input: string) => ctx.execActivity("b", input);
        await env.worker({ client, namespace: "blue-green", workflows: { flow: quick }, activities, version: "green" });
        await waitFor(() => answers.length >= 3, 20_000, "three idle looks of the green worker");
        // A due wake time would make the worker claim again at once, and again, and again.
        expect(answers.filter((answer) => answer.next !== undefined && answer.next <= answer.now)).toEqual([]);
      } finally {
        store.nextWake = nextWake;
      }
      expect(shape(await historyOf(env.client, "blue-green", "flow", "blue-run"))).toEqual(["created"]);
    });
  });

  describe("resumeRun", () => {
    it("revives a run parked by a bad deploy once a worker with the fixed code runs it", async () => {
      const before = await startOn("resume", v1, ["parked"]);
      await before.stop();
      const broken = await env.worker({ namespace: "resume", workflows: { flow: v3Removed }, activities });
      await env.client.signalRun("resume", "flow", "parked", "go", 1, "go");
      await waitFor(async () => (await env.client.getRun("resume", "flow", "parked"))?.status === "stuck");
      await broken.stop();
      await expect(env.client.resumeRun("resume", "flow", "nobody")).rejects.toMatchObject({
        name: "RunNotFoundError",
      });

      // The fix (v2: the patch keeps old runs on a) ships as version "fixed"; the run is re-pinned to it.
      await env.client.resumeRun("resume", "flow", "parked", { version: "fixed" });
      const run = await env.client.getRun("resume", "flow", "parked");
      expect(run).toMatchObject({ status: "running", version: "fixed" });
      expect(run?.error).toBeUndefined();
      await env.worker({ namespace: "resume", workflows: { flow: v3Removed }, activities, version: "other" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await env.client.getRun("resume", "flow", "parked"))?.status).toBe("running");
      await env.worker({ namespace: "resume", workflows: { flow: v2 }, activities, version: "fixed" });
      expect(await env.client.awaitResult("resume", "flow", "parked", { timeout: "10s" })).toBe("c(a(parked))");
      const types = (await historyOf(env.client, "resume", "flow", "parked")).map((event) => event.type);
      expect(types).toContain("resumed");
      await expect(env.client.resumeRun("resume", "flow", "parked")).rejects.toMatchObject({
        name: "RunNotResumableError",
        message: expect.stringContaining("use forkRun"),
      });
    });
  });

  describe("forkRun", () => {
    it("reuses the recorded steps before fromStep and executes only the rest again", async () => {
      const executed: string[] = [];
      const counted = async (ctx: ActivityContext, _backends: unknown, input: string) => {
        executed.push(`${ctx.runId}:${ctx.activity}`);
        return `${ctx.activity}(${input})`;
      };
      const four = async (ctx: RunContext) => {
        let value = ctx.uuid(); // the fork keeps the source's random seed, so this replays
        for (const name of ["s0", "s1", "s2", "s3"]) value = (await ctx.execActivity(name, value)) as string;
        return value;
      };
      await env.worker({
        namespace: "fork",
        workflows: { four },
        activities: { s0: counted, s1: counted, s2: counted, s3: counted },
      });
      await env.client.runWorkflow("fork", "four", "source", null);
      const original = await env.client.awaitResult("fork", "four", "source", { timeout: "10s" });
      expect(await env.client.forkRun("fork", "four", "source", { newRunId: "copy", fromStep: 2 })).toBe(true);
      expect(await env.client.forkRun("fork", "four", "source", { newRunId: "copy", fromStep: 2 })).toBe(false);
      expect(await env.client.awaitResult("fork", "four", "copy", { timeout: "10s" })).toEqual(original);
      expect(executed.filter((entry) => entry.startsWith("copy:"))).toEqual(["copy:s2", "copy:s3"]);
      const history = await historyOf(env.client, "fork", "four", "copy");
      expect(history.find((event) => event.type === "forked")?.payload).toMatchObject({ runId: "source", fromStep: 2 });
    });
  });
});
