import { describe, expect, it } from "vitest";
import type { RunContext } from "../api.js";
import { CancelledError, NonDeterminismError } from "../errors.js";
import { newEvent } from "../history/index.js";
import { ReadOnlyContextError } from "../request-errors.js";
import { RunExecutor } from "./executor.js";
import { ev, history, T0 } from "./fixtures.js";

type Workflow = (ctx: RunContext, input: never) => Promise<unknown>;

const identity = { namespace: "ns", workflow: "wf", runId: "r1", iteration: 0 };

async function replay(fn: Workflow, events = history(null), now = T0 + 60_000): Promise<RunExecutor> {
  const executor = new RunExecutor(identity, T0, { maxPayloadBytes: 1024 });
  executor.setClock(() => now);
  await executor.start(fn, events[0]?.payload, events);
  return executor;
}

const kinds = (executor: RunExecutor) => executor.takeOutbox().map((e) => `${e.type} ${e.target}#${e.seq}`);

/** A cart: `add` updates it (refusing non-positive amounts), `total` reads it, and it waits for `done`. */
function cart(validated: string[] = []): Workflow {
  return async (ctx) => {
    let total = 0;
    let done = false;
    ctx.onUpdate(
      "add",
      (amount: number) => {
        total += amount;
        return total;
      },
      {
        validator: (amount: number) => {
          validated.push(String(amount));
          if (amount <= 0) throw new Error(`amount must be positive, got ${amount}`);
        },
      },
    );
    ctx.onUpdate("finish", () => {
      done = true;
    });
    ctx.onQuery("total", () => total);
    await ctx.condition(() => done);
    return total;
  };
}

describe("updates", () => {
  it("accepted live run their handler at that point and record update_accepted, then update_completed with the result", async () => {
    const executor = await replay(cart());
    expect(executor.validateUpdate("add", 5)).toBeUndefined();
    await executor.acceptUpdate("u1", "add", "5", 5);
    const outbox = executor.takeOutbox();
    expect(outbox.map((e) => [e.type, e.target, e.seq, e.payloadText])).toEqual([
      ["update_accepted", "add", 0, '{"updateId":"u1","input":5}'],
      ["update_completed", "add", 0, '{"updateId":"u1","result":5}'],
    ]);
    await executor.acceptUpdate("u2", "add", "2", 2);
    expect(kinds(executor)).toEqual(["update_accepted add#1", "update_completed add#1"]);
    expect(executor.query("total", null)).toEqual({ resultText: "7" });
    expect(executor.outcome).toBeUndefined();
  });

  it("are refused by a validator that throws, or when the run has no handler, recording nothing", async () => {
    const executor = await replay(cart());
    expect(executor.validateUpdate("add", -1)).toMatchObject({ message: "amount must be positive, got -1" });
    expect(executor.validateUpdate("remove", 1)).toMatchObject({
      name: "UnknownUpdateError",
      message: expect.stringContaining('no handler for update "remove" (its update handlers: "add", "finish")'),
    });
    expect(executor.takeOutbox()).toEqual([]);
  });

  it("replayed run their handler again at the recorded point, without the validator, and match the recorded completion", async () => {
    const validated: string[] = [];
    const events = history(
      null,
      ev.updateAccepted("add", 0, "u1", 5),
      ev.updateResult("add", 0, "u1", 5),
      ev.updateAccepted("finish", 0, "u2", null),
      ev.updateResult("finish", 0, "u2", null),
    );
    const executor = await replay(cart(validated), events);
    expect(validated).toEqual([]);
    expect(executor.outcome).toEqual({ kind: "completed", result: 5 });
    expect(executor.takeOutbox()).toEqual([]);
  });

  it("complete with the handler's error when it throws, and the run goes on", async () => {
    const executor = await replay(async (ctx) => {
      ctx.onUpdate("boom", () => {
        throw new Error("no stock");
      });
      return ctx.awaitSignal("never", "1h");
    });
    await executor.acceptUpdate("u1", "boom", "null", null);
    const completed = executor.takeOutbox().find((event) => event.type === "update_completed");
    expect(JSON.parse(completed?.payloadText ?? "")).toMatchObject({ updateId: "u1", error: { message: "no stock" } });
    expect(executor.outcome).toBeUndefined();
  });

  it("run handlers whose activities are steps of the run, numbered with the workflow's own", async () => {
    const executor = await replay(async (ctx) => {
      ctx.onUpdate("ship", async (to: string) => ctx.execActivity("book", to));
      await ctx.execActivity("book", "first");
      return ctx.awaitSignal("never", "1h");
    });
    await executor.acceptUpdate("u1", "ship", '"berlin"', "berlin");
    expect(kinds(executor)).toEqual(["activity_request book#0", "update_accepted ship#0", "activity_request book#1"]);
    await executor.deliver(newEvent.activityResult("book", 1, '"ok"', 1, T0), { result: "ok", attempts: 1 });
    expect(kinds(executor)).toEqual(["activity_response book#1", "update_completed ship#0"]);
  });

  it("refuse a history that accepted an update the code no longer handles, or that completed it otherwise", async () => {
    const unhandled = await replay(
      async (ctx) => ctx.awaitSignal("never", "1h"),
      history(
        null,
        ev.awaitSignal("never", 0, 3_600_000),
        ev.updateAccepted("add", 0, "u1", 5),
        ev.updateResult("add", 0, "u1", 5),
      ),
    );
    expect(unhandled.fault).toBeInstanceOf(NonDeterminismError);
    expect(unhandled.fault?.message).toContain('no handler for update "add"');
    const differs = await replay(
      cart(),
      history(null, ev.updateAccepted("add", 0, "u1", 5), ev.updateResult("add", 0, "u1", 6)),
    );
    expect(differs.fault).toBeInstanceOf(NonDeterminismError);
  });

  it("let continue-as-new wait for running handlers, and take no update meanwhile", async () => {
    const executor = await replay(async (ctx) => {
      let asked = false;
      ctx.onUpdate("slow", async () => ctx.execActivity("work", null));
      ctx.onUpdate("restart", () => {
        asked = true;
      });
      await ctx.condition(() => asked);
      return ctx.restart("next");
    });
    await executor.acceptUpdate("u1", "slow", "null", null);
    await executor.acceptUpdate("u2", "restart", "null", null);
    expect(executor.outcome).toBeUndefined();
    expect(executor.acceptsUpdates).toBe(false);
    await executor.deliver(newEvent.activityResult("work", 0, "1", 1, T0), { result: 1, attempts: 1 });
    expect(executor.outcome).toEqual({ kind: "restart", input: "next" });
    expect(kinds(executor)).toContain("update_completed slow#0");
  });
});

