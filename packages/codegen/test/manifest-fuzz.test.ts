import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { generate, ManifestErrors, ProjectCache } from "../src/index.js";
import { diagnosticsUnder, PACKAGE_ROOT, strictProject } from "./helpers.js";
import { manifest, mutated } from "./manifest-grammar.js";

/** Manifests per property; FC_RUNS raises it for a longer local fuzzing session. */
const RUNS = Number(process.env.FC_RUNS ?? 40);
const DIR = path.join(PACKAGE_ROOT, "test", ".tmp", "fuzz");
const MANIFEST = path.join(DIR, "replay.ts");
const GENERATED = path.join(DIR, "replay_gen.ts");

const projects = new ProjectCache();
const checker = strictProject();
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** What replaygen made of one manifest. */
type Verdict = { readonly generated: string } | { readonly errors: ManifestErrors };

function replaygen(text: string): Verdict {
  mkdirSync(DIR, { recursive: true });
  rmSync(GENERATED, { force: true });
  writeFileSync(MANIFEST, text);
  try {
    const [file] = generate([MANIFEST], { cwd: DIR, projects });
    if (!file) throw new Error("generate returned nothing and threw nothing");
    return { generated: file.content };
  } catch (error) {
    // Anything but a ManifestErrors (a TypeError, a RangeError, ...) is a crash: let it fail the property.
    if (error instanceof ManifestErrors) return { errors: error };
    throw error;
  }
}

/** Every error names replay.ts, a line and column inside it, and carries that line. */
function expectLocated(text: string, errors: ManifestErrors): void {
  const lines = text.split("\n");
  expect(errors.errors.length).toBeGreaterThan(0);
  for (const error of errors.errors) {
    const shown = `${error.code} ${error.format()}`;
    expect(error.file, shown).toBe("replay.ts");
    expect(error.line, shown).toBeGreaterThanOrEqual(1);
    expect(error.line, shown).toBeLessThanOrEqual(lines.length);
    expect(error.column, shown).toBeGreaterThanOrEqual(1);
    expect(error.sourceLine, shown).toBe(lines[error.line - 1]);
    expect(error.message.startsWith(`replay.ts:${error.line}:${error.column}: `), shown).toBe(true);
  }
}

/**
 * The generated file type-checks beside its manifest under the strict config. Only its own
 * diagnostics count: a manifest can be one TypeScript rejects and replaygen still reads
 * (e.g. a misspelt key, which replaygen ignores; noted on issue 19).
 */
function expectCompiles(generated: string): void {
  writeFileSync(GENERATED, generated);
  for (const file of [MANIFEST, GENERATED]) {
    const source = checker.getSourceFile(file) ?? checker.addSourceFileAtPath(file);
    source.refreshFromFileSystemSync();
  }
  expect(diagnosticsUnder(checker, DIR).filter((line) => line.startsWith("replay_gen.ts:"))).toEqual([]);
}

function check(text: string): "generated" | "errors" {
  const verdict = replaygen(text);
  if ("errors" in verdict) {
    // What replaygen read: UTF-8 on disk, where a lone surrogate of the generated text became U+FFFD.
    expectLocated(readFileSync(MANIFEST, "utf8"), verdict.errors);
    return "errors";
  }
  expectCompiles(verdict.generated);
  return "generated";
}

describe("replaygen on random and mutated manifests (property-based)", { timeout: 600_000 }, () => {
  it("generates code that compiles, or reports errors located in the manifest", () => {
    const seen = { generated: 0, errors: 0 };
    fc.assert(
      fc.property(manifest, (text) => {
        seen[check(text)]++;
      }),
      { numRuns: RUNS },
    );
    console.log(`manifest fuzz: ${seen.generated} generated and compiled, ${seen.errors} refused with located errors`);
  });

  it("draws both manifests replaygen accepts and manifests it refuses (the grammar has not drifted)", () => {
    // A fixed seed: about one random manifest in ten is valid, so a random run of 40 may draw
    // none; this sample is the same every time and holds both kinds while the grammar and the
    // reader agree.
    const seen = { generated: 0, errors: 0 };
    for (const text of fc.sample(manifest, { numRuns: 60, seed: 20261201 })) seen[check(text)]++;
    expect(seen.generated).toBeGreaterThan(0);
    expect(seen.errors).toBeGreaterThan(0);
  });

  it("never crashes on a manifest with random edits to its text", () => {
    fc.assert(
      fc.property(mutated, (text) => {
        check(text);
      }),
      { numRuns: RUNS },
    );
  });
});
