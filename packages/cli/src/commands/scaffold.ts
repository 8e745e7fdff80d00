/** The files `replaygen init` writes. */
export const SCAFFOLD: Readonly<Record<string, string>> = {
  "types.ts": `/** Everything an activity needs from outside: clients, pools, config. */
export interface Backends {
  readonly greeter: { greet(name: string): Promise<string> };
}

export interface GreetInput {
  readonly name: string;
}

export interface GreetResult {
  readonly text: string;
}
`,
  "activities.ts": `import type { ActivityContext } from "@replaykit/runtime";
import type { Backends, GreetInput, GreetResult } from "./types.js";

/** Side effects live in activities; they may run more than once, so keep them idempotent. */
export async function greet(_ctx: ActivityContext, backends: Backends, input: GreetInput): Promise<GreetResult> {
  return { text: await backends.greeter.greet(input.name) };
}
`,
  "replay.ts": `import { activity, defineNamespace, workflow } from "@replaykit/codegen";
import { greet } from "./activities.js";
import type { GreetInput, GreetResult } from "./types.js";

export default defineNamespace({
  name: "hello",
  workflows: {
    hello: workflow<GreetInput, GreetResult>({ description: "Greets someone once." }),
  },
  activities: {
    greet: activity(greet, { description: "Builds the greeting.", retry: { maxAttempts: 3 } }),
  },
});
`,
  "workflow.ts": `import type { HelloWorkflow } from "./replay_gen.js";

/** Deterministic: only the flow may touch time, randomness and the outside world. */
export const hello: HelloWorkflow = async (flow, input) => {
  return flow.greet(input);
};
`,
};
