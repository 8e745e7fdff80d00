import { describe, expect, it } from "vitest";
import type { RunContext } from "../api.js";
import {
  ActivityFailure,
  CancelledError,
  ChildWorkflowFailure,
  InvalidPayloadError,
  NonDeterminismError,
} from "../errors.js";
import { newEvent } from "../history/index.js";
import { RunExecutor } from "./executor.js";
import { ev, history, T0 } from "./fixtures.js";

type Workflow = (ctx: RunContext, input: never) => Promise<unknown>;

const identity = { namespace: "ns", workflow: "wf", runId: "r1", iteration: 0 };

/** Replays `events` through `fn` and returns the executor, with its clock at `now`. */
async function replay(fn: Workflow, events = history(null), now = T0 + 60_000): Promise<RunExecutor> {
  const executor = new RunExecutor(identity, T0, { maxPayloadBytes: 1024 });
  executor.setClock(() => now);
  const created = events[0];
  await executor.start(fn, created?.payload, events);
  return executor;
}

const kinds = (executor: RunExecutor) => executor.takeOutbox().map((e) => `${e.type} ${e.target}#${e.seq}`);

describe("a new run", () => {
  it("records each command it issues, in order, and waits at the first await", async () => {
    const executor = await replay(async (ctx) => {
      await ctx.emitOutput("started", { ok: true });
      return ctx.execActivity("charge", { cents: 5 });
    });
    const outbox = executor.takeOutbox();
    expect(outbox.map((e) => [e.type, e.target, e.seq, e.payloadText])).toEqual([
      ["output", "started", 0, '{"ok":true}'],
      ["activity_request", "charge", 0, '{"cents":5}'],
    ]);
    expect(executor.pending().map((c) => `${c.kind} ${c.target}#${c.seq}`)).toEqual(["activity charge#0"]);
    expect(executor.outcome).toBeUndefined();
  });

  it("takes sleep and signal deadlines from the driver's clock when it asks", async () => {
    const executor = await replay(
      async (ctx) => Promise.all([ctx.sleep("2s"), ctx.awaitSignal("go", "1m")]),
      history(null),
      T0 + 500,
    );
    const [sleep, signal] = executor.takeOutbox();
    expect(sleep?.payloadText).toBe(JSON.stringify({ duration: 2000, deadline: T0 + 2500 }));
    expect(signal?.payloadText).toBe(JSON.stringify({ timeout: 60_000, deadline: T0 + 60_500 }));
    expect(executor.pending().map((c) => c.deadline)).toEqual([T0 + 2500, T0 + 60_500]);
  });

  it("refuses an activity input that is not JSON at the call, and records nothing for it", async () => {
    let caught: unknown;
    const executor = await replay(async (ctx) => {
      try {
        await ctx.execActivity("charge", { amount: 10n });
      } catch (error) {
        caught = error;
      }
      return "after";
    });
    expect(caught).toBeInstanceOf(InvalidPayloadError);
    expect((caught as InvalidPayloadError).path).toBe("$.amount");
    expect(executor.takeOutbox()).toEqual([]);
    expect(executor.outcome).toEqual({ kind: "completed", result: "after" });
  });
});

