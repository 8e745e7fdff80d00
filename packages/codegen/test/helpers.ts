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

/** A project with the strict options of tsconfig.base.json; `@replaykit/*` resolve to their sources. */
export function strictProject(): Project {
  return new Project({
    tsConfigFilePath: path.join(REPO_ROOT, "tsconfig.base.json"),
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { customConditions: ["source"], noEmit: true },
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
