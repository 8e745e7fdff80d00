import path from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticsUnder, FIXTURES, fixtureCases, LENIENT_OPTIONS, STRICT_OPTIONS, strictProject } from "./helpers.js";

// Every fixture's files (manifest, types, activities, a workflow and helper calls using the
// generated API) and its committed replay_gen.ts, compiled together in one program per setting.
describe("every fixture with its generated file", () => {
  it.each([
    [
      "the strictest settings (exactOptionalPropertyTypes, noUncheckedIndexedAccess, verbatimModuleSyntax)",
      STRICT_OPTIONS,
    ],
    ["plain strict, without those", LENIENT_OPTIONS],
  ])("type-checks under %s", (_, options) => {
    const project = strictProject(options);
    for (const name of fixtureCases()) project.addSourceFilesAtPaths(path.join(FIXTURES, name, "*.ts"));
    expect(project.getSourceFiles().filter((file) => file.getBaseName() === "replay_gen.ts")).toHaveLength(
      fixtureCases().length,
    );
    expect(diagnosticsUnder(project, FIXTURES)).toEqual([]);
  });
});