describe("replay of a recorded history", () => {
  const twoSteps: Workflow = async (ctx, input: { n: number }) => {
    const a = (await ctx.execActivity("inc", input.n)) as number;
    const b = (await ctx.execActivity("inc", a)) as number;
    return b;
  };

  it("feeds recorded results back and records only what comes after the history", async () => {
    const executor = await replay(twoSteps, history({ n: 1 }, ev.activity("inc", 0, 1), ev.result("inc", 0, 2)));
    expect(kinds(executor)).toEqual(["activity_request inc#1"]);
    expect(executor.pending()[0]?.input).toBe(2);
  });

  it("reaches the same outcome as the first time", async () => {
    const events = history(
      { n: 1 },
      ev.activity("inc", 0, 1),
      ev.result("inc", 0, 2),
      ev.activity("inc", 1, 2),
      ev.result("inc", 1, 3),
    );
    const executor = await replay(twoSteps, events);
    expect(executor.outcome).toEqual({ kind: "completed", result: 3 });
    expect(executor.takeOutbox()).toEqual([]);
  });

  it("delivers a recorded activity failure as ActivityFailure with its attempts", async () => {
    let caught: unknown;
    await replay(
      async (ctx) => {
        try {
          await ctx.execActivity("charge", null);
        } catch (error) {
          caught = error;
        }
      },
      history(null, ev.activity("charge", 0, null), ev.failure("charge", 0, "declined", 3)),
    );
    expect(caught).toBeInstanceOf(ActivityFailure);
    expect(caught).toMatchObject({ activity: "charge", seq: 0, attempts: 3, failure: { message: "declined" } });
  });

  it("delivers completions of parallel commands in the recorded order, whatever the issue order", async () => {
    const order: string[] = [];
    const executor = await replay(
      async (ctx) =>
        Promise.all(
          ["a", "b", "c"].map(async (name) => {
            const result = await ctx.execActivity(name, name);
            order.push(name);
            return result;
          }),
        ),
      history(
        null,
        ev.activity("a", 0, "a"),
        ev.activity("b", 0, "b"),
        ev.activity("c", 0, "c"),
        ev.result("c", 0, "C"),
        ev.result("a", 0, "A"),
        ev.result("b", 0, "B"),
      ),
    );
    expect(order).toEqual(["c", "a", "b"]);
    expect(executor.outcome).toEqual({ kind: "completed", result: ["A", "B", "C"] });
  });

  it("resolves sleeps, signals, timeouts and outputs from history, and now() follows the events", async () => {
    const seen: unknown[] = [];
    const executor = await replay(
      async (ctx) => {
        seen.push(ctx.now().getTime() - T0);
        await ctx.sleep(1000);
        seen.push(ctx.now().getTime() - T0);
        seen.push(await ctx.awaitSignal("go", 5000));
        seen.push(await ctx.awaitSignal("go", 5000));
        await ctx.emitOutput("done", seen.length);
        return seen;
      },
      history(
        null,
        ev.sleep(0, 1000),
        ev.slept(0, T0 + 1003),
        ev.awaitSignal("go", 0, 5000),
        ev.signal("go", 0, { now: true }, T0 + 2000),
        ev.awaitSignal("go", 1, 5000),
        ev.signalTimedOut("go", 1),
        ev.output("done", 0, 4),
      ),
    );
    expect(seen).toEqual([0, 1003, { now: true }, undefined]);
    expect(executor.outcome?.kind).toBe("completed");
    expect(executor.takeOutbox()).toEqual([]);
  });

  it("derives the stored text of a hand-written event from its payload", async () => {
    const executor = await replay(
      async (ctx) => ctx.execActivity("a", { b: [1, "x"] }),
      history(null, ev.activity("a", 0, { b: [1, "x"] }), ev.result("a", 0, "ok")),
    );
    expect(executor.fault).toBeUndefined();
    expect(executor.outcome).toEqual({ kind: "completed", result: "ok" });
  });
});

describe("non-determinism", () => {
  const recorded = history({ n: 1 }, ev.activity("inc", 0, 1), ev.result("inc", 0, 2));

  it("is a different activity at the same place, naming the run, the sequence and both sides", async () => {
    const executor = await replay(async (ctx) => ctx.execActivity("dec", 1), recorded);
    const fault = executor.fault as NonDeterminismError;
    expect(fault).toBeInstanceOf(NonDeterminismError);
    expect(fault.runId).toBe("r1");
    expect(fault.recorded).toContain("activity_request inc#0");
    expect(fault.issued).toContain("activity_request dec#0");
  });

  it("says how to fix it as both the generated Flow (flow.patched) and untyped code (ctx.patched) spell it", async () => {
    const executor = await replay(async (ctx) => ctx.execActivity("dec", 1), recorded);
    expect((executor.fault as NonDeterminismError).message).toContain(
      "put a change behind flow.patched(id) (ctx.patched(id) in untyped code)",
    );
  });

  it("is the same activity with another input", async () => {
    const executor = await replay(async (ctx) => ctx.execActivity("inc", 7), recorded);
    expect(executor.fault).toBeInstanceOf(NonDeterminismError);
    expect((executor.fault as NonDeterminismError).issued).toContain("with 7");
  });

  it("is another kind of command at the same place", async () => {
    const executor = await replay(async (ctx) => ctx.sleep(5), recorded);
    expect((executor.fault as NonDeterminismError).issued).toContain("sleep_request");
  });

  it("is a sleep of another duration, but not a different deadline", async () => {
    const slept = history(null, ev.sleep(0, 100, T0 + 999_999), ev.slept(0));
    expect((await replay(async (ctx) => ctx.sleep(100), slept)).fault).toBeUndefined();
    expect((await replay(async (ctx) => ctx.sleep(200), slept)).fault).toBeInstanceOf(NonDeterminismError);
  });

  it("is a recorded completion for a command the code never issued", async () => {
    const executor = await replay(async () => new Promise(() => {}), recorded);
    expect(executor.fault).toBeInstanceOf(NonDeterminismError);
    expect((executor.fault as NonDeterminismError).issued).toBe("no activity_request for it");
  });

  it("stops the workflow at the faulting command: nothing after it is recorded", async () => {
    let after = false;
    const executor = await replay(async (ctx) => {
      await ctx.execActivity("dec", 1);
      after = true;
    }, recorded);
    expect(after).toBe(false);
    expect(executor.takeOutbox()).toEqual([]);
    expect(executor.outcome).toBeUndefined();
  });
});

