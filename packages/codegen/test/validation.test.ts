import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../src/index.js";
import { HEADER, manifestCases } from "./manifest-problems.js";

const { problemsOf, expectProblem, write, projects, cleanup } = manifestCases("validation");
afterAll(cleanup);

const ok = 'ok: workflow<In, In>({ description: "Fine." })';
const act = 'act: activity(act, { description: "Acts." })';

describe("manifest validation", () => {
  it("refuses a namespace without workflows", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: {}, activities: { ${act} } });`,
      "{}",
      /declares no workflow: add one under `workflows/,
    );
  });

  it("refuses an empty name", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { "": workflow<In, In>({ description: "d" }) }, activities: {} });`,
      '""',
      /workflow name "" is unusable: it is empty/,
    );
  });

  it("refuses a name containing a slash", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok}, "a/b": workflow<In, In>({ description: "d" }) }, activities: {} });`,
      '"a/b"',
      /contains "\/"/,
    );
  });

  it("refuses a name over 255 bytes", () => {
    const long = "x".repeat(256);
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok}, ${long}: workflow<In, In>({ description: "d" }) }, activities: {} });`,
      long,
      /it is 256 bytes long/,
    );
  });

  it("refuses a duplicate name", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok}, "ok": workflow<In, In>({ description: "d" }) }, activities: {} });`,
      '"ok"',
      /declared twice in workflows/,
    );
  });

  it("refuses a name that is no TypeScript identifier once PascalCased", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok}, "3d": workflow<In, In>({ description: "d" }) }, activities: {} });`,
      '"3d"',
      /becomes "3d" in TypeScript, which is not an identifier/,
    );
  });

  // Found by the manifest fuzz test: Node's Unicode tables call U+13460 a letter, the
  // TypeScript compiler does not, and the generated file did not compile.
  it("refuses a name of letters that the TypeScript compiler does not know as identifier characters", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok}, "\u{13460}": workflow<In, In>({ description: "d" }) }, activities: {} });`,
      '"\u{13460}"',
      /which is not an identifier/,
    );
  });

  it("refuses names whose identifiers collide", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { "order-x": workflow<In, In>({ description: "d" }), orderX: workflow<In, In>({ description: "d" }) }, activities: {} });`,
      "orderX:",
      /becomes ORDER_X_WORKFLOW in the generated file, which workflow "order-x" already uses/,
    );
  });

  it("refuses an activity named like a built-in flow method", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { sleep: activity(act, { description: "d" }) } });`,
      "sleep:",
      /activity name "sleep" is unusable: it becomes sleep in OkFlow/,
    );
  });

  it("refuses a missing description", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok}, b: workflow<In, In>({}) }, activities: {} });`,
      "workflow<In, In>({})",
      /workflow "b" has no description/,
    );
  });

  it("refuses an activity with more required parameters than the runtime passes", () => {
    expectProblem(
      `export async function four(_ctx: ActivityContext, _b: { db: string }, input: In, _extra: string): Promise<In> { return input; }
export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { four: activity(four, { description: "d" }) } });`,
      "four, {",
      /activity "four" takes 4 required parameters, but the runtime passes 3/,
    );
  });

  it("accepts an activity with fewer parameters, an optional fourth, or ctx declared as unknown", () => {
    const { errors } = problemsOf(`export async function none(): Promise<In> { return { id: "x" }; }
