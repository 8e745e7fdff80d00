import fc from "fast-check";

/**
 * Random manifests for the fuzz test: mostly well-formed pieces (so some manifests are
 * valid and their code is generated), mixed with every kind of mistake a user makes:
 * odd names, types JSON cannot carry, wrong activity signatures, bad options, missing
 * descriptions, non-static values.
 */
const HEADER = `import type { ActivityContext } from "@replaykit/runtime";
import { activity, defineNamespace, output, signal, workflow } from "@replaykit/codegen";
import { z } from "zod";
export interface In { readonly id: string; readonly tags?: readonly string[] }
export type Out = { readonly ok: boolean; readonly count: number } | null;
export const Schema = z.object({ id: z.string(), n: z.number().int() });
export async function act(_ctx: ActivityContext, _b: { db: string }, input: In): Promise<In> { return input; }
export async function count(_ctx: ActivityContext, _b: { db: string }, input: { n: number }): Promise<number> { return input.n; }
export async function twoArgs(_ctx: ActivityContext, input: In): Promise<In> { return input; }
export async function otherBackends(_ctx: ActivityContext, _b: { cache: number }, input: In): Promise<In> { return input; }
export const notAFunction = 1;
const more = {};
`;

const JSON_TYPES = [
  "In",
  "Out",
  "string",
  "number",
  "boolean",
  "null",
  "{ a: number; b?: string }",
  "In[]",
  "[number, string]",
  "Record<string, In>",
  "In | Out",
  "z.infer<typeof Schema>",
  "'x' | 'y'",
];
/** What JSON cannot carry, or what says nothing. */
const OTHER_TYPES = [
  "unknown",
  "Date",
  "bigint",
  "undefined",
  "() => void",
  "Map<string, number>",
  "never",
  "any",
  "Missing",
];

const quote = (text: string) => JSON.stringify(text);
const type = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...JSON_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom(...OTHER_TYPES) },
);
const weirdText = fc.string({ maxLength: 8, unit: "binary" });
const name = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,9}$/) },
  { weight: 1, arbitrary: weirdText },
  { weight: 1, arbitrary: fc.constantFrom("a/b", "", "with space", "__proto__", "constructor", "1st") },
);
const key = name.map(quote);
const description = fc.oneof(
  { weight: 15, arbitrary: fc.string({ maxLength: 20 }).map((text) => `description: ${quote(text || "d")}`) },
  { weight: 1, arbitrary: fc.constantFrom("", "description: 5", `description: \`t$\{1}\``, "description: more") },
);
const duration = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('"1s"', '"200ms"', '"2h"', "1500") },
  { weight: 1, arbitrary: fc.constantFrom('"soon"', '""', '"-1s"', "-5", '"1e400ms"', "null") },
);
const attempts = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("0", "-3", "1.5", '"3"', "NaN") },
);

const messageDecl = (fn: "signal" | "output") =>
  fc.oneof(
    { weight: 12, arbitrary: fc.tuple(type, description).map(([t, d]) => `${fn}<${t}>({ ${d} })`) },
    { weight: 1, arbitrary: description.map((d) => `${fn}(Schema, { ${d} })`) },
    { weight: 1, arbitrary: fc.constantFrom(`${fn}()`, `${fn}<In>()`, "42", "more") },
  );
const messages = (fn: "signal" | "output") =>
  fc.array(fc.tuple(key, messageDecl(fn)), { maxLength: 2 }).map((entries) => entries.map(([k, v]) => `${k}: ${v}`));

const workflowDecl = fc.oneof(
  {
    weight: 18,
    arbitrary: fc
      .tuple(type, type, description, messages("signal"), messages("output"))
      .map(([input, output, d, signals, outputs]) => {
        const parts = [
          d,
          signals.length ? `signals: { ${signals.join(", ")} }` : "",
          outputs.length ? `outputs: { ${outputs.join(", ")} }` : "",
        ];
        return `workflow<${input}, ${output}>({ ${parts.filter(Boolean).join(", ")} })`;
      }),
  },
  { weight: 1, arbitrary: description.map((d) => `workflow({ input: Schema, output: Schema, ${d} })`) },
  { weight: 1, arbitrary: fc.constantFrom("workflow({ description: 'untyped' })", "workflow", "42", "null") },
);

const activityDecl = fc
  .tuple(
    fc.oneof(
      { weight: 18, arbitrary: fc.constantFrom("act", "count") },
      { weight: 1, arbitrary: fc.constantFrom("twoArgs", "otherBackends", "notAFunction", "async () => 1", "missing") },
    ),
    description,
    fc.option(fc.tuple(attempts, duration), { nil: undefined }),
    fc.option(duration, { nil: undefined }),
  )
  .map(([fn, d, retry, timeout]) => {
    const parts = [d];
    if (retry) parts.push(`retry: { maxAttempts: ${retry[0]}, initialInterval: ${retry[1]} }`);
    if (timeout) parts.push(`timeout: ${timeout}`);
    return `activity(${fn}, { ${parts.filter(Boolean).join(", ")} })`;
  });

const entries = (decl: fc.Arbitrary<string>, max: number, min = 0) =>
  fc
    .array(fc.tuple(key, decl), { minLength: min, maxLength: max })
    .map((list) => list.map(([k, v]) => `    ${k}: ${v},`));

/** A whole manifest. */
export const manifest: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constant("shop") }, { weight: 1, arbitrary: name }),
    // A namespace without workflows is refused: one manifest in ten, not the one in four that an
    // array from 0 would give, so that a run of 40 rarely sees no valid manifest at all.
    fc.oneof({ weight: 1, arbitrary: entries(workflowDecl, 0) }, { weight: 9, arbitrary: entries(workflowDecl, 3, 1) }),
    entries(activityDecl, 3),
    fc.nat({ max: 9 }).map((n) => n === 0),
  )
  .map(([ns, workflows, activities, spread]) =>
    [
      HEADER,
      "export default defineNamespace({",
      `  name: ${quote(ns)},`,
      "  workflows: {",
      ...workflows,
      ...(spread ? ["    ...more,"] : []),
      "  },",
      "  activities: {",
      ...activities,
      "  },",
      "});",
      "",
    ].join("\n"),
  );

const TOKENS = [
  "{",
  "}",
  "(",
  ")",
  ",",
  ":",
  '"',
  "`",
  "<",
  ">",
  "workflow(",
  "...more",
  " as any",
  "//",
  "/*",
  "\n",
  ";",
  "=>",
];

/** One edit of the text: delete a span, insert a token, or repeat a line. */
const edit = fc.oneof(
  fc.tuple(fc.nat(), fc.nat({ max: 12 })).map(([at, length]) => (text: string) => {
    const start = at % (text.length + 1);
    return text.slice(0, start) + text.slice(start + length);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(([at, token]) => (text: string) => {
    const start = at % (text.length + 1);
    return text.slice(0, start) + token + text.slice(start);
  }),
  fc.nat().map((at) => (text: string) => {
    const lines = text.split("\n");
    const line = at % lines.length;
    return [...lines.slice(0, line + 1), ...lines.slice(line)].join("\n");
  }),
);

/** A manifest with 1 to 4 random edits, mostly after the fixed header. */
export const mutated: fc.Arbitrary<string> = fc
  .tuple(manifest, fc.array(edit, { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    const body = text.slice(HEADER.length);
    return HEADER + edits.reduce((current, apply) => apply(current), body);
  });
