import { describe, expect, it } from "vitest";
import type { ActivityContext, RunContext } from "../../src/api.js";
import {
  aesGcmCodec,
  RunEndedError,
  RunNotFoundError,
  UpdateFailedError,
  UpdateRejectedError,
  UpdateTimeoutError,
} from "../../src/index.js";
import { forEachStore, historyOf, rejectionOf, shape, waitFor } from "../support/helpers.js";
import { KEYS, storedTexts, storeOf } from "../support/payloads.js";

/**
 * The scenarios of Temporal's cross-SDK features suite for updates (temporalio/features,
 * update/*), restated for replaykit, on every store.
 */

/** A counter: `add` (positive amounts only) returns the new total, `finish` ends the run with the total. */
function counter(validated: number[] = []) {
  return async (ctx: RunContext) => {
    let total = 0;
    let finished = false;
    ctx.onUpdate(
      "add",
      (amount: number) => {
        total += amount;
        return total;
      },
      {
        validator: (amount: number) => {
          validated.push(amount);
          if (!(amount > 0)) throw new Error(`amount must be positive, got ${amount}`);
        },
      },
    );
    ctx.onUpdate("finish", () => {
      finished = true;
    });
    ctx.onQuery("total", () => total);
    await ctx.condition(() => finished);
    return total;
  };
}