describe("queries", () => {
  it("answer from the run's state and record nothing", async () => {
    const executor = await replay(cart());
    await executor.acceptUpdate("u1", "add", "3", 3);
    executor.takeOutbox();
    expect(executor.query("total", null)).toEqual({ resultText: "3" });
    expect(executor.takeOutbox()).toEqual([]);
  });

  it("say which queries the run has when the name is unknown, and pass on what the handler throws", async () => {
    const executor = await replay(async (ctx) => {
      ctx.onQuery("item", (index: number) => {
        if (typeof index !== "number") throw new TypeError(`item takes a number, got ${typeof index}`);
        return ["a", "b"][index] ?? null;
      });
      return ctx.awaitSignal("never", "1h");
    });
    expect(executor.query("item", 1)).toEqual({ resultText: '"b"' });
    expect(executor.query("price", 1)).toMatchObject({
      error: { name: "UnknownQueryError", message: expect.stringContaining('its query handlers: "item"') },
    });
    expect(executor.query("item", "x")).toMatchObject({ error: { message: "item takes a number, got string" } });
  });

  it("refuse a handler that runs a command, draws a random number, answers with a promise or with what is not JSON", async () => {
    const executor = await replay(async (ctx) => {
      ctx.onQuery("charge", () => ctx.execActivity("charge", 1));
      ctx.onQuery("dice", () => ctx.random());
      ctx.onQuery("later", async () => 1);
      ctx.onQuery("big", () => 10n);
      return ctx.awaitSignal("never", "1h");
    });
    expect(kinds(executor)).toEqual(["signal_request never#0"]);
    for (const name of ["charge", "dice"]) {
      expect(executor.query(name, null)).toMatchObject({
        error: { name: "ReadOnlyContextError", code: "READ_ONLY_CONTEXT" },
      });
    }
    expect(executor.query("later", null)).toMatchObject({ error: { name: "NotSynchronousError" } });
    expect(executor.query("big", null)).toMatchObject({ error: { name: "InvalidPayloadError" } });
    expect(executor.takeOutbox()).toEqual([]);
    expect(executor.pending()).toEqual([expect.objectContaining({ kind: "signal" })]);
  });

  it("refuse validators that run commands", async () => {
    const executor = await replay(async (ctx) => {
      ctx.onUpdate("x", () => 1, {
        validator: () => {
          void ctx.sleep("1s");
        },
      });
      return ctx.awaitSignal("never", "1h");
    });
    const refusal = executor.validateUpdate("x", null);
    expect(refusal).toMatchObject({ name: "ReadOnlyContextError" });
    expect(refusal?.message).toContain('ctx.sleep was called in the validator of update "x"');
    expect(new ReadOnlyContextError("ctx.sleep", "here").code).toBe("READ_ONLY_CONTEXT");
  });
});

