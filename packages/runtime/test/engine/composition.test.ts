import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import { type ActivityFailure, ChildWorkflowFailure, type CompensationError, Saga } from "../../src/index.js";
import { forEachStore, historyOf, shape, waitFor } from "../support/helpers.js";

const square = async (_ctx: ActivityContext, _backends: unknown, n: number) => n * n;

forEachStore((env) => {
  describe("child workflows", () => {
    const workflows = {
      parent: async (ctx: RunContext, input: { children: number[] }) => {
        const results = await Promise.all(
          input.children.map((n) => ctx.runChild("square", `${ctx.runId}-child-${n}`, n) as Promise<number>),
        );
        return results.reduce((a, b) => a + b, 0);
      },
      square: async (ctx: RunContext, n: number) => ctx.execActivity("square", n),
      failing: async () => {
        throw new TypeError("bad child");
      },
      catcher: async (ctx: RunContext) => {
        try {
          await ctx.runChild("failing", `${ctx.runId}-child`, null);
          return "no failure";
        } catch (error) {
          if (!(error instanceof ChildWorkflowFailure)) throw error;
          return { status: error.status, name: error.failure.name, message: error.failure.message };
        }
      },
      waiter: async (ctx: RunContext) => ctx.awaitSignal("never", "1h"),
      holder: async (ctx: RunContext) => ctx.runChild("waiter", `${ctx.runId}-child`, null),
      launcher: async (ctx: RunContext) => {
        await ctx.startChild("square", `${ctx.runId}-child`, 7);
        return "launched";
      },
      adopter: async (ctx: RunContext, runId: string) => ctx.runChild("square", runId, 5),
      selfish: async (ctx: RunContext) => {
        try {
          await ctx.runChild("selfish", ctx.runId, null);
          return "waited for itself";
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
      },
      thrower: async (ctx: RunContext) => {
        const awaited = ctx.runChild("waiter", `${ctx.runId}-awaited`, null);
        awaited.catch(() => {});
        await ctx.startChild("waiter", `${ctx.runId}-started`, null);
        await ctx.sleep("10ms");
        throw new Error("the parent gives up");
      },
      ping: async (ctx: RunContext) => ctx.runChild("pong", `${ctx.runId}-pong`, ctx.runId),
      pong: async (ctx: RunContext, back: string) => {
        try {
          return await ctx.runChild("ping", back, null);
        } catch (error) {
          if (!(error instanceof ChildWorkflowFailure)) throw error;
          return `${error.failure.name}: ${error.failure.message}`;
        }
      },
    };

    it("start in parallel and resolve with their results; each records its parent", async () => {
      await env.worker({ namespace: "kids", workflows, activities: { square } });
      await env.client.runWorkflow("kids", "parent", "p1", { children: [1, 2, 3] });
      expect(await env.client.awaitResult("kids", "parent", "p1", { timeout: "10s" })).toBe(14);
      const events = shape(await historyOf(env.client, "kids", "parent", "p1"));
      expect(events.filter((event) => event.startsWith("child_request"))).toHaveLength(3);
      expect(events.filter((event) => event.startsWith("child_response"))).toHaveLength(3);
      expect((await env.client.getRun("kids", "square", "p1-child-2"))?.parent).toEqual({
        workflow: "parent",
        runId: "p1",
      });
    });

    it("reach the parent as ChildWorkflowFailure when they fail", async () => {
      await env.client.runWorkflow("kids", "catcher", "c1", null);
      expect(await env.client.awaitResult("kids", "catcher", "c1", { timeout: "10s" })).toEqual({
        status: "failed",
        name: "TypeError",
        message: "bad child",
      });
    });

    it("are cancelled with the parent that waits for them", async () => {
      await env.client.runWorkflow("kids", "holder", "h1", null);
      await waitFor(async () =>
        shape(await historyOf(env.client, "kids", "waiter", "h1-child").catch(() => [])).includes(
          "signal_request never#0",
        ),
      );
      expect(await env.client.cancelRun("kids", "holder", "h1")).toBe(true);
      await expect(env.client.awaitResult("kids", "holder", "h1", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "CancelledError" },
      });
      await expect(env.client.awaitResult("kids", "waiter", "h1-child", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "CancelledError" },
      });
      expect((await env.client.getRun("kids", "waiter", "h1-child"))?.status).toBe("cancelled");
    });

    it("a parent waits for are cancelled when it fails by throwing, as when it times out; one started with startChild lives on", async () => {
      await env.client.runWorkflow("kids", "thrower", "t1", null);
      await expect(env.client.awaitResult("kids", "thrower", "t1", { timeout: "10s" })).rejects.toMatchObject({
        failure: { message: "the parent gives up" },
      });
      await expect(env.client.awaitResult("kids", "waiter", "t1-awaited", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "CancelledError" },
      });
      expect((await env.client.getRun("kids", "waiter", "t1-started"))?.status).toBe("running");
      await env.client.cancelRun("kids", "waiter", "t1-started");
    });

    it("started with startChild run on their own while the parent goes on", async () => {
      await env.client.runWorkflow("kids", "launcher", "l1", null);
      expect(await env.client.awaitResult("kids", "launcher", "l1", { timeout: "10s" })).toBe("launched");
      expect(await env.client.awaitResult("kids", "square", "l1-child", { timeout: "10s" })).toBe(49);
    });

    it("that exist already are waited for: running ones adopted, ended ones answered at once", async () => {
      await env.client.runWorkflow("kids", "square", "existing-ended", 4);
      expect(await env.client.awaitResult("kids", "square", "existing-ended", { timeout: "10s" })).toBe(16);
      await env.client.runWorkflow("kids", "adopter", "a1", "existing-ended");
      expect(await env.client.awaitResult("kids", "adopter", "a1", { timeout: "10s" })).toBe(16);
      await env.client.runWorkflow("kids", "adopter", "a2", "fresh-child");
      expect(await env.client.awaitResult("kids", "adopter", "a2", { timeout: "10s" })).toBe(25);
    });
    it("refuse a run's start of itself as its child, rejecting into its workflow", async () => {
      await env.client.runWorkflow("kids", "selfish", "me", null);
      expect(await env.client.awaitResult("kids", "selfish", "me", { timeout: "10s" })).toMatch(
        /^ChildCycleError: run selfish\/me cannot start itself as its child/,
      );
    });

    it("refuse a child that waits for its parent already, so neither waits forever", async () => {
      await env.client.runWorkflow("kids", "ping", "p", null);
      expect(await env.client.awaitResult("kids", "ping", "p", { timeout: "10s" })).toBe(
        "ChildCycleError: run pong/p-pong cannot wait for run ping/p: it waits back (pong/p-pong → ping/p → pong/p-pong, each waiting for the next), so neither would ever end; start the child with a run id of its own",
      );
    });
  });

  describe("signals between runs", () => {
    it("are sent once with the sender's step and reach the receiver", async () => {
      await env.worker({
        namespace: "talk",
        workflows: {
          listener: async (ctx: RunContext) => ctx.awaitSignal("ping", "1h"),
          talker: async (ctx: RunContext, to: string) => {
            await ctx.signalRun("listener", to, "ping", { from: ctx.runId }, `${ctx.runId}-ping`);
            return "sent";
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("talk", "listener", "l1", null);
      await env.client.runWorkflow("talk", "talker", "t1", "l1");
      expect(await env.client.awaitResult("talk", "listener", "l1", { timeout: "10s" })).toEqual({ from: "t1" });
      expect(shape(await historyOf(env.client, "talk", "talker", "t1"))).toContain("signal_sent listener#0");
    });
  });

  describe("sagas", () => {
    it("compensate the steps done, latest first, when a later step fails", async () => {
      const log: string[] = [];
      const step = async (ctx: ActivityContext, _b: unknown, name: string) => {
        if (name === "step4") throw new Error("step 4 is broken");
        log.push(`${ctx.activity}:${name}`);
        return name;
      };
      await env.worker({
        namespace: "saga",
        workflows: {
          booking: async (ctx: RunContext) => {
            const saga = new Saga();
            try {
              for (const name of ["step1", "step2", "step3", "step4"]) {
                await ctx.execActivity("do", name);
                saga.add(() => ctx.execActivity("undo", name));
              }
              return "booked";
            } catch (error) {
              await saga.compensate();
              return { compensated: (error as ActivityFailure).failure.message };
            }
          },
          strict: async (ctx: RunContext) => {
            const saga = new Saga({ continueOnError: true });
            saga.add(() => ctx.execActivity("do", "step4"));
            saga.add(() => ctx.execActivity("undo", "x"));
            try {
              await saga.compensate();
              return "no error";
            } catch (error) {
              return { failures: (error as CompensationError).failures.length, name: (error as Error).name };
            }
          },
        },
        activities: {
          do: { fn: step, retry: { maxAttempts: 1 } },
          undo: step,
        },
      });
      await env.client.runWorkflow("saga", "booking", "b1", null);
      expect(await env.client.awaitResult("saga", "booking", "b1", { timeout: "10s" })).toEqual({
        compensated: "step 4 is broken",
      });
      expect(log).toEqual(["do:step1", "do:step2", "do:step3", "undo:step3", "undo:step2", "undo:step1"]);
      await env.client.runWorkflow("saga", "strict", "s1", null);
      expect(await env.client.awaitResult("saga", "strict", "s1", { timeout: "10s" })).toEqual({
        failures: 1,
        name: "CompensationError",
      });
    });
  });

  describe("heartbeats and timeouts", () => {
    it("retry an attempt that stops heartbeating, and the next attempt resumes from lastHeartbeat", async () => {
      const starts: { attempt: number; from: unknown }[] = [];
      const importer = async (ctx: ActivityContext, _b: unknown, rows: number) => {
        const from = ((ctx.lastHeartbeat as { row: number } | undefined)?.row ?? -1) + 1;
        starts.push({ attempt: ctx.attempt, from });
        for (let row = from; row < rows; row++) {
          if (ctx.attempt === 1 && row === 6) await new Promise(() => {}); // hangs without heartbeats
          ctx.heartbeat({ row });
        }
        return rows;
      };
      await env.worker({
        namespace: "beats",
        workflows: {
          load: async (ctx: RunContext) =>
            ctx.execActivity("import", 10, { heartbeatTimeout: "300ms", retry: { initialInterval: 10 } }),
        },
        activities: { import: importer },
      });
      await env.client.runWorkflow("beats", "load", "i1", null);
      expect(await env.client.awaitResult("beats", "load", "i1", { timeout: "10s" })).toBe(10);
      expect(starts).toEqual([
        { attempt: 1, from: 0 },
        { attempt: 2, from: 6 },
      ]);
    });

    it("end a run at its timeout as failed with RunTimeoutError, aborting its activity", async () => {
      let aborted = false;
      await env.worker({
        namespace: "deadline",
        workflows: { slow: async (ctx: RunContext) => ctx.execActivity("forever", null) },
        activities: {
          forever: (ctx: ActivityContext) =>
            new Promise((_, reject) =>
              ctx.signal.addEventListener("abort", () => {
                aborted = true;
                reject(ctx.signal.reason);
              }),
            ),
        },
      });
      await env.client.runWorkflow("deadline", "slow", "d1", null, { timeout: "300ms" });
      await expect(env.client.awaitResult("deadline", "slow", "d1", { timeout: "10s" })).rejects.toMatchObject({
        failure: { name: "RunTimeoutError" },
      });
      expect((await env.client.getRun("deadline", "slow", "d1"))?.status).toBe("failed");
      await waitFor(() => aborted, 5000, "the activity to be aborted");
    });

    it("end an activity whose attempts together pass scheduleToCloseTimeout", async () => {
      let attempts = 0;
      await env.worker({
        namespace: "close",
        workflows: {
          doomed: async (ctx: RunContext) => {
            try {
              await ctx.execActivity("flaky", null, {
                scheduleToCloseTimeout: "400ms",
                retry: { initialInterval: 100, backoffCoefficient: 1 },
              });
              return "done";
            } catch (error) {
              const failure = (error as ActivityFailure).failure;
              return { name: failure.name, message: failure.message, cause: failure.cause?.message };
            }
          },
        },
        activities: {
          flaky: async () => {
            attempts++;
            throw new Error(`attempt ${attempts} failed`);
          },
        },
      });
      await env.client.runWorkflow("close", "doomed", "c1", null);
      const result = (await env.client.awaitResult("close", "doomed", "c1", { timeout: "10s" })) as {
        name: string;
        message: string;
        cause: string;
      };
      expect(result.name).toBe("ActivityTimeoutError");
      expect(result.message).toContain("scheduleToCloseTimeout of 400 ms");
      expect(result.cause).toMatch(/^attempt \d+ failed$/);
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThanOrEqual(5);
    });
  });
});
