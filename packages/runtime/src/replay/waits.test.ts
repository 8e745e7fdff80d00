import { describe, expect, it } from "vitest";
import type { RunContext } from "../api.js";
import { NonDeterminismError, TokenTimeoutError, UnknownTokenError } from "../errors.js";
import { newEvent } from "../history/index.js";
import { RunExecutor } from "./executor.js";
import { ev, history, T0 } from "./fixtures.js";

type Workflow = (ctx: RunContext, input: never) => Promise<unknown>;

const identity = { namespace: "ns", workflow: "wf", runId: "r1", iteration: 0 };

/** Replays `events` through `fn` with token ids tok_1, tok_2, ... from the driver, its clock at `now`. */
async function replay(fn: Workflow, events = history(null), now = T0): Promise<RunExecutor> {
  let ids = 0;
  const executor = new RunExecutor(identity, T0, { maxPayloadBytes: 1024, newTokenId: () => `tok_${++ids}` });
  executor.setClock(() => now);
  await executor.start(fn, events[0]?.payload, events);
  return executor;
}

const shapes = (executor: RunExecutor) =>
  executor.takeOutbox().map((e) => [e.type, e.target, e.seq, e.payloadText] as const);

describe("a completion token", () => {
  const approval: Workflow = async (ctx) => {
    const token = await ctx.createToken({ timeout: "1h", name: "approval" });
    return { id: token.id, decision: await ctx.awaitToken(token.id) };
  };

  it("is created with the driver's id, recorded with its expiry, and awaited until it expires", async () => {
    const executor = await replay(approval);
    expect(shapes(executor)).toEqual([
      ["token_created", "approval", 0, JSON.stringify({ id: "tok_1", timeout: 3_600_000, deadline: T0 + 3_600_000 })],
      ["token_awaited", "tok_1", 0, JSON.stringify({ deadline: T0 + 3_600_000 })],
    ]);
    expect(executor.pending().map((c) => [c.kind, c.target, c.deadline])).toEqual([
      ["tokenAwait", "tok_1", T0 + 3_600_000],
    ]);
  });

  it("keeps its recorded id on replay, where the driver is not asked for one", async () => {
    const recorded = history(
      null,
      ev.token("approval", 0, "tok_recorded", 3_600_000),
      ev.awaitToken("tok_recorded", 0, T0 + 3_600_000),
      ev.tokenDone("tok_recorded", 0, { value: "yes" }),
    );
    const executor = await replay(approval, recorded);
    expect(executor.takeOutbox()).toEqual([]);
    expect(executor.outcome).toEqual({ kind: "completed", result: { id: "tok_recorded", decision: "yes" } });
  });

  it("rejects the await with failToken's error, or with TokenTimeoutError", async () => {
    const caught: unknown[] = [];
    const twice: Workflow = async (ctx) => {
      for (const name of ["a", "b"]) {
        const { id } = await ctx.createToken({ name, timeout: 1000 });
        await ctx.awaitToken(id).catch((error: unknown) => caught.push(error));
      }
      return "done";
    };
    const failure = { error: { name: "Declined", message: "the manager said no", code: "NO" } };
    const recorded = history(
      null,
      ev.token("a", 0, "tok_a", 1000),
      ev.awaitToken("tok_a", 0, T0 + 1000),
      ev.tokenDone("tok_a", 0, failure),
      ev.token("b", 0, "tok_b", 1000),
      ev.awaitToken("tok_b", 0, T0 + 1000),
      ev.tokenDone("tok_b", 0, { timedOut: true }),
    );
    const executor = await replay(twice, recorded);
    expect(executor.outcome).toEqual({ kind: "completed", result: "done" });
    expect(caught[0]).toBeInstanceOf(Error);
    expect(caught[0]).toMatchObject({ name: "Declined", message: "the manager said no", code: "NO" });
    expect(caught[1]).toBeInstanceOf(TokenTimeoutError);
    expect(caught[1]).toMatchObject({ tokenId: "tok_b", deadline: T0 + 1000 });
  });

  it("awaited twice gives both awaits the one completion", async () => {
    const executor = await replay(async (ctx) => {
      const { id } = await ctx.createToken();
      return Promise.all([ctx.awaitToken(id), ctx.awaitToken(id)]);
    });
    expect(shapes(executor).map(([type]) => type)).toEqual(["token_created", "token_awaited"]);
    await executor.deliver(newEvent.tokenCompleted("tok_1", 0, '{"value":7}', T0 + 5), { value: 7 });
    expect(executor.outcome).toEqual({ kind: "completed", result: [7, 7] });
  });

  it("of another run, or never created, is refused at the await with UnknownTokenError and records nothing", async () => {
    let caught: unknown;
    const executor = await replay(async (ctx) => {
      caught = await ctx.awaitToken("tok_elsewhere").catch((error: unknown) => error);
      return "went on";
    });
    expect(caught).toBeInstanceOf(UnknownTokenError);
    expect(executor.takeOutbox()).toEqual([]);
    expect(executor.outcome).toEqual({ kind: "completed", result: "went on" });
  });

  it("created with another timeout than recorded is a non-determinism", async () => {
    const recorded = history(null, ev.token("approval", 0, "tok_1", 60_000));
    const executor = await replay(approval, recorded);
    expect(executor.fault).toBeInstanceOf(NonDeterminismError);
  });
});

