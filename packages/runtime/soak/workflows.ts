import type { ActivityContext, ActivityRegistration, RunContext, WorkflowFn } from "../src/api.js";

/** The soak's namespace and its mix of workflows: sequences, a fan-out, a signal wait and a timer. */
export const NAMESPACE = "soak";

/** Each activity waits this long, so activities overlap as real I/O would. */
const ACTIVITY_MS = 5;

async function work(_ctx: ActivityContext, _backends: unknown, input: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ACTIVITY_MS));
  return input + 1;
}

const fast = { initialInterval: 100, maxInterval: 1000 } as const;
export const activities: Readonly<Record<string, ActivityRegistration>> = { work: { fn: work, retry: fast } };

/** Three activities in a row. */
async function sequence(ctx: RunContext, input: number): Promise<number> {
  let value = input;
  for (let i = 0; i < 3; i++) value = (await ctx.execActivity("work", value)) as number;
  return value;
}

/** Four activities at once, then one more. */
async function fanout(ctx: RunContext, input: number): Promise<number> {
  const results = (await Promise.all([0, 1, 2, 3].map((i) => ctx.execActivity("work", input + i)))) as number[];
  return (await ctx.execActivity(
    "work",
    results.reduce((a, b) => a + b, 0),
  )) as number;
}

/** An activity, then a "go" signal (sent by the producer), then another activity. */
async function signalled(ctx: RunContext, input: number): Promise<unknown> {
  const first = (await ctx.execActivity("work", input)) as number;
  const message = await ctx.awaitSignal("go", "30s");
  return { value: await ctx.execActivity("work", first), message: message ?? null };
}

/** A one-second durable timer between two activities. */
async function timer(ctx: RunContext, input: number): Promise<number> {
  const first = (await ctx.execActivity("work", input)) as number;
  await ctx.sleep("1s");
  return (await ctx.execActivity("work", first)) as number;
}

export const workflows: Readonly<Record<string, WorkflowFn>> = { sequence, fanout, signalled, timer };

/** The share of each workflow in the load, in order. */
export const MIX: readonly (readonly [string, number])[] = [
  ["sequence", 0.4],
  ["fanout", 0.2],
  ["signalled", 0.2],
  ["timer", 0.2],
];
