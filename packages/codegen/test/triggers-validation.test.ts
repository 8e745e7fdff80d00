import { afterAll, describe, expect, it } from "vitest";
import { manifestCases } from "./manifest-problems.js";

const { problemsOf, expectProblem, generated, cleanup } = manifestCases("triggers-validation");
afterAll(cleanup);

const IMPORT = 'import { onEvent } from "@replaykit/codegen";\n';
/** A manifest whose one workflow has `trigger` as written. */
const withTrigger = (trigger: string) =>
  `${IMPORT}export default defineNamespace({ name: "n", workflows: { greet: workflow<In, In>({ description: "d", trigger: ${trigger} }) }, activities: {} });`;

describe("a workflow's trigger in the manifest", () => {
  it("refuses an event name that cannot be stored, at the name", () => {
    expectProblem(
      withTrigger('onEvent<In>("user/signup", { runId: (e) => e.id })'),
      '"user/signup"',
      /the event name of the trigger of workflow "greet", "user\/signup", is unusable: it contains "\/"/,
    );
    expectProblem(withTrigger('onEvent<In>("", { runId: (e) => e.id })'), '""', /is unusable: it is empty/);
  });

  it("refuses an event name that is not a string literal", () => {
    expectProblem(
      `const name = "user.signup";\n${withTrigger("onEvent<In>(name, { runId: (e) => e.id })")}`,
      "name, {",
      /the event name of the trigger of workflow "greet" cannot be read statically: write the event name as a string literal/,
    );
  });

  it("refuses a trigger that is not an inline onEvent call", () => {
    expectProblem(
      `const t = onEvent<In>("a", { runId: (e) => e.id });\n${withTrigger("t")}`,
      "t })",
      /the trigger of workflow "greet" cannot be read statically: write `trigger: onEvent<Event>/,
    );
  });

  it("refuses a trigger without runId", () => {
    expectProblem(withTrigger('onEvent<In>("a", { singleton: "skip" })'), "{ singleton", /has no runId: add `runId:/);
  });

  it("refuses a debounce without a period, or with a maxDelay shorter than it", () => {
    expectProblem(
      withTrigger('onEvent<In>("a", { runId: (e) => e.id, debounce: { maxDelay: "1h" } })'),
      "{ maxDelay",
      /the debounce of the trigger of workflow "greet" has no period: write `debounce: \{ period: "10m"/,
    );
    expectProblem(
      withTrigger('onEvent<In>("a", { runId: (e) => e.id, debounce: { period: "1h", maxDelay: "10m" } })'),
      '{ period: "1h"',
      /the debounce maxDelay of the trigger of workflow "greet", "10m", is shorter than its period "1h"/,
    );
    expectProblem(
      withTrigger('onEvent<In>("a", { runId: (e) => e.id, debounce: { period: "soon" } })'),
      '{ period: "soon"',
      /the debounce period of the trigger of workflow "greet" "soon" is not a duration/,
    );
    expectProblem(
      withTrigger('onEvent<In>("a", { runId: (e) => e.id, debounce: { period: 0 } })'),
      "{ period: 0",
      /the debounce period of the trigger of workflow "greet" must be longer than 0/,
    );
  });

  it("refuses an unknown singleton policy, and singleton with debounce", () => {
    expectProblem(
      withTrigger('onEvent<In>("a", { runId: (e) => e.id, singleton: "queue" })'),
      '"queue"',
      /the singleton of the trigger of workflow "greet" is "queue": use "skip" or "replace"/,
    );
    expectProblem(
      withTrigger('onEvent<In>("a", { runId: (e) => e.id, debounce: { period: "1m" }, singleton: "skip" })'),
      '"skip"',
      /has both debounce and singleton: give debounce or singleton, not both/,
    );
  });

  it("refuses a misspelled option of onEvent with the key it most likely meant", () => {
    expectProblem(
      withTrigger('onEvent<In>("a", { runId: (e) => e.id, debounse: { period: "1m" } })'),
      "debounse",
      /has no option "debounse": did you mean "debounce"\?/,
    );
  });

  it("refuses two workflows triggered by one event with different data types", () => {
    expectProblem(
      `${IMPORT}export interface Other { readonly name: string }
export default defineNamespace({ name: "n", workflows: {
  a: workflow<In, In>({ description: "d", trigger: onEvent<In>("user.signup", { runId: (e) => e.id }) }),
  b: workflow<Other, In>({ description: "d", trigger: onEvent<Other>("user.signup", { runId: (e) => e.name }) }),
}, activities: {} });`,
      '"user.signup", { runId: (e) => e.name',
      /workflows "a" and "b" are both triggered by event "user.signup" with different data types \(In and Other\)/,
    );
  });

  it("reports every trigger problem of a manifest at once", () => {
    const { errors } = problemsOf(withTrigger('onEvent<In>("a/b", { runId: (e) => e.id, singleton: "never" })'));
    expect(errors.map((error) => error.code)).toEqual(["INVALID_OPTION", "INVALID_OPTION"]);
  });

  it("generates the trigger with its runId read from the manifest's default export", () => {
    const { content } = generated(`import type { ActivityContext } from "@replaykit/runtime";
import { defineNamespace, onEvent, workflow } from "@replaykit/codegen";
export interface In { readonly id: string }
export default defineNamespace({ name: "n", workflows: { greet: workflow<In, In>({ description: "d", trigger: onEvent("a.b", { runId: (e) => e.id }) }) }, activities: {} });
`);
    expect(content).toContain('import { default as nManifest } from "./replay.js";');
    expect(content).toContain(
      "runId: (data: In, event: TriggerEvent) => nManifest.workflows.greet.trigger!.runId(data, event),",
    );
    expect(content).toContain('readonly "a.b": In;');
    expect(content).toContain("triggers: { ...N_TRIGGERS, ...rest.triggers },");
  });
});
