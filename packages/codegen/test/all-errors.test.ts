import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, type ManifestError, ManifestErrors } from "../src/index.js";
import { PACKAGE_ROOT } from "./helpers.js";

const DIR = path.join(PACKAGE_ROOT, "test", ".tmp", "all-errors");
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const HEADER = `import type { ActivityContext } from "@replaykit/runtime";
import { activity, defineNamespace, output, signal, workflow } from "@replaykit/codegen";
export interface In { readonly id: string }
export async function act(_ctx: ActivityContext, _b: { db: string }, input: In): Promise<In> { return input; }
export async function four(_ctx: ActivityContext, _b: { db: string }, input: In, _x: string): Promise<In> { return input; }
export async function other(_ctx: ActivityContext, _b: { cache: number }, input: In): Promise<In> { return input; }
const more = {};
`;
const OK = `ok: workflow<In, In>({ description: "Fine.", signals: { s: signal<In>({ description: "d" }) }, outputs: { o: output<In>({ description: "d" }) } }),`;

/** Problems the reader finds in the manifest's syntax: each line marked `// <CODE>` has one. */
const SYNTAX = `${HEADER}export default defineNamespace({
  name: "n",
  workflows: {
    ${OK}
    "a/b": workflow<In, In>({ description: "d" }), // INVALID_NAME
    "": workflow<In, In>({ description: "d" }), // INVALID_NAME
    undescribed: workflow<In, In>({}), // MISSING_DESCRIPTION
    ...more, // NOT_STATIC
  },
  activities: { act: activity(act, { description: "d" }) },
});
`;

/** Both kinds in one manifest: one run of replaygen reports all of them. */
const BOTH = `${HEADER}export default defineNamespace({
  name: "n",
  workflows: {
    ${OK}
    "a/b": workflow<In, In>({ description: "d" }), // INVALID_NAME
    undescribed: workflow<In, In>({}), // MISSING_DESCRIPTION
    dated: workflow<{ at: Date }, In>({ description: "d" }), // NON_JSON_TYPE
    untyped: workflow({ description: "d" }), // MISSING_TYPE
  },
  activities: {
    act: activity(act, { description: "d", retry: { maxAttempts: -1 } }), // INVALID_OPTION
    four: activity(four, { description: "d" }), // ACTIVITY_SIGNATURE
    other: activity(other, { description: "d" }), // BACKENDS_MISMATCH
  },
});
`;

/** Problems the type checker finds. */
const TYPES = `${HEADER}export default defineNamespace({
  name: "n",
  workflows: {
    ${OK}
    dated: workflow<{ at: Date }, In>({ description: "d" }), // NON_JSON_TYPE
    counted: workflow<In, { n: bigint }>({ description: "d" }), // NON_JSON_TYPE
    untyped: workflow({ description: "d" }), // MISSING_TYPE
  },
  activities: {
    act: activity(act, { description: "d", retry: { maxAttempts: -1 } }), // INVALID_OPTION
    slow: activity(act, { description: "d", timeout: "soon" }), // INVALID_OPTION
    four: activity(four, { description: "d" }), // ACTIVITY_SIGNATURE
    other: activity(other, { description: "d" }), // BACKENDS_MISMATCH
  },
});
`;

function problemsOf(name: string, manifest: string): readonly ManifestError[] {
  const dir = path.join(DIR, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "replay.ts"), manifest);
  try {
    generate([path.join(dir, "replay.ts")], { cwd: dir });
  } catch (error) {
    if (error instanceof ManifestErrors) return error.errors;
    throw error;
  }
  return [];
}

/** [code, 1-based line] of every marked line. */
function marked(manifest: string): [string, number][] {
  return manifest.split("\n").flatMap((line, index): [string, number][] => {
    const code = /\/\/ ([A-Z_]+)$/.exec(line)?.[1];
    return code ? [[code, index + 1]] : [];
  });
}

for (const [stage, manifest] of [
  ["syntax", SYNTAX],
  ["type", TYPES],
  ["syntax and type", BOTH],
] as const) {
  describe(`a manifest with every kind of ${stage} error at once`, () => {
    const errors = problemsOf(stage, manifest);
    const listing = errors.map((error) => error.message).join("\n");

    it.each(marked(manifest))("reports %s on line %i as file:line:col with the source line", (code, line) => {
      const error = errors.find((candidate) => candidate.line === line);
      expect(error?.code, listing).toBe(code);
      expect(error?.message).toMatch(new RegExp(`^replay\\.ts:${line}:\\d+: `));
      expect(error?.format()).toContain(manifest.split("\n")[line - 1]);
    });

    it("reports the problems of every marked line, in source order, and none about the correct declarations", () => {
      const found = [...new Set(errors.map((error) => `${error.code}@${error.line}`))];
      expect(found, listing).toEqual(marked(manifest).map(([code, line]) => `${code}@${line}`));
    });
  });
}
