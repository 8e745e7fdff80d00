import type { ActivityContext, RunContext } from "@replaykit/runtime";

export interface StepsInput {
  readonly n: number;
}

/** W1-W3 on replaykit: `n` no-op activities in sequence. */
export async function stepsWorkflow(ctx: RunContext, input: StepsInput): Promise<number> {
  for (let i = 0; i < input.n; i++) await ctx.execActivity("noop", i);
  return input.n;
}

export async function noopActivity(_ctx: ActivityContext, _backends: unknown, input: number): Promise<number> {
  return input;
}

export const STEPS_SETUP = {
  workflows: { steps: stepsWorkflow },
  activities: { noop: noopActivity },
} as const;
