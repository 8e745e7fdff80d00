import { describe, expect, it } from "vitest";
import type { RunContext, ScheduleOptions } from "../../src/api.js";
import { manualClock } from "../../src/index.js";
import { forEachStore, waitFor } from "../support/helpers.js";

const stamp = async (ctx: RunContext) => ctx.scheduledAt?.toISOString() ?? "none";

forEachStore((env) => {
  describe("schedules", () => {
    it("start one run per tick of a one-second schedule with two workers, named <id>@<tick>", async () => {
      const workflows = { stamp };
      await env.worker({ namespace: "cron", workflows, activities: {}, identity: "cron-a" });
      await env.worker({ namespace: "cron", workflows, activities: {}, identity: "cron-b" });
      await env.client.createSchedule("cron", { id: "every", workflow: "stamp", cron: "* * * * * *", input: null });
      await new Promise((resolve) => setTimeout(resolve, 5200));
      await env.client.pauseSchedule("cron", "every");
      const runs = (await env.client.listRuns({ namespace: "cron", workflow: "stamp" })).runs;
      expect(runs.length).toBeGreaterThanOrEqual(4);
      expect(runs.length).toBeLessThanOrEqual(6);
      const ticks = runs.map((run) => Date.parse(run.runId.slice("every@".length)));
      for (const [i, run] of runs.entries()) {
        expect(run.runId).toMatch(/^every@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
        expect(run.scheduledAt?.getTime()).toBe(ticks[i]);
        if (i > 0) expect((ticks[i] ?? 0) - (ticks[i - 1] ?? 0)).toBe(1000);
      }
      const last = runs.at(-1);
      expect(await env.client.awaitResult("cron", "stamp", last?.runId ?? "", { timeout: "10s" })).toBe(
        last?.runId.slice("every@".length),
      );
    });

    describe("on an injected clock", () => {
      const T = Date.UTC(2030, 0, 1, 0, 0, 0);
      const clock = manualClock(T);
      const client = () => env.clientWith({ clock });
      let started = false;
      const move = async (namespace: string, ms: number) => {
        clock.advance(ms);
        client().local.wake(namespace);
        await new Promise((resolve) => setTimeout(resolve, 150));
      };
      const runIds = async (namespace: string) =>
        (await env.client.listRuns({ namespace })).runs.map((run) => run.runId).sort();

      async function startWorker(
        namespace: string,
        workflows: Record<string, (ctx: RunContext) => Promise<unknown>>,
        schedules: readonly ScheduleOptions[] = [],
      ) {
        started = true;
        return env.worker({ client: client(), namespace, workflows, activities: {}, schedules });
      }

      it("pause, resume, delete and trigger; an updated cron takes effect at the next tick", async () => {
        const c = client();
        await startWorker("ops", { stamp });
        await c.createSchedule("ops", { id: "m", workflow: "stamp", cron: "* * * * *", input: null });
        await move("ops", 60_000);
        await waitFor(async () => (await runIds("ops")).length === 1);
        expect((await c.listSchedules("ops"))[0]).toMatchObject({
          id: "m",
          paused: false,
          lastRunId: "m@2030-01-01T00:01:00.000Z",
        });
        await c.pauseSchedule("ops", "m");
        await move("ops", 120_000);
        expect(await runIds("ops")).toHaveLength(1);
        await c.resumeSchedule("ops", "m");
        await move("ops", 60_000);
        await waitFor(async () => (await runIds("ops")).length === 2);
        // now 00:04; every 10 minutes from now on: no tick at 00:05, the next at 00:10
        await c.createSchedule("ops", { id: "m", workflow: "stamp", cron: "*/10 * * * *", input: null });
        await move("ops", 60_000);
        expect(await runIds("ops")).toHaveLength(2);
        await move("ops", 5 * 60_000);
        await waitFor(async () => (await runIds("ops")).includes("m@2030-01-01T00:10:00.000Z"));
        // The tick of 00:10 took the run id of this millisecond: the trigger starts a run of its own, the next.
        const triggered = await c.triggerSchedule("ops", "m");
        expect(triggered).toBe(`m@${new Date(clock.now() + 1).toISOString()}`);
        await waitFor(async () => (await runIds("ops")).includes(triggered));
        expect(await c.deleteSchedule("ops", "m")).toBe(true);
        expect(await c.deleteSchedule("ops", "m")).toBe(false);
        await expect(c.pauseSchedule("ops", "m")).rejects.toMatchObject({ name: "ScheduleNotFoundError" });
        expect(started).toBe(true);
      });

      it("never overlap runs with overlap skip", async () => {
        const c = client();
        const slow = async (ctx: RunContext) => {
          await ctx.sleep("2500ms");
          return "done";
        };
        await startWorker("overlap", { slow });
        await c.createSchedule("overlap", { id: "s", workflow: "slow", cron: "* * * * * *", input: null });
        for (let i = 0; i < 8; i++) await move("overlap", 1000);
        const runs = (await env.client.listRuns({ namespace: "overlap" })).runs;
        const spans = await Promise.all(
          runs.map(async (run) => {
            const events = await env.client.getHistory("overlap", "slow", run.runId);
            return {
              start: events[0]?.at ?? 0,
              end: events.at(-1)?.type === "completed" ? (events.at(-1)?.at ?? 0) : Infinity,
            };
          }),
        );
        expect(runs.length).toBeGreaterThanOrEqual(2);
        spans.sort((a, b) => a.start - b.start);
        for (let i = 1; i < spans.length; i++) expect(spans[i]?.start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0);
      });

      it("apply the schedules a worker is given: missing ones created, changed ones updated, equal ones kept", async () => {
        const namespace = "declared";
        clock.set(Date.UTC(2030, 0, 3));
        const c = client();
        const nightly = {
          id: "nightly",
          workflow: "stamp",
          cron: "0 3 * * *",
          timezone: "Europe/Berlin",
          input: "ops",
        };
        await c.createSchedule(namespace, { id: "own", workflow: "stamp", cron: "0 0 1 1 *", input: null });
        const first = await startWorker(namespace, { stamp }, [nightly]);
        await waitFor(async () => (await c.listSchedules(namespace)).length === 2);
        const created = (await c.listSchedules(namespace)).find((schedule) => schedule.id === "nightly");
        expect(created?.nextTick?.toISOString()).toBe("2030-01-03T02:00:00.000Z");
        await first.stop();
        // No worker for three nights; a worker started with the same schedule keeps its next tick,
        // so the latest missed night is caught up.
        clock.advance(3 * 86_400_000);
        const second = await startWorker(namespace, { stamp }, [nightly]);
        await move(namespace, 0);
        await waitFor(async () => (await runIds(namespace)).includes("nightly@2030-01-05T02:00:00.000Z"));
        expect(await runIds(namespace)).toEqual(["nightly@2030-01-05T02:00:00.000Z"]);
        await second.stop();
        // A changed schedule is updated; the schedule the worker was not given is left alone.
        await startWorker(namespace, { stamp }, [{ ...nightly, cron: "30 4 * * *", input: "team" }]);
        await waitFor(async () => (await c.listSchedules(namespace)).some((schedule) => schedule.input === "team"));
        const schedules = await c.listSchedules(namespace);
        expect(schedules.map((schedule) => [schedule.id, schedule.cron])).toEqual([
          ["nightly", "30 4 * * *"],
          ["own", "0 0 1 1 *"],
        ]);
        expect(schedules[0]?.nextTick?.toISOString()).toBe("2030-01-06T03:30:00.000Z");
      });

      it("refuse a schedule id whose run ids would be longer than a run id may be, and a trigger of one stored before", async () => {
        const c = client();
        const schedule = (id: string) => ({ id, workflow: "stamp", cron: "* * * * *", input: null });
        await expect(c.createSchedule("ids", schedule("x".repeat(231)))).rejects.toThrow(
          /invalid schedule: id "x{231}" is 231 bytes long: .* use an id of at most 230 bytes/,
        );
        await expect(startWorker("ids-worker", { stamp }, [schedule("é".repeat(116))])).rejects.toThrow(
          /schedules\[0\] .* is 232 bytes long/,
        );
        await c.createSchedule("ids", schedule("x".repeat(230)));
        expect(await c.triggerSchedule("ids", "x".repeat(230))).toHaveLength(255);
        // As one created before the check: stored without it.
        const { store } = c;
        const spec = { namespace: "ids", workflow: "stamp", cron: "0 0 1 1 *", timezone: "UTC", inputText: "null" };
        await store.saveSchedule({ ...spec, id: "y".repeat(240), overlap: "skip", catchup: "latest" }, undefined, T);
        await expect(c.triggerSchedule("ids", "y".repeat(240))).rejects.toMatchObject({ code: "INVALID_SCHEDULE" });
      });

      it("keep firing the other schedules and claiming runs when one schedule cannot fire", async () => {
        const namespace = "isolated";
        clock.set(Date.UTC(2030, 0, 4));
        const c = client();
        const spec = { namespace, workflow: "stamp", timezone: "UTC", inputText: "null", overlap: "allow" as const };
        // As stored before its checks: a cron that no longer parses, and (on MySQL) a run id too long to store.
        await c.store.saveSchedule(
          { ...spec, id: "broken", cron: "not a cron", catchup: "latest" },
          clock.now(),
          clock.now(),
        );
        await c.store.saveSchedule(
          { ...spec, id: "z".repeat(240), cron: "* * * * *", catchup: "latest" },
          clock.now(),
          clock.now(),
        );
        await c.createSchedule(namespace, { id: "fine", workflow: "stamp", cron: "* * * * *", input: null });
        await startWorker(namespace, { stamp });
        await c.runWorkflow(namespace, "stamp", "plain", null);
        expect(await c.awaitResult(namespace, "stamp", "plain", { timeout: "10s" })).toBe("none");
        await move(namespace, 60_000);
        await waitFor(async () => (await runIds(namespace)).includes("fine@2030-01-04T00:01:00.000Z"));
        await waitFor(() => env.logs.matching("schedule broken could not start the run of its due tick").length > 0);
        const broken = (await c.listSchedules(namespace)).find((schedule) => schedule.id === "broken");
        expect(broken?.nextTick?.getTime()).toBeGreaterThan(clock.now());
      });

      it("start a run of its own at each trigger, which overlap skip counts as the schedule's", async () => {
        const namespace = "triggered";
        clock.set(Date.UTC(2030, 0, 5));
        const c = client();
        const waits = async (ctx: RunContext) => ctx.awaitSignal("go", "1h");
        await startWorker(namespace, { waits });
        await c.createSchedule(namespace, { id: "t", workflow: "waits", cron: "* * * * *", input: null });
        const first = await c.triggerSchedule(namespace, "t");
        const second = await c.triggerSchedule(namespace, "t");
        expect([first, second]).toEqual(["t@2030-01-05T00:00:00.000Z", "t@2030-01-05T00:00:00.001Z"]);
        expect((await c.listSchedules(namespace))[0]?.lastRunId).toBe(second);
        // The triggered run still runs at the next tick: overlap "skip" starts none.
        await move(namespace, 60_000);
        await waitFor(async () => ((await c.listSchedules(namespace))[0]?.nextTick?.getTime() ?? 0) > clock.now());
        expect(await runIds(namespace)).toEqual([first, second]);
      });

      it("refuse a worker given a schedule with a bad cron", async () => {
        const schedules = [{ id: "bad", workflow: "stamp", cron: "0 3 * *", input: null }];
        await expect(startWorker("declared-bad", { stamp }, schedules)).rejects.toThrow(
          /invalid worker options: schedules\[0\] \("bad"\): invalid schedule: cron "0 3 \* \*" has 4 field/,
        );
      });

      for (const [catchup, expected] of [
        ["none", 0],
        ["latest", 1],
        ["all", 5],
      ] as const) {
        it(`catch up ${catchup === "all" ? "every missed tick" : catchup === "latest" ? "the latest missed tick" : "no missed tick"} with catchup ${catchup}`, async () => {
          const namespace = `catchup-${catchup}`;
          clock.set(Date.UTC(2030, 0, 2, ["none", "latest", "all"].indexOf(catchup)));
          const c = client();
          // overlap "allow": with "skip", catching up starts one run at a time
          const schedule = {
            id: "m",
            workflow: "stamp",
            cron: "* * * * *",
            input: null,
            catchup,
            overlap: "allow" as const,
          };
          await c.createSchedule(namespace, schedule);
          clock.advance(5 * 60_000 + 30_000); // no worker ran for five ticks
          await startWorker(namespace, { stamp });
          await move(namespace, 0);
          await waitFor(async () => (await runIds(namespace)).length === expected || expected === 0);
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect(await runIds(namespace)).toHaveLength(expected);
          await move(namespace, 30_000); // the next tick is on time
          await waitFor(async () => (await runIds(namespace)).length === expected + 1);
        });
      }
    });
  });
});
