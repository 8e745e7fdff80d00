import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Project, ts } from "ts-morph";

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = path.join(PACKAGE_ROOT, "fixtures");
export const REPO_ROOT = path.resolve(PACKAGE_ROOT, "..", "..");

export function fixtureCases(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The settings the generated code must compile under; set here too, so a laxer tsconfig.base.json cannot weaken the tests. */
export const STRICT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitOverride: true,
};

/** What a project without extra strictness has: `strict` only. */
export const LENIENT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: false,
  noUncheckedIndexedAccess: false,
  verbatimModuleSyntax: false,
  noPropertyAccessFromIndexSignature: false,
  noImplicitOverride: false,
};

/** A project with tsconfig.base.json and `options` on top; `@replaykit/*` resolve to their sources. */
export function strictProject(options: ts.CompilerOptions = STRICT_OPTIONS): Project {
  return new Project({
    tsConfigFilePath: path.join(REPO_ROOT, "tsconfig.base.json"),
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { ...options, customConditions: ["source"], noEmit: true },
  });
}

/** Diagnostics of the files under `dir`, as `file:line: message` strings. */
export function diagnosticsUnder(project: Project, dir: string): string[] {
  return project
    .getPreEmitDiagnostics()
    .filter((diagnostic) => diagnostic.getSourceFile()?.getFilePath().startsWith(dir) ?? false)
    .map((diagnostic) => {
      const file = path.relative(dir, diagnostic.getSourceFile()?.getFilePath() ?? "");
      const text = ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, "\n");
      return `${file}:${diagnostic.getLineNumber()}: ${text}`;
    });
}

/** `biome format` of `content` as if it were at `file` (exit status and formatted text). */
export function biomeFormat(content: string, file: string): { status: number | null; output: string } {
  const biome = path.join(REPO_ROOT, "node_modules", ".bin", "biome");
  const result = spawnSync(biome, ["format", `--stdin-file-path=${file}`], {
    input: content,
    encoding: "utf8",
    cwd: REPO_ROOT,
  });
  return { status: result.status, output: result.stdout };
}
