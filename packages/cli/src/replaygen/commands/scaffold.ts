/**
 * The files `replaygen init` writes, by name inside the target folder (default `src`): what a
 * user writes next, in the order they read it. The manifest imports its activities from
 * activities.ts, so the worker never loads the manifest (and @replaykit/codegen stays a dev
 * dependency); the unit test uses the generated mock factory; the worker migrates, starts and
 * stops gracefully on SIGTERM and SIGINT; start.ts runs the workflow once, end to end, in one
 * command.
 */
export const SCAFFOLD: Readonly<Record<string, string>> = {
  "types.ts": `/** Everything an activity needs from outside: clients, pools, config. The worker passes it. */
export interface Backends {
  readonly salutation: string;
}

export interface GreetInput {
  readonly name: string;
}

export interface Greeting {
  readonly text: string;
}

export interface GreetResult {
  readonly text: string;
  /** When the workflow greeted, from flow.now(): the same on every replay. */
  readonly greetedAt: string;
}
`,
  "activities.ts": `import type { ActivityContext } from "@replaykit/runtime";
import type { Backends, GreetInput, Greeting } from "./types.js";

/** Side effects live in activities; one may run more than once, so keep it idempotent. */
export async function makeGreeting(_ctx: ActivityContext, backends: Backends, input: GreetInput): Promise<Greeting> {
  return { text: \`\${backends.salutation}, \${input.name}!\` };
}
`,
  "replay.ts": `// The manifest: what the namespace has. After every change run \`npx replaygen src/replay.ts\`
// (it writes replay_gen.ts beside this file); CI runs \`npx replaygen --check src/replay.ts\`.
import { activity, defineNamespace, workflow } from "@replaykit/codegen";
import { makeGreeting } from "./activities.js";
import type { GreetInput, GreetResult } from "./types.js";

export default defineNamespace({
  name: "hello",
  workflows: {
    greet: workflow<GreetInput, GreetResult>({ description: "Greets someone once." }),
  },
  activities: {
    makeGreeting: activity(makeGreeting, { description: "Builds the greeting.", retry: { maxAttempts: 3 } }),
  },
});
`,
  "workflow.ts": `import type { GreetWorkflow } from "./replay_gen.js";

/** Deterministic: time, randomness and the outside world only through the flow. */
export const greet: GreetWorkflow = async (flow, input) => {
  const { text } = await flow.makeGreeting(input);
  return { text, greetedAt: flow.now().toISOString() };
};
`,
  "workflow.test.ts": `import { describe, expect, it, vi } from "vitest";
import { mockGreetFlow } from "./replay_gen.js";
import { greet } from "./workflow.js";

describe("the greet workflow", () => {
  it("greets through the activity and takes the time from the flow", async () => {
    // Every Flow member is a vi.fn; activities answer as given here; now() is 2030-01-01T00:00:00.000Z.
    const flow = mockGreetFlow(vi.fn, { makeGreeting: async ({ name }) => ({ text: \`Hello, \${name}!\` }) });

    const result = await greet(flow, { name: "Ada" });

    expect(result).toEqual({ text: "Hello, Ada!", greetedAt: "2030-01-01T00:00:00.000Z" });
    expect(flow.makeGreeting).toHaveBeenCalledWith({ name: "Ada" });
  });
});
`,
  "worker.ts": `// The worker process: \`node dist/worker.js\` after \`npx replaygen src/replay.ts && npx tsc\`.
// It needs REPLAY_MYSQL_URL, e.g. mysql://app:secret@127.0.0.1:3306/app (MySQL 8 or MariaDB 10.6+).
import { createClient } from "@replaykit/runtime";
import { startHelloLoops } from "./replay_gen.js";
import { greet } from "./workflow.js";

const uri = process.env["REPLAY_MYSQL_URL"];
if (uri === undefined || uri === "") {
  console.error("worker: set REPLAY_MYSQL_URL, e.g. REPLAY_MYSQL_URL=mysql://app:secret@127.0.0.1:3306/app node dist/worker.js");
  process.exit(2);
}

const client = createClient({ uri });
// Creates or upgrades replaykit's tables; cheap when they are current.
await client.migrate();
const worker = startHelloLoops({ client, backends: { salutation: "Hello" }, workflows: { greet } });
await worker.start();
console.log("worker: running namespace hello; stop it with SIGTERM or Ctrl-C");

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(\`worker: \${signal}: finishing the work in hand, then stopping\`);
  await worker.stop();
  await client.close();
  console.log("worker: stopped");
}
process.once("SIGTERM", () => void stop("SIGTERM"));
process.once("SIGINT", () => void stop("SIGINT"));
`,
  "start.ts": `// One greet run, end to end: \`node dist/start.js Ada\` migrates, starts a worker in this process,
// starts a run, prints its result and stops. In the app, the worker is its own process
// (worker.ts) and your code only starts runs and reads results, as the two calls below do.
import { randomUUID } from "node:crypto";
import { createClient } from "@replaykit/runtime";
import { awaitGreetResult, runGreet, startHelloLoops } from "./replay_gen.js";
import { greet } from "./workflow.js";

const uri = process.env["REPLAY_MYSQL_URL"];
if (uri === undefined || uri === "") {
  console.error("start: set REPLAY_MYSQL_URL, e.g. REPLAY_MYSQL_URL=mysql://app:secret@127.0.0.1:3306/app node dist/start.js");
  process.exit(2);
}

const client = createClient({ uri });
await client.migrate();
const worker = startHelloLoops({ client, backends: { salutation: "Hello" }, workflows: { greet } });
const runId = \`greet-\${randomUUID()}\`;
await runGreet(client, runId, { name: process.argv[2] ?? "Ada" });
console.log(\`start: run \${runId} started; see it with: npx replaykit runs show greet \${runId}\`);
console.log(JSON.stringify(await awaitGreetResult(client, runId, { timeout: "30s" })));
await worker.stop();
await client.close();
`,
};

/** What `init` prints once the files are written: the build and run steps, in order. */
export function nextSteps(manifest: string, dir: string): string[] {
  const steps: [string, string][] = [
    [`npx replaygen ${manifest}`, `writes ${dir}/replay_gen.ts; again after every manifest change`],
    ["npx tsc", "type-checks and builds dist/ (the worker is dist/worker.js)"],
    [`npx vitest run --dir ${dir}`, `the unit test, ${dir}/workflow.test.ts (not its copy in dist/)`],
    ["REPLAY_MYSQL_URL=mysql://user:password@127.0.0.1:3306/app node dist/start.js Ada", "one run, end to end"],
    ["REPLAY_MYSQL_URL=mysql://user:password@127.0.0.1:3306/app node dist/worker.js", "the worker"],
    [`npx replaygen --check ${manifest}`, `in CI: fails when ${dir}/replay_gen.ts is stale`],
  ];
  const width = Math.max(
    ...steps.filter(([command]) => !command.startsWith("REPLAY_MYSQL_URL")).map(([c]) => c.length),
  );
  return [
    "replaygen: next:",
    ...steps.map(([command, what]) =>
      command.length > width ? `  ${command}` : `  ${command.padEnd(width)}  # ${what}`,
    ),
  ];
}