describe("cancellation", () => {
  it("rejects every waiting command with CancelledError, and the workflow may clean up", async () => {
    const executor = await replay(
      async (ctx) => {
        try {
          await Promise.all([ctx.execActivity("slow", null), ctx.sleep(1000)]);
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          await ctx.execActivity("cleanup", null);
          throw error;
        }
      },
      history(null, ev.activity("slow", 0, null), ev.sleep(0, 1000), ev.cancelDelivered()),
    );
    expect(executor.cancelDelivered).toBe(true);
    expect(kinds(executor)).toEqual(["activity_request cleanup#0"]);
  });

  it("refuses the next command when nothing waited at the moment it was delivered", async () => {
    const executor = await replay(async (ctx) => {
      await ctx.execActivity("a", null);
      return "not cancelled";
    });
    executor.takeOutbox();
    await executor.deliver(newEvent.activityResult("a", 0, '"x"', 1, T0), { result: "x", attempts: 1 });
    expect(executor.outcome?.kind).toBe("completed");

    const late = await replay(async (ctx) => {
      await ctx.sleep(10);
      await ctx.execActivity("b", null);
    });
    await late.deliver(newEvent.sleepDone(0, T0), null);
    expect(late.pending()).toHaveLength(1);
    const idle = await replay(async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await ctx.execActivity("b", null);
    });
    await idle.deliver(newEvent.cancelDelivered(T0), null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(idle.outcome).toMatchObject({ kind: "failed", error: expect.any(CancelledError) });
  });
});

describe("restart", () => {
  it("ends the iteration with the new input, and no later command is recorded", async () => {
    const executor = await replay(async (ctx, input: number) => {
      if (input < 5) await ctx.restart(input + 1);
      await ctx.execActivity("never", null);
    }, history(3));
    expect(executor.outcome).toEqual({ kind: "restart", input: 4 });
    expect(executor.takeOutbox()).toEqual([]);
  });
});

describe("deterministic helpers", () => {
  const sample = async (ctx: RunContext) => [ctx.random(), ctx.uuid(), ctx.now().getTime()];

  it("give the same values on every replay of a run, and others for another run", async () => {
    const first = await replay(sample);
    const again = await replay(sample);
    expect(first.outcome).toEqual(again.outcome);
    const other = new RunExecutor({ ...identity, runId: "r2" }, T0, { maxPayloadBytes: 1024 });
    await other.start(sample, null, history(null));
    expect(other.outcome).not.toEqual(first.outcome);
    const [random, uuid, now] = (first.outcome as { result: [number, string, number] }).result;
    expect(random).toBeGreaterThanOrEqual(0);
    expect(random).toBeLessThan(1);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(now).toBe(T0);
  });
});

describe("live delivery", () => {
  it("records the completion in the outbox and resumes the workflow", async () => {
    const executor = await replay(async (ctx) => ctx.execActivity("a", 1));
    executor.takeOutbox();
    await executor.deliver(newEvent.activityResult("a", 0, "2", 1, T0 + 5), { result: 2, attempts: 1 });
    expect(kinds(executor)).toEqual(["activity_response a#0"]);
    expect(executor.outcome).toEqual({ kind: "completed", result: 2 });
  });

  it("drops an answer for a command that is not waiting (late, or twice)", async () => {
    const executor = await replay(async (ctx) => ctx.execActivity("a", 1));
    await executor.deliver(newEvent.activityResult("zzz", 0, "2", 1, T0), { result: 2, attempts: 1 });
    expect(executor.fault).toBeUndefined();
    expect(executor.pending()).toHaveLength(1);
  });
});