export async function unknownCtx(_ctx: unknown, _b: { db: string }, input: In): Promise<In> { return input; }
export async function extra(_ctx: ActivityContext, _b: { db: string }, input: In, _x?: string): Promise<In> { return input; }
export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { none: activity(none, { description: "d" }), unknownCtx: activity(unknownCtx, { description: "d" }), extra: activity(extra, { description: "d" }) } });`);
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("names an activity declared twice in the singular", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { ${act}, "act": activity(act, { description: "d" }) } });`,
      '"act"',
      /^replay\.ts:\d+:\d+: activity name "act" is unusable: it is declared twice in activities; names must be unique$/,
    );
  });

  it("refuses an activity that does not return a Promise", () => {
    expectProblem(
      `export function sync(_ctx: ActivityContext, _b: { db: string }, input: In): In { return input; }
export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { s: activity(sync as never, { description: "d" }) } });`,
      "sync as never",
      /activity "s" (is not a function|does not return a Promise)/,
    );
  });

  it("refuses an activity whose first parameter is not ActivityContext", () => {
    expectProblem(
      `export async function bad(_ctx: string, _b: { db: string }, input: In): Promise<In> { return input; }
export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { bad: activity(bad, { description: "d" }) } });`,
      "bad, {",
      /activity "bad" takes string as its first parameter, which an ActivityContext cannot be passed as/,
    );
  });

  it("refuses a ctx parameter that is narrower than ActivityContext", () => {
    expectProblem(
      `export async function narrow(_ctx: ActivityContext & { tenant: string }, _b: { db: string }, input: In): Promise<In> { return input; }
export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { narrow: activity(narrow, { description: "d" }) } });`,
      "narrow, {",
      /activity "narrow" takes ActivityContext & \{ tenant: string; \} as its first parameter/,
    );
  });

  it("refuses activities with different backends types", () => {
    expectProblem(
      `export async function other(_ctx: ActivityContext, _b: { cache: number }, input: In): Promise<In> { return input; }
export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { ${act}, other: activity(other, { description: "d" }) } });`,
      "other, {",
      /activity "other" takes backends of type \{ cache: number \}, but "act" takes \{ db: string \}/,
    );
  });

  it("refuses a secret field that is in neither the input nor the result type of its workflow, where it is written", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<In, In>({ description: "d", secret: ["cardNumbr"] }) }, activities: {} });`,
      '"cardNumbr"',
      /secret field "cardNumbr" of workflow "w": it is no field of its input or result type; write one of id/,
    );
  });

  it("refuses a secret field that is not in the payloads of its activity", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { ${ok} }, activities: { act: activity(act, { description: "d", secret: ["pin"] }) } });`,
      '"pin"',
      /secret field "pin" of activity "act": it is no field/,
    );
  });

  it("refuses secret fields written as anything but an array of string literals", () => {
    expectProblem(
      `const field = "id";\nexport default defineNamespace({ name: "n", workflows: { w: workflow<In, In>({ description: "d", secret: [field] }) }, activities: {} });`,
      "field]",
      /an entry of the secret fields of workflow "w".*write a string literal/,
    );
  });

  it("takes secret fields at any depth, and any name where the type is open (an index signature, unknown)", () => {
    const { errors } = problemsOf(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<{ card: { cardNumber: string }[] }, In>({ description: "d", secret: ["cardNumber"] }), o: workflow<Record<string, string>, unknown>({ description: "d", secret: ["anything"] }) }, activities: {} });`,
    );
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("refuses a Date and says to use an ISO string", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<{ at: Date }, In>({ description: "d" }) }, activities: {} });`,
      "{ at: Date }",
      /the input of workflow "w" cannot travel as JSON: \$\.at is a Date.*ISO-8601 string/,
    );
  });

  it("takes Uint8Array and Buffer in payloads: they travel as bytes", () => {
    const { errors } = problemsOf(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<{ raw: Uint8Array; list: Buffer[] }, Uint8Array>({ description: "d" }) }, activities: {} });`,
    );
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("refuses functions, bigint and symbols in payloads", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<In, { f: () => void }>({ description: "d" }) }, activities: {} });`,
      "{ f: () => void }",
      /\$\.f is a function/,
    );
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<{ n: bigint }, In>({ description: "d" }) }, activities: {} });`,
      "{ n: bigint }",
      /\$\.n is a bigint; send it as a string/,
    );
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<In, In>({ description: "d", signals: { s: signal<{ k: symbol }>({ description: "d" }) } }) }, activities: {} });`,
      "{ k: symbol }",
      /\$\.k is a symbol/,
    );
  });

  it("refuses class instances with methods", () => {
    expectProblem(
      `export class Money { constructor(readonly cents: number) {} add(other: Money): Money { return new Money(this.cents + other.cents); } }
export default defineNamespace({ name: "n", workflows: { w: workflow<In, In>({ description: "d", outputs: { o: output<Money>({ description: "d" }) } }) }, activities: {} });`,
      "Money>",
      /instance of class Money with method add\(\)/,
    );
  });

  it("refuses a manifest that is not the default export", () => {
    expectProblem(
      `export const ns = defineNamespace({ name: "n", workflows: { ${ok} }, activities: {} });`,
      "defineNamespace({",
      /defineNamespace\(\.\.\.\) is not the default export/,
    );
  });

  it("refuses a computed name and a spread", () => {
    expectProblem(
      `const key = "w";
export default defineNamespace({ name: "n", workflows: { [key]: workflow<In, In>({ description: "d" }) }, activities: {} });`,
      "[key]",
      /a key in workflows cannot be read statically/,
    );
    expectProblem(
      `const more = {};
export default defineNamespace({ name: "n", workflows: { ${ok}, ...more }, activities: {} });`,
      "...more",
      /a spread in workflows cannot be read statically/,
    );
  });

  it("reads again with the tsconfig's global types when a type needs them, and names the package import", () => {
    const dir = write(`${HEADER}import type { ParsedPath } from "node:path";
export default defineNamespace({ name: "n", workflows: { w: workflow<ParsedPath, In>({ description: "d" }) }, activities: {} });`);
    const [file] = generate([path.join(dir, "replay.ts")], { cwd: dir, projects });
    expect(file?.content).toContain('import type { ParsedPath } from "node:path";');
    expect(file?.content).toContain("input: ParsedPath,");
    expect(file?.inputs.files.some((input) => input.includes("@types/node"))).toBe(true);
  });

  it("reports a problem in a type from a global package as that package's type, not as unresolved", () => {
    expectProblem(
      `export default defineNamespace({ name: "n", workflows: { w: workflow<{ data: NodeJS.Timeout }, In>({ description: "d" }) }, activities: {} });`,
      "{ data: NodeJS.Timeout }",
      /the input of workflow "w" cannot travel as JSON: \$\.data is a Timeout with method \w+\(\)/,
    );
  });

  it("reports every problem at once, in source order", () => {
    const { errors } = problemsOf(
      `export default defineNamespace({ name: "n", workflows: { "": workflow<In, In>({}), "x/y": workflow<{ d: Date }, In>({ description: "d" }) }, activities: {} });`,
    );
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.map((error) => error.column)).toEqual([...errors.map((error) => error.column)].sort((a, b) => a - b));
  });
});
