import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, ManifestErrors } from "../src/index.js";
import { PACKAGE_ROOT } from "./helpers.js";

const DIR = path.join(PACKAGE_ROOT, "test", ".tmp", "syntax-errors");
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

function manifestWith(workflow: string): string {
  return `import type { ActivityContext } from "@replaykit/runtime";
import { activity, defineNamespace, workflow } from "@replaykit/codegen";
export interface In { readonly id: string }
export async function act(_ctx: ActivityContext, _b: { db: string }, input: In): Promise<In> { return input; }
export default defineNamespace({
  name: "shop",
  workflows: {
    ok: ${workflow},
  },
  activities: { act: activity(act, { description: "d" }) },
});
`;
}

// Found by the manifest fuzz test: the reader walked the tree the parser recovered and
// generated code for these, instead of saying the manifest does not parse.
describe("a manifest that does not parse", () => {
  it.each([
    ["a colon too many", `workflow<In, In>({ description: "d": 1 })`, 44],
    ["a missing comma", `workflow<In, In>({ description: "d" signals: {} })`, 45],
    ["an unclosed brace", `workflow<In, In>({ description: "d" )`, 45],
  ])("with %s is refused with the parser's error at its line and column", (_what, workflow, column) => {
    mkdirSync(DIR, { recursive: true });
    const file = path.join(DIR, "replay.ts");
    writeFileSync(file, manifestWith(workflow));
    let caught: unknown;
    try {
      generate([file], { cwd: DIR });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ManifestErrors);
    const [first] = (caught as ManifestErrors).errors;
    expect(first?.code).toBe("SYNTAX_ERROR");
    expect(first?.message).toBe(
      `replay.ts:8:${column}: the manifest does not parse: ',' expected; fix the syntax here`,
    );
    expect(first?.sourceLine).toBe(`    ok: ${workflow},`);
  });
});