forEachStore((env) => {
  describe("updates", () => {
    it("change the run and answer the caller; a validator's refusal reaches it as UpdateRejectedError and leaves no trace (basic, non_durable_reject)", async () => {
      await env.worker({ namespace: "upd-basic", workflows: { counter: counter() }, activities: {} });
      await env.client.runWorkflow("upd-basic", "counter", "c1", null);
      expect(await env.client.executeUpdate("upd-basic", "counter", "c1", "add", 2)).toBe(2);
      expect(await env.client.executeUpdate("upd-basic", "counter", "c1", "add", 3)).toBe(5);
      const refused = await rejectionOf(env.client.executeUpdate("upd-basic", "counter", "c1", "add", -1));
      expect(refused).toBeInstanceOf(UpdateRejectedError);
      expect(refused).toMatchObject({
        code: "UPDATE_REJECTED",
        update: "add",
        reason: { message: "amount must be positive, got -1" },
      });
      const unknown = await rejectionOf(env.client.executeUpdate("upd-basic", "counter", "c1", "remove", 1));
      expect(unknown).toBeInstanceOf(UpdateRejectedError);
      expect(unknown.message).toContain('no handler for update "remove" (its update handlers: "add", "finish")');
      await env.client.executeUpdate("upd-basic", "counter", "c1", "finish", null);
      expect(await env.client.awaitResult("upd-basic", "counter", "c1", { timeout: "10s" })).toBe(5);
      expect(shape(await historyOf(env.client, "upd-basic", "counter", "c1"))).toEqual([
        "created",
        "update_accepted add#0",
        "update_completed add#0",
        "update_accepted add#1",
        "update_completed add#1",
        "update_accepted finish#0",
        "update_completed finish#0",
        "completed",
      ]);
    });

    it("from a client with no worker in its process ride the store and its wake path", async () => {
      await env.worker({ namespace: "upd-remote", workflows: { counter: counter() }, activities: {} });
      const remote = env.clientWith({});
      await remote.runWorkflow("upd-remote", "counter", "c1", null);
      expect(await remote.executeUpdate("upd-remote", "counter", "c1", "add", 4, { timeout: "20s" })).toBe(4);
      await expect(remote.executeUpdate("upd-remote", "counter", "c1", "add", 0, { timeout: "20s" })).rejects.toThrow(
        UpdateRejectedError,
      );
      expect(await remote.executeUpdate("upd-remote", "counter", "c1", "add", 1, { timeout: "20s" })).toBe(5);
    });

    it("are applied once per update id: a second call, from any client, runs nothing and gets the first outcome (deduplication)", async () => {
      const validated: number[] = [];
      await env.worker({ namespace: "upd-dedup", workflows: { counter: counter(validated) }, activities: {} });
      await env.client.runWorkflow("upd-dedup", "counter", "c1", null);
      const send = (client = env.client) =>
        client.executeUpdate("upd-dedup", "counter", "c1", "add", 7, { updateId: "once", timeout: "20s" });
      expect(await send()).toBe(7);
      expect(await send()).toBe(7);
      expect(await send(env.clientWith({}))).toBe(7);
      expect(validated).toEqual([7]);
      const refusedTwice = [1, 2].map(() =>
        rejectionOf(env.client.executeUpdate("upd-dedup", "counter", "c1", "add", -3, { updateId: "bad" })),
      );
      for (const refusal of await Promise.all(refusedTwice)) expect(refusal).toBeInstanceOf(UpdateRejectedError);
      expect(await env.client.executeUpdate("upd-dedup", "counter", "c1", "add", 1)).toBe(8);
    });

    it("run activities in their handlers; startUpdate returns once accepted and result() gives the outcome later (activities, async_accepted)", async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      await env.worker({
        namespace: "upd-async",
        workflows: {
          shipping: async (ctx: RunContext) => {
            ctx.onUpdate("ship", async (to: string) => {
              const label = (await ctx.execActivity("label", to)) as string;
              return `shipped with ${label}`;
            });
            await ctx.awaitSignal("never", "1h");
          },
        },
        activities: {
          label: async (_ctx: ActivityContext, _b: unknown, to: string) => {
            await gate;
            return `label-${to}`;
          },
        },
      });
      await env.client.runWorkflow("upd-async", "shipping", "s1", null);
      const handle = await env.client.startUpdate("upd-async", "shipping", "s1", "ship", "berlin", { updateId: "u1" });
      expect(handle.updateId).toBe("u1");
      const events = shape(await historyOf(env.client, "upd-async", "shipping", "s1"));
      expect(events).toContain("update_accepted ship#0");
      expect(events).not.toContain("update_completed ship#0");
      release();
      expect(await handle.result()).toBe("shipped with label-berlin");
      expect(shape(await historyOf(env.client, "upd-async", "shipping", "s1")).slice(-4)).toEqual([
        "update_accepted ship#0",
        "activity_request label#0",
        "activity_response label#0",
        "update_completed ship#0",
      ]);
    });

    it("are not validated again when the run is replayed (validation_replay)", async () => {
      const validated: number[] = [];
      await env.worker({
        namespace: "upd-replay",
        workflows: { counter: counter(validated) },
        activities: {},
        cacheSize: 0,
      });
      await env.client.runWorkflow("upd-replay", "counter", "c1", null);
      expect(await env.client.executeUpdate("upd-replay", "counter", "c1", "add", 2)).toBe(2);
      expect(await env.client.executeUpdate("upd-replay", "counter", "c1", "add", 3)).toBe(5);
      await env.client.executeUpdate("upd-replay", "counter", "c1", "finish", null);
      expect(await env.client.awaitResult("upd-replay", "counter", "c1", { timeout: "10s" })).toBe(5);
      // With the cache off every step replays the history, its updates included: each validated once.
      expect(validated).toEqual([2, 3]);
    });

    it("fail with the handler's error, and the run goes on", async () => {
      await env.worker({
        namespace: "upd-throw",
        workflows: {
          strict: async (ctx: RunContext) => {
            let calls = 0;
            ctx.onUpdate("poke", () => {
              calls++;
              if (calls === 1) throw new Error("first poke is refused by the handler");
              return calls;
            });
            await ctx.condition(() => calls >= 2);
            return calls;
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("upd-throw", "strict", "s1", null);
      const failed = await rejectionOf(env.client.executeUpdate("upd-throw", "strict", "s1", "poke", null));
      expect(failed).toBeInstanceOf(UpdateFailedError);
      expect(failed).toMatchObject({
        code: "UPDATE_FAILED",
        failure: { message: "first poke is refused by the handler" },
      });
      expect(await env.client.executeUpdate("upd-throw", "strict", "s1", "poke", null)).toBe(2);
      expect(await env.client.awaitResult("upd-throw", "strict", "s1", { timeout: "10s" })).toBe(2);
    });

    it("to a run that does not exist or ended are refused, and nothing is stored", async () => {
      await env.worker({ namespace: "upd-ended", workflows: { counter: counter() }, activities: {} });
      await expect(env.client.executeUpdate("upd-ended", "counter", "none", "add", 1)).rejects.toThrow(
        RunNotFoundError,
      );
      await env.client.runWorkflow("upd-ended", "counter", "c1", null);
      await env.client.executeUpdate("upd-ended", "counter", "c1", "finish", null);
      await env.client.awaitResult("upd-ended", "counter", "c1", { timeout: "10s" });
      const ended = await rejectionOf(env.client.executeUpdate("upd-ended", "counter", "c1", "add", 1));
      expect(ended).toBeInstanceOf(RunEndedError);
      expect(ended.message).toContain('has ended (completed), so update "add" would never be handled');
    });

    it("that no worker takes up time out saying so, and are never applied afterwards", async () => {
      await env.client.runWorkflow("upd-idle", "counter", "c1", null);
      const timedOut = await rejectionOf(
        env.client.executeUpdate("upd-idle", "counter", "c1", "add", 5, { timeout: "300ms" }),
      );
      expect(timedOut).toBeInstanceOf(UpdateTimeoutError);
      expect(timedOut).toMatchObject({ code: "UPDATE_TIMEOUT", accepted: false });
      expect(timedOut.message).toContain("no worker took it up. It was withdrawn and will not be applied");
      await env.worker({ namespace: "upd-idle", workflows: { counter: counter() }, activities: {} });
      expect(await env.client.executeUpdate("upd-idle", "counter", "c1", "add", 1)).toBe(1);
      expect(await env.client.queryRun("upd-idle", "counter", "c1", "total")).toBe(1);
    });

    it("accepted by a run that then ends before the handler finishes fail clearly instead of hanging", async () => {
      await env.worker({
        namespace: "upd-abandon",
        workflows: {
          impatient: async (ctx: RunContext) => {
            ctx.onUpdate("wait", async () => ctx.awaitSignal("never", "1h"));
            await ctx.awaitSignal("stop", "1h");
            return "stopped";
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("upd-abandon", "impatient", "i1", null);
      const local = await env.client.startUpdate("upd-abandon", "impatient", "i1", "wait", null);
      const remote = env.clientWith({});
      const elsewhere = await remote.startUpdate("upd-abandon", "impatient", "i1", "wait", null, { timeout: "20s" });
      await env.client.signalRun("upd-abandon", "impatient", "i1", "stop", null, "s");
      for (const handle of [local, elsewhere]) {
        const failed = await rejectionOf(handle.result());
        expect(failed).toBeInstanceOf(UpdateFailedError);
        expect(failed).toMatchObject({ failure: { name: "RunEndedError" } });
        expect(failed.message).toContain("ended (completed) before the handler of this update finished");
      }
    });

    it("reach a run held while its activities run, and let continue-as-new wait for their handler", async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      await env.worker({
        namespace: "upd-held",
        workflows: {
          rolling: async (ctx: RunContext, input: { round: number }) => {
            let rounds = input.round;
            ctx.onUpdate("slowBump", async () => {
              await ctx.execActivity("slow", null);
              rounds++;
              return rounds;
            });
            ctx.onQuery("round", () => rounds);
            if (input.round > 0) return `done after ${rounds}`;
            await ctx.execActivity("slow", null);
            // Continue-as-new while slowBump's handler runs: it waits for the handler first.
            return ctx.restart({ round: 1 });
          },
        },
        activities: {
          slow: async () => {
            await gate;
            return null;
          },
        },
      });
      await env.client.runWorkflow("upd-held", "rolling", "r1", { round: 0 });
      await waitFor(async () =>
        shape(await historyOf(env.client, "upd-held", "rolling", "r1")).includes("activity_request slow#0"),
      );
      const bump = env.client.executeUpdate("upd-held", "rolling", "r1", "slowBump", null, { timeout: "20s" });
      await waitFor(async () =>
        shape(await historyOf(env.client, "upd-held", "rolling", "r1")).includes("update_accepted slowBump#0"),
      );
      release();
      expect(await bump).toBe(1);
      expect(await env.client.awaitResult("upd-held", "rolling", "r1", { timeout: "10s" })).toBe("done after 1");
      const first = (await historyOf(env.client, "upd-held", "rolling", "r1")).filter((e) => e.iteration === 0);
      expect(shape(first).slice(-2)).toEqual(["update_completed slowBump#0", "restarted"]);
    });
  });

  describe("updates and queries through a client's codecs", () => {
    it("carry bytes, and leave only ciphertext in the history and the request rows", async () => {
      const client = env.clientWith({ codecs: [aesGcmCodec({ keys: KEYS, current: "k1" })] });
      await env.worker({
        client,
        namespace: "upd-codec",
        workflows: {
          vault: async (ctx: RunContext) => {
            let kept: { note: string; raw: Uint8Array } | undefined;
            ctx.onUpdate("keep", (input: { note: string; raw: Uint8Array }) => {
              kept = input;
              return { kept: input.note, raw: input.raw };
            });
            ctx.onQuery("kept", () => kept);
            await ctx.awaitSignal("never", "1h");
          },
        },
        activities: {},
      });
      const key = { namespace: "upd-codec", workflow: "vault", runId: "v1" };
      await client.runWorkflow(key.namespace, key.workflow, key.runId, null);
      const raw = new Uint8Array([0xde, 0xad]);
      const input = { note: "secret-note", raw };
      const stored = await client.executeUpdate(key.namespace, key.workflow, key.runId, "keep", input, {
        updateId: "u1",
      });
      expect(stored).toStrictEqual({ kept: "secret-note", raw });
      const local = await client.startUpdate(key.namespace, key.workflow, key.runId, "keep", input);
      expect(await local.result()).toStrictEqual({ kept: "secret-note", raw });
      expect(await client.queryRun(key.namespace, key.workflow, key.runId, "kept")).toStrictEqual(input);
      const texts = [...(await storedTexts(client, key))];
      for (const id of ["u1", local.updateId]) {
        const row = await storeOf(client).readRequest(key, id);
        texts.push(row?.resultText ?? "", row?.errorText ?? "");
      }
      expect(texts.filter((text) => text.includes("secret-note"))).toEqual([]);
    });
  });

  describe("conditions", () => {
    it("with a timeout resolve with false when it passes, by a durable timer", async () => {
      await env.worker({
        namespace: "cond",
        workflows: {
          patient: async (ctx: RunContext) => {
            let approved = false;
            ctx.onUpdate("approve", () => {
              approved = true;
            });
            const first = await ctx.condition(() => approved, "200ms");
            const second = await ctx.condition(() => approved, "1h");
            return { first, second };
          },
        },
        activities: {},
      });
      await env.client.runWorkflow("cond", "patient", "p1", null);
      await waitFor(async () =>
        shape(await historyOf(env.client, "cond", "patient", "p1")).includes("condition_request #1"),
      );
      await env.client.executeUpdate("cond", "patient", "p1", "approve", null);
      expect(await env.client.awaitResult("cond", "patient", "p1", { timeout: "10s" })).toEqual({
        first: false,
        second: true,
      });
      expect(shape(await historyOf(env.client, "cond", "patient", "p1"))).toEqual([
        "created",
        "condition_request",
        "condition_result",
        "condition_request #1",
        "update_accepted approve#0",
        "update_completed approve#0",
        "condition_result #1",
        "completed",
      ]);
    });
  });
});