describe("patches", () => {
  const patchedFlow: Workflow = async (ctx) => {
    const first = ctx.patched("p1");
    const again = ctx.patched("p1");
    await ctx.execActivity(first ? "new" : "old", null);
    return [first, again];
  };

  it("record a marker and take the new branch on a new run, with the same answer every time", async () => {
    const executor = await replay(patchedFlow);
    expect(kinds(executor)).toEqual(["patched p1#0", "activity_request new#0"]);
  });

  it("take the new branch when replaying a run that has the marker", async () => {
    const executor = await replay(
      patchedFlow,
      history(null, ev.patched("p1"), ev.activity("new", 0, null), ev.result("new", 0, 1)),
    );
    expect(executor.outcome).toEqual({ kind: "completed", result: [true, true] });
  });

  it("take the old branch when replaying a run recorded before the patch", async () => {
    const executor = await replay(patchedFlow, history(null, ev.activity("old", 0, null), ev.result("old", 0, 1)));
    expect(executor.fault).toBeUndefined();
    expect(executor.outcome).toEqual({ kind: "completed", result: [false, false] });
  });

  it("fault when a recorded marker meets code that no longer checks it, naming the patch", async () => {
    const executor = await replay(
      async (ctx) => ctx.execActivity("new", null),
      history(null, ev.patched("p1"), ev.activity("new", 0, null), ev.result("new", 0, 1)),
    );
    const fault = executor.fault as NonDeterminismError;
    expect(fault).toBeInstanceOf(NonDeterminismError);
    expect(fault.target).toBe("p1");
    expect(fault.recorded).toContain('patch marker "p1"');
  });

  it("answer false past the end of a history that ended without the marker (replayHistory)", async () => {
    const executor = await replay(
      async (ctx) => {
        await ctx.execActivity("a", null);
        return ctx.patched("later");
      },
      history(null, ev.activity("a", 0, null), ev.result("a", 0, 1), ev.completed(true)),
    );
    expect(executor.fault).toBeUndefined();
    expect(executor.outcome).toEqual({ kind: "completed", result: false });
  });

  it("accept histories with or without the marker once deprecated, and record nothing", async () => {
    const deprecated: Workflow = async (ctx) => {
      ctx.deprecatePatch("p1");
      return ctx.execActivity("new", null);
    };
    const marked = await replay(
      deprecated,
      history(null, ev.patched("p1"), ev.activity("new", 0, null), ev.result("new", 0, 1)),
    );
    expect(marked.outcome).toEqual({ kind: "completed", result: 1 });
    const unmarked = await replay(deprecated, history(null, ev.activity("new", 0, null), ev.result("new", 0, 2)));
    expect(unmarked.outcome).toEqual({ kind: "completed", result: 2 });
    const fresh = await replay(deprecated);
    expect(kinds(fresh)).toEqual(["activity_request new#0"]);
  });
});

describe("a history the code no longer reaches", () => {
  it("is non-determinism when the code ends before recorded commands, naming the first one left", async () => {
    const executor = await replay(
      async (ctx) => ctx.execActivity("a", null),
      history(null, ev.activity("a", 0, null), ev.result("a", 0, 1), ev.activity("charge", 0, 5)),
    );
    const fault = executor.fault as NonDeterminismError;
    expect(fault).toBeInstanceOf(NonDeterminismError);
    expect(fault.recorded).toContain("activity_request charge#0");
    expect(executor.outcome).toBeUndefined();
  });

  it("is non-determinism when the code waits elsewhere while recorded commands are left", async () => {
    const executor = await replay(async () => new Promise(() => {}), history(null, ev.activity("a", 0, null)));
    expect((executor.fault as NonDeterminismError).issued).toContain("waits elsewhere");
  });

  it("is non-determinism when the code issues a command past the recorded end of the iteration", async () => {
    const executor = await replay(
      async (ctx) => {
        await ctx.execActivity("a", null);
        return ctx.execActivity("b", null);
      },
      history(null, ev.activity("a", 0, null), ev.result("a", 0, 1), ev.completed(1)),
    );
    expect((executor.fault as NonDeterminismError).recorded).toContain("the iteration's end (completed)");
  });
});

describe("commands refused at the call", () => {
  it("reject an unusable name or duration into the workflow, and record nothing", async () => {
    const errors: string[] = [];
    const executor = await replay(async (ctx) => {
      for (const attempt of [
        () => ctx.execActivity("x".repeat(300), null),
        () => ctx.sleep(1e300),
        () => ctx.awaitSignal("a/b", "1s"),
        () => ctx.emitOutput("", 1),
      ]) {
        await attempt().catch((error: Error) => errors.push(error.name));
      }
      return errors.length;
    });
    expect(errors).toEqual(["InvalidNameError", "ReplayError", "InvalidNameError", "InvalidNameError"]);
    expect(executor.takeOutbox()).toEqual([]);
    expect(executor.outcome).toEqual({ kind: "completed", result: 4 });
  });
});

