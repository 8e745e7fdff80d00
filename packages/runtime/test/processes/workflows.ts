import type { Pool, ResultSetHeader } from "mysql2/promise";
import type { ActivityContext, ActivityRegistration, EventTrigger, RunContext, WorkflowFn } from "../../src/api.js";
import { NonRetryableError, Saga } from "../../src/index.js";
import { recordExecution } from "./executions.js";

/** What every activity of the process tests receives as backends. */
export interface ProcessBackends {
  readonly pool: Pool;
  /** The worker process's identity, written into each execution row. */
  readonly worker: string;
  /** Each activity waits up to this long (random) after recording itself, so kills land mid-activity. */
  readonly delayMs: number;
}

/** Records the execution, waits a little, and returns its input plus one. */
async function step(ctx: ActivityContext, backends: ProcessBackends, input: number): Promise<number> {
  await recordExecution(backends.pool, ctx, backends.worker);
  if (backends.delayMs > 0) await pause(Math.floor(Math.random() * backends.delayMs), ctx.signal);
  return input + 1;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Like step, with three chunks of progress on stream "progress" over its pause, so kills land mid-stream. */
async function streamingStep(ctx: ActivityContext, backends: ProcessBackends, input: number): Promise<number> {
  await recordExecution(backends.pool, ctx, backends.worker);
  for (let part = 0; part < 3; part++) {
    await ctx.writeStream("progress", { input, part });
    if (backends.delayMs > 0) await pause(Math.floor((Math.random() * backends.delayMs) / 3), ctx.signal);
  }
  return input + 1;
}

/** Writes `n` chunks "<seq>:<i>" to stream `key`, `pauseMs` apart. */
async function tokens(
  ctx: ActivityContext,
  backends: ProcessBackends,
  input: { n: number; pauseMs: number; key: string },
): Promise<number> {
  await recordExecution(backends.pool, ctx, backends.worker);
  for (let i = 0; i < input.n; i++) {
    await ctx.writeStream(input.key, `${ctx.seq}:${i}`);
    if (input.pauseMs > 0) await pause(input.pauseMs, ctx.signal);
  }
  return input.n;
}

const fast = { initialInterval: 100, maxInterval: 1000 } as const;
const registered: ActivityRegistration = { fn: step, retry: fast };

/** Records the execution and fails for good: the step a saga cannot get past. */
async function broken(ctx: ActivityContext, backends: ProcessBackends): Promise<never> {
  await recordExecution(backends.pool, ctx, backends.worker);
  throw new NonRetryableError("step 4 cannot be done");
}

/** Holds a slot for `ms`, recording when it began and ended in the spans table. */
async function hold(
  ctx: ActivityContext,
  backends: ProcessBackends,
  input: { ms: number; key: string },
): Promise<null> {
  const [result] = await backends.pool.query<ResultSetHeader>(
    "INSERT INTO spans (run_id, concurrency_key, worker, started_at) VALUES (?, ?, ?, ?)",
    [ctx.runId, input.key, backends.worker, Date.now()],
  );
  await new Promise((resolve) => setTimeout(resolve, input.ms));
  await backends.pool.query("UPDATE spans SET ended_at = ? WHERE id = ?", [Date.now(), result.insertId]);
  return null;
}

/** Records its start, then waits until its attempt is aborted (a terminated run), recording that too. */
async function block(ctx: ActivityContext, backends: ProcessBackends): Promise<never> {
  await recordExecution(backends.pool, ctx, backends.worker);
  return new Promise((_, reject) => {
    ctx.signal.addEventListener("abort", () => {
      void backends.pool
        .query(
          "INSERT INTO executions (run_id, activity, seq, attempt, worker, at) VALUES (?, 'aborted', 0, 0, ?, ?)",
          [ctx.runId, backends.worker, Date.now()],
        )
        .finally(() => reject(ctx.signal.reason));
    });
  });
}

/** Records the execution, then, on worker `holdOn`, holds it for `holdMs` (a window to kill it in). */
async function notify(
  ctx: ActivityContext,
  backends: ProcessBackends,
  input: { holdMs: number; holdOn?: string },
): Promise<null> {
  await recordExecution(backends.pool, ctx, backends.worker);
  if (input.holdOn === backends.worker) await pause(input.holdMs, ctx.signal);
  return null;
}

/** Records the execution and waits `input.ms` (aborted when the worker stops): a step a kill lands in. */
async function dwell(ctx: ActivityContext, backends: ProcessBackends, input: { ms: number }): Promise<number> {
  await recordExecution(backends.pool, ctx, backends.worker);
  await pause(input.ms, ctx.signal);
  return input.ms;
}

/** Five activities, all the same step function, retried quickly; `undo` compensates; `broken` always fails. */
export const activities: Readonly<Record<string, ActivityRegistration>> = {
  a: registered,
  b: registered,
  c: { fn: streamingStep, retry: fast },
  d: registered,
  e: registered,
  undo: registered,
  broken,
  hold: { fn: hold, retry: fast },
  /** `hold` through activity queue "mail" (its limits: the worker's `queues`). */
  mail: { fn: hold, retry: fast, queue: "mail" },
  block,
  notify: { fn: notify, retry: fast },
  tokens: { fn: tokens, retry: fast },
  dwell: { fn: dwell, retry: fast },
};

/** Three activities in a row. */
async function three(ctx: RunContext, input: number): Promise<number> {
  let value = input;
  for (const name of ["a", "b", "c"]) value = (await ctx.execActivity(name, value)) as number;
  return value;
}

/**
 * Two activities, a signal, a 200 ms sleep, three more activities (c streams its progress); the
 * name of each activity done is written to stream "log".
 */
async function chaos(ctx: RunContext, input: number): Promise<{ value: number; message: unknown }> {
  let value = input;
  for (const name of ["a", "b"]) {
    value = (await ctx.execActivity(name, value)) as number;
    await ctx.writeStream("log", name);
  }
  const message = await ctx.awaitSignal("go", "1h");
  await ctx.sleep(200);
  for (const name of ["c", "d", "e"]) {
    value = (await ctx.execActivity(name, value)) as number;
    await ctx.writeStream("log", name);
  }
  return { value, message };
}

/** Streams `n` tokens from `writers` activities at once, all to stream "answer", then closes it. */
async function answer(ctx: RunContext, input: { n: number; pauseMs: number; writers: number }): Promise<number> {
  const writers = Array.from({ length: input.writers }, () =>
    ctx.execActivity("tokens", { n: input.n, pauseMs: input.pauseMs, key: "answer" }),
  );
  const counts = (await Promise.all(writers)) as number[];
  await ctx.closeStream("answer");
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * `chaos` with an update: `bump` (validated) runs activity `a` on the value plus its input, and
 * the run waits for one bump before its last three activities (the names of a to e written to
 * stream "log" as in `chaos`, c streaming its progress). The chaos test sends every run
 * its bump twice with one update id: it must be applied once.
 */
async function chaosUpdate(
  ctx: RunContext,
  input: number,
): Promise<{ value: number; message: unknown; bumps: number }> {
  let value = input;
  let bumps = 0;
  ctx.onUpdate(
    "bump",
    async (by: number) => {
      value = (await ctx.execActivity("a", value + by)) as number;
      bumps++;
      return value;
    },
    {
      validator: (by: number) => {
        if (!(by > 0)) throw new Error(`bump by a positive number, not ${by}`);
      },
    },
  );
  for (const name of ["a", "b"]) {
    value = (await ctx.execActivity(name, value)) as number;
    await ctx.writeStream("log", name);
  }
  const message = await ctx.awaitSignal("go", "1h");
  await ctx.sleep(200);
  await ctx.condition(() => bumps > 0);
  for (const name of ["c", "d", "e"]) {
    value = (await ctx.execActivity(name, value)) as number;
    await ctx.writeStream("log", name);
  }
  return { value, message, bumps };
}

/** Three children of workflow `three` in parallel; the sum of their results. */
async function family(ctx: RunContext, input: number): Promise<number> {
  const children = [0, 1, 2].map((i) => ctx.runChild("three", `${ctx.runId}-child-${i}`, input + i) as Promise<number>);
  return (await Promise.all(children)).reduce((a, b) => a + b, 0);
}

/** Steps 1-3 done, step 4 fails: compensations undo 3, 2, 1 (each an `undo` activity). */
async function saga(ctx: RunContext, input: number): Promise<string> {
  const compensations = new Saga();
  try {
    for (const [index, name] of ["a", "b", "c"].entries()) {
      await ctx.execActivity(name, input);
      compensations.add(() => ctx.execActivity("undo", input * 100 + index));
    }
    await ctx.execActivity("broken", input);
    return "unreachable";
  } catch (error) {
    await compensations.compensate();
    return `compensated after ${(error as Error).name}`;
  }
}

/** One activity that holds a queue slot for a while. */
async function queued(ctx: RunContext, input: { ms: number; key: string }): Promise<null> {
  return (await ctx.execActivity("hold", input)) as null;
}

/** Creates a token, says so (an activity that holds its worker a while), then awaits the token. */
async function approval(
  ctx: RunContext,
  input: { holdMs: number; holdOn?: string },
): Promise<{ id: string; value: unknown }> {
  const { id } = await ctx.createToken({ timeout: "1h" });
  await ctx.execActivity("notify", input);
  return { id, value: await ctx.awaitToken(id) };
}

/**
 * The chaos workload's waits: an activity, a token the producer completes, an event the producer
 * publishes (looked back on an hour, as it may come first), another activity.
 */
async function waits(ctx: RunContext, input: number): Promise<{ value: number; approved: unknown; paid: unknown }> {
  let value = (await ctx.execActivity("a", input)) as number;
  const { id } = await ctx.createToken({ timeout: "1h" });
  const approved = await ctx.awaitToken(id);
  const paid = await ctx.waitForEvent("paid", { key: ctx.runId, timeout: "1h", lookback: "1h" });
  value = (await ctx.execActivity("b", value)) as number;
  return { value, approved, paid };
}

/** Started by event "order" (see triggers). */
async function onOrder(ctx: RunContext, input: { n: number }): Promise<number> {
  return (await ctx.execActivity("a", input.n)) as number;
}

/**
 * An account: each `deposit` update runs `dwell` for `ms` before it adds `amount` and answers the
 * balance; `balance` reads it; `close` ends the run with the balance.
 */
async function account(ctx: RunContext, opening: number): Promise<number> {
  let balance = opening;
  let closed = false;
  ctx.onUpdate(
    "deposit",
    async (input: { amount: number; ms: number }) => {
      await ctx.execActivity("dwell", { ms: input.ms });
      balance += input.amount;
      return balance;
    },
    {
      validator: (input: { amount: number }) => {
        if (!(input.amount > 0)) throw new Error(`deposit a positive amount, not ${input.amount}`);
      },
    },
  );
  ctx.onUpdate("close", () => {
    closed = true;
  });
  ctx.onQuery("balance", () => balance);
  await ctx.condition(() => closed);
  return balance;
}

/** One attempt of `mail`, which goes through activity queue "mail". */
async function mailer(ctx: RunContext, input: { ms: number; key: string }): Promise<null> {
  return (await ctx.execActivity("mail", input)) as null;
}

/** The message of signal "go". */
async function waiter(ctx: RunContext): Promise<unknown> {
  return ctx.awaitSignal("go", "1h");
}

/** An activity that runs until its attempt is aborted. */
async function blocker(ctx: RunContext): Promise<unknown> {
  return ctx.execActivity("block", null);
}

export const NAMESPACE = "procs";

export const workflows: Readonly<Record<string, WorkflowFn>> = {
  three,
  chaos,
  chaosUpdate,
  family,
  saga,
  queued,
  account,
  mailer,
  waiter,
  blocker,
  approval,
  waits,
  onOrder,
  answer,
};

/** The triggers of a worker process started with `triggers: true`. */
export const triggers: Readonly<Record<string, EventTrigger>> = {
  onOrder: { event: "order", runId: (input: { n: number }) => `order-${input.n}` },
};
