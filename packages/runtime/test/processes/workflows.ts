import type { Pool } from "mysql2/promise";
import type { ActivityContext, ActivityRegistration, RunContext, WorkflowFn } from "../../src/types.js";
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

const fast = { initialInterval: 100, maxInterval: 1000 } as const;
const registered: ActivityRegistration = { fn: step, retry: fast };

/** Five activities, all the same step function, retried quickly. */
export const activities: Readonly<Record<string, ActivityRegistration>> = {
  a: registered,
  b: registered,
  c: registered,
  d: registered,
  e: registered,
};

/** Three activities in a row. */
async function three(ctx: RunContext, input: number): Promise<number> {
  let value = input;
  for (const name of ["a", "b", "c"]) value = (await ctx.execActivity(name, value)) as number;
  return value;
}

/** Two activities, a signal, a 200 ms sleep, three more activities. */
async function chaos(ctx: RunContext, input: number): Promise<{ value: number; message: unknown }> {
  let value = input;
  for (const name of ["a", "b"]) value = (await ctx.execActivity(name, value)) as number;
  const message = await ctx.awaitSignal("go", "1h");
  await ctx.sleep(200);
  for (const name of ["c", "d", "e"]) value = (await ctx.execActivity(name, value)) as number;
  return { value, message };
}

export const NAMESPACE = "procs";

export const workflows: Readonly<Record<string, WorkflowFn>> = { three, chaos };
