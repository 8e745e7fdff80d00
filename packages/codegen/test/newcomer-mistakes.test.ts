import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { manifestHash } from "../src/generate/manifest-hash.js";
import type {
  ActivityConfig,
  NamespaceConfig,
  ScheduleConfig,
  SignalDef,
  TriggerConfig,
  WorkflowConfig,
} from "../src/index.js";
import type { OPTION_KEYS } from "../src/reader/option-keys.js";
import { HEADER, manifestCases } from "./manifest-problems.js";

const { problemsOf, expectProblem, generated, cleanup } = manifestCases("newcomer-mistakes");
afterAll(cleanup);

const act = 'act: activity(act, { description: "Acts." })';

describe("a misspelled manifest key", () => {
  it("is refused at its line and column, with the key it most likely meant", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ok: workflow<In, In>({ description: "d", ouputs: { done: output<In>({ description: "d" }) } }) }, activities: { ${act} } });`,
      "ouputs",
      /^replay\.ts:\d+:\d+: workflow "ok" has no option "ouputs": did you mean "outputs"\? \(it takes description, signals, outputs, input, output, register, children, queue, updates, queries, secret, tags, trigger, streams\)$/,
    );
  });

  it("is refused in activities, signals, schedules and defineNamespace itself", () => {
    const { errors } = problemsOf(
      `export default defineNamespace({ name: "n", workflow: {}, workflows: { ok: workflow<In, In>({ description: "d", signals: { go: signal<In>({ descripton: "d" }) } }) }, activities: { act: activity(act, { description: "Acts.", timout: "1s" }) }, schedules: { s: schedule({ workflow: "ok", cron: "* * * * *", input: { id: "1" }, timeZone: "UTC" }) } });`,
    );
    const unknown = errors.filter((error) => error.code === "UNKNOWN_OPTION");
    expect(unknown.map((error) => error.message.replace(/^replay\.ts:\d+:\d+: /, ""))).toEqual([
      'defineNamespace({ ... }) has no option "workflow": did you mean "workflows"? (it takes name, workflows, activities, queues, schedules, register)',
      'signal "go" has no option "descripton": did you mean "description"? (it takes description, schema)',
      'activity "act" has no option "timout": did you mean "timeout"? (it takes description, retry, timeout, heartbeatTimeout, scheduleToCloseTimeout, register, secret, queue, streams)',
      'schedule "s" has no option "timeZone": did you mean "timezone"? (it takes description, workflow, cron, timezone, input, overlap, catchup)',
    ]);
  });

  it("without a near key, lists the keys the call takes", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ok: workflow<In, In>({ description: "d", retries: 3 }) }, activities: { ${act} } });`,
      "retries",
      /workflow "ok" has no option "retries": it takes description, signals/,
    );
  });

  it("checks against the keys the manifest API declares", () => {
    type Keys<T> = Exclude<keyof T, "kind">;
    expectTypeOf<(typeof OPTION_KEYS)["defineNamespace"][number]>().toEqualTypeOf<keyof NamespaceConfig>();
    expectTypeOf<(typeof OPTION_KEYS)["workflow"][number]>().toEqualTypeOf<keyof WorkflowConfig<unknown, unknown>>();
    expectTypeOf<(typeof OPTION_KEYS)["activity"][number]>().toEqualTypeOf<keyof ActivityConfig>();
    expectTypeOf<(typeof OPTION_KEYS)["signal"][number]>().toEqualTypeOf<Keys<SignalDef<unknown>>>();
    expectTypeOf<(typeof OPTION_KEYS)["schedule"][number]>().toEqualTypeOf<keyof ScheduleConfig>();
    expectTypeOf<(typeof OPTION_KEYS)["onEvent"][number]>().toEqualTypeOf<keyof TriggerConfig<unknown>>();
  });
});

describe("a misspelled type name", () => {
  it("is reported as a name the compiler cannot find, at the name, with the near one in scope", () => {
    expectProblem(
      `export interface EmailVerified { readonly at: string }
export default defineNamespace({ name: "n", workflows: { ok: workflow<In, In>({ description: "d", signals: { verified: signal<EmailVerifed>({ description: "d" }) } }) }, activities: { ${act} } });`,
      "EmailVerifed",
      /^replay\.ts:\d+:\d+: cannot find name "EmailVerifed" in .*: did you mean "EmailVerified"\? Otherwise import it$/,
    );
  });

  it("without a near name, says to import or declare it, and not that it is any", () => {
    const { errors } = problemsOf(
      `export default defineNamespace({ name: "n", workflows: { ok: workflow<Missing, In>({ description: "d" }) }, activities: { ${act} } });`,
    );
    const messages = errors.map((error) => error.message);
    expect(messages.join("\n")).toMatch(
      /cannot find name "Missing" in .*: import it \(`import type \{ Missing \} from "\.\/types\.js"`\) or declare it/,
    );
    expect(messages.join("\n")).not.toMatch(/is `any`/);
  });
});

describe("the generated file", () => {
  const manifest = `${HEADER}export default defineNamespace({ name: "order-desk", workflows: { ok: workflow<In, In>({ description: "d" }) }, activities: { ${act} } });\n`;

  it("records the hash of the manifest it was made from, which the runtime compares", () => {
    const file = generated(manifest);
    expect(file.content).toContain(`sha256: "${manifestHash(manifest)}",`);
    expect(file.content).toMatch(/\n {2}command: "npx replaygen [^"]*\/replay\.ts",\n/);
    expect(file.content).toContain("warnIfStale(GENERATED_FROM);");
  });

  it("names its worker starter after the namespace, with startReplayLoops as an alias", () => {
    const content = generated(manifest).content;
    expect(content).toContain("export function startOrderDeskLoops(opts: OrderDeskReplayLoopsOptions): Worker {");
    expect(content).toContain("export const startReplayLoops: typeof startOrderDeskLoops = startOrderDeskLoops;");
    expect(content).toContain("export function mockOkFlow<M>(");
  });

  it("shares no exported name with another namespace's file but the startReplayLoops alias", () => {
    const exported = (content: string) =>
      new Set([...content.matchAll(/^export (?:async )?(?:function|const|interface|type) (\w+)/gm)].map((m) => m[1]));
    const ours = exported(generated(manifest).content);
    // Workflow and activity names give names of their own (mockOkFlow), so these differ too.
    const other = `${HEADER}export default defineNamespace({ name: "billing", workflows: { charge: workflow<In, In>({ description: "d" }) }, activities: { bill: activity(act, { description: "Bills." }) } });\n`;
    const theirs = exported(generated(other).content);
    expect([...ours].filter((name) => theirs.has(name))).toEqual(["startReplayLoops"]);
  });
});