describe("conditions", () => {
  it("resolve at once when the predicate holds, recording nothing", async () => {
    const executor = await replay(async (ctx) => ctx.condition(() => true, "1m"));
    expect(executor.outcome).toEqual({ kind: "completed", result: true });
    expect(executor.takeOutbox()).toEqual([]);
  });

  it("resolve after the event that makes the predicate hold, live and replayed alike", async () => {
    const workflow: Workflow = async (ctx) => {
      let seen = 0;
      void ctx.awaitSignal("bump", "1h").then(() => seen++);
      await ctx.condition(() => seen > 0);
      return "held";
    };
    const live = await replay(workflow);
    await live.deliver(newEvent.signalMessage("bump", 0, 1, "1", T0), { signalId: 1, message: 1 });
    expect(live.outcome).toEqual({ kind: "completed", result: "held" });
    const replayed = await replay(
      workflow,
      history(null, ev.awaitSignal("bump", 0, 3_600_000), ev.signal("bump", 0, 1)),
    );
    expect(replayed.outcome).toEqual({ kind: "completed", result: "held" });
  });

  it("with a timeout, record a condition_request whose timer resolves them with false", async () => {
    const executor = await replay(async (ctx) => ctx.condition(() => false, "2s"), history(null), T0 + 100);
    const [request] = executor.takeOutbox();
    expect([request?.type, request?.payloadText]).toEqual([
      "condition_request",
      JSON.stringify({ timeout: 2000, deadline: T0 + 2100 }),
    ]);
    expect(executor.pending()).toEqual([expect.objectContaining({ kind: "condition", deadline: T0 + 2100 })]);
    await executor.deliver(newEvent.conditionTimeout(0, T0 + 2100), { timedOut: true });
    expect(executor.outcome).toEqual({ kind: "completed", result: false });
    const replayed = await replay(
      async (ctx) => ctx.condition(() => false, "2s"),
      history(null, ev.condition(0, 2000), ev.conditionTimedOut(0)),
    );
    expect(replayed.outcome).toEqual({ kind: "completed", result: false });
  });

  it("with a timeout that hold record it, stop waiting for the timer, and replay without recording it again", async () => {
    const workflow: Workflow = async (ctx) => {
      let done = false;
      ctx.onUpdate("done", () => {
        done = true;
      });
      return ctx.condition(() => done, "1h");
    };
    const live = await replay(workflow);
    await live.acceptUpdate("u1", "done", "null", null);
    expect(kinds(live)).toEqual([
      "condition_request #0",
      "update_accepted done#0",
      "update_completed done#0",
      "condition_result #0",
    ]);
    expect(live.pending()).toEqual([]);
    expect(live.outcome).toEqual({ kind: "completed", result: true });
    const replayed = await replay(
      workflow,
      history(
        null,
        ev.condition(0, 3_600_000),
        ev.updateAccepted("done", 0, "u1", null),
        ev.updateResult("done", 0, "u1", null),
        ev.conditionHeld(0),
      ),
    );
    expect(replayed.outcome).toEqual({ kind: "completed", result: true });
    expect(replayed.takeOutbox()).toEqual([]);
  });

  it("reject when the run is cancelled, and when the predicate throws", async () => {
    let caught: unknown;
    const executor = await replay(async (ctx) => {
      try {
        await ctx.condition(() => false);
      } catch (error) {
        caught = error;
      }
      return ctx.condition(() => {
        throw new Error("bad predicate");
      });
    });
    await executor.deliver(newEvent.cancelDelivered(T0), null);
    expect(caught).toBeInstanceOf(CancelledError);
    expect(executor.outcome).toMatchObject({ kind: "failed", error: { message: "bad predicate" } });
  });
});
