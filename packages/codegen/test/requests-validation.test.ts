import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import type { RequestConfig } from "../src/index.js";
import type { OPTION_KEYS } from "../src/reader/option-keys.js";
import { manifestCases } from "./manifest-problems.js";

const { problemsOf, expectProblem, cleanup } = manifestCases("requests-validation");
afterAll(cleanup);

const IMPORTS = 'import { query, update } from "@replaykit/codegen";\n';

/** A manifest of one workflow "w" with `options` after its description. */
const manifest = (options: string) =>
  `${IMPORTS}export default defineNamespace({ name: "n", workflows: { w: workflow<In, In>({ description: "d", ${options} }) }, activities: {} });`;

describe("manifest validation of updates and queries", () => {
  it("refuses an update named as a signal of the same workflow, at the update's key", () => {
    expectProblem(
      manifest('signals: { approve: signal<In>({ description: "s" }) }, updates: { "approve": update<In, In>() }'),
      '"approve": update',
      /update name "approve" is unusable: workflow "w" already has a signal of that name; a run's signals, updates and queries need distinct names/,
    );
  });

  it("refuses a query named as an update of the same workflow, at the query's key", () => {
    expectProblem(
      manifest('updates: { status: update<In, In>() }, queries: { "status": query<void, In>() }'),
      '"status": query',
      /query name "status" is unusable: workflow "w" already has an update of that name/,
    );
  });

  it("reports a name shared by an update and a query once, not again as a clash of on<Name>", () => {
    const { errors } = problemsOf(
      manifest("updates: { status: update<In, In>() }, queries: { status: query<void, In>() }"),
    );
    expect(errors.map((error) => error.message)).toHaveLength(1);
  });

  it("refuses a query input that is no JSON, which no handler could be sent", () => {
    expectProblem(
      manifest("queries: { at: query<() => void, In>() }"),
      "() => void",
      /the input of query "at" of workflow "w" cannot travel as JSON/,
    );
  });

  it("refuses an update without types or schemas, at the call", () => {
    expectProblem(
      manifest("updates: { approve: update() }"),
      "update()",
      /the input of update "approve" of workflow "w" has no type: pass type arguments, `update<Input, Result>\(\)`/,
    );
  });

  it("refuses an option update() does not take, suggesting the nearest", () => {
    expectProblem(
      manifest('updates: { approve: update<In, In>({ descripton: "x" }) }'),
      "descripton",
      /descripton.*description/,
    );
  });

  it("knows the options update() and query() take, as the manifest API declares them", () => {
    expectTypeOf<(typeof OPTION_KEYS)["update"][number]>().toEqualTypeOf<keyof RequestConfig<unknown, unknown>>();
    expectTypeOf<(typeof OPTION_KEYS)["query"][number]>().toEqualTypeOf<keyof RequestConfig<unknown, unknown>>();
  });

  it("takes update() and query() without options, and void inputs", () => {
    const { errors } = problemsOf(
      manifest("updates: { approve: update<void, In>() }, queries: { now: query<void, In>() }"),
    );
    expect(errors).toEqual([]);
  });
});