describe("child runs and signals to other runs", () => {
  it("record a child start and a sent signal, wait for runChild, and go on after startChild", async () => {
    const executor = await replay(async (ctx) => {
      await ctx.startChild("mail", "m1", { to: "ana" });
      await ctx.signalRun("order", "o1", "paid", { cents: 5 }, "pay-1");
      return ctx.runChild("refund", "r1", { cents: 5 }, { timeout: "1h" });
    });
    const outbox = executor.takeOutbox();
    expect(outbox.map((e) => [e.type, e.target, e.payloadText])).toEqual([
      ["child_request", "mail", '{"runId":"m1","input":{"to":"ana"},"wait":false}'],
      ["signal_sent", "order", '{"runId":"o1","signal":"paid","message":{"cents":5},"externalId":"pay-1"}'],
      ["child_request", "refund", '{"runId":"r1","input":{"cents":5},"wait":true,"timeout":3600000}'],
    ]);
    expect(executor.pending().map((c) => `${c.kind} ${c.target}#${c.seq}`)).toEqual(["child refund#0"]);
  });

  it("deliver a child's result from history, and its failure as ChildWorkflowFailure", async () => {
    const flow: Workflow = async (ctx) => {
      const first = await ctx.runChild("square", "s1", 3);
      try {
        await ctx.runChild("square", "s2", -1);
        return "no failure";
      } catch (error) {
        return { first, failure: error };
      }
    };
    const executor = await replay(
      flow,
      history(
        null,
        ev.child("square", 0, "s1", 3),
        ev.childDone("square", 0, "s1", 9),
        ev.child("square", 1, "s2", -1),
        ev.childFailed("square", 1, "s2", "negative"),
      ),
    );
    const result = (executor.outcome as { result: { first: number; failure: ChildWorkflowFailure } }).result;
    expect(result.first).toBe(9);
    expect(result.failure).toBeInstanceOf(ChildWorkflowFailure);
    expect(result.failure).toMatchObject({ workflow: "square", runId: "s2", status: "failed" });
  });

  it("is non-determinism when a child is started with another run id than recorded", async () => {
    const executor = await replay(
      async (ctx) => ctx.runChild("square", "other", 3),
      history(null, ev.child("square", 0, "s1", 3), ev.childDone("square", 0, "s1", 9)),
    );
    expect(executor.fault).toBeInstanceOf(NonDeterminismError);
  });

  it("record a child's queue last, and match a recorded child whatever queue it was started in", async () => {
    const started = await replay(async (ctx) => ctx.startChild("mail", "m1", "hi", { queue: "outbox" }));
    expect(started.takeOutbox().map((e) => e.payloadText)).toEqual([
      '{"runId":"m1","input":"hi","wait":false,"queue":"outbox"}',
    ]);
    // Recorded without a queue (before the workflow had a default one), replayed with one, and the other way round.
    const cases = [
      [undefined, "outbox"],
      ["outbox", undefined],
      ["outbox", "mail"],
    ] as const;
    for (const [recordedQueue, codeQueue] of cases) {
      const child = ev.child("mail", 0, "m1", "hi", false);
      const queue = recordedQueue === undefined ? {} : { queue: recordedQueue };
      const recorded = { ...child, payload: { ...(child.payload as object), ...queue } } as typeof child;
      const executor = await replay(
        async (ctx) => {
          await ctx.startChild("mail", "m1", "hi", codeQueue === undefined ? {} : { queue: codeQueue });
          return "started";
        },
        history(null, recorded),
      );
      expect(executor.fault).toBeUndefined();
      expect(executor.outcome).toEqual({ kind: "completed", result: "started" });
    }
  });

  it("replays a sent signal without sending it again", async () => {
    const executor = await replay(
      async (ctx) => {
        await ctx.signalRun("order", "o1", "paid", 1, "p1");
        return "sent";
      },
      history(null, ev.sent("order", 0, "o1", "paid", 1, "p1")),
    );
    expect(executor.takeOutbox()).toEqual([]);
    expect(executor.outcome).toEqual({ kind: "completed", result: "sent" });
  });
});