describe("an event wait", () => {
  const verified: Workflow = async (ctx) =>
    ctx.waitForEvent("user.verified", { key: "u-1", timeout: "1d", lookback: "5m" });

  it("is recorded with its key, timeout and lookback, and the window it matches", async () => {
    const executor = await replay(verified, history(null), T0 + 1000);
    expect(shapes(executor)).toEqual([
      [
        "event_awaited",
        "user.verified",
        0,
        JSON.stringify({
          key: "u-1",
          timeout: 86_400_000,
          lookback: 300_000,
          since: T0 + 1000 - 300_000,
          deadline: T0 + 1000 + 86_400_000,
        }),
      ],
    ]);
    expect(executor.pending().map((c) => [c.kind, c.target, c.deadline])).toEqual([
      ["eventWait", "user.verified", T0 + 1000 + 86_400_000],
    ]);
  });

  it("resolves with the data of the event received, as recorded, or undefined on timeout", async () => {
    const received = { eventId: "e1", name: "user.verified", key: "u-1", publishedAt: T0 - 10, data: { ok: 1 } };
    const wait = { key: "u-1", timeout: 86_400_000, lookback: 300_000 };
    const got = await replay(
      verified,
      history(null, ev.awaitEvent("user.verified", 0, wait), ev.eventReceived("user.verified", 0, received)),
    );
    expect(got.outcome).toEqual({ kind: "completed", result: { ok: 1 } });
    const timedOut = await replay(
      verified,
      history(null, ev.awaitEvent("user.verified", 0, wait), ev.eventReceived("user.verified", 0, { timedOut: true })),
    );
    expect(timedOut.outcome).toEqual({ kind: "completed", result: undefined });
  });

  it("with another key than recorded is a non-determinism", async () => {
    const recorded = history(
      null,
      ev.awaitEvent("user.verified", 0, { key: "u-2", timeout: 86_400_000, lookback: 300_000 }),
    );
    expect((await replay(verified, recorded)).fault).toBeInstanceOf(NonDeterminismError);
  });

  it("refuses a bad key or a missing timeout at the call", async () => {
    const errors: unknown[] = [];
    await replay(async (ctx) => {
      errors.push(await ctx.waitForEvent("e", { key: "a/b", timeout: 1 }).catch((error: unknown) => error));
      errors.push(
        await ctx.waitForEvent("e", {} as { timeout: number }).catch((error: unknown) => (error as Error).name),
      );
      return null;
    });
    expect(errors[0]).toMatchObject({ name: "InvalidNameError" });
    expect(errors[1]).toBe("ReplayError");
  });
});
