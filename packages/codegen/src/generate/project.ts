import { existsSync } from "node:fs";
import path from "node:path";
import { Project, ts } from "ts-morph";
import { manifestResolutionHost } from "./resolution.js";

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
};

/** The nearest `tsconfig.json` at or above `dir`, if any. */
export function findTsConfig(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

/** The nearest directory at or above `dir` holding a `package.json`, else `dir`. */
export function findPackageRoot(dir: string): string {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, "package.json"))) return current;
    if (path.dirname(current) === current) return path.resolve(dir);
  }
}

/**
 * ts-morph Projects keyed by tsconfig, reused between runs (watch mode):
 * only the manifest is added; its imports are resolved by the compiler.
 */
export class ProjectCache {
  readonly #projects = new Map<string, Project>();

  /** The project for a manifest, with every known file re-read from disk. */
  projectFor(manifestPath: string): Project {
    const tsConfigFilePath = findTsConfig(path.dirname(manifestPath));
    const key = tsConfigFilePath ?? "";
    let project = this.#projects.get(key);
    if (project === undefined) {
      project =
        tsConfigFilePath === undefined
          ? new Project({ compilerOptions: DEFAULT_OPTIONS, resolutionHost: manifestResolutionHost })
          : new Project({
              tsConfigFilePath,
              skipAddingFilesFromTsConfig: true,
              compilerOptions: { noEmit: true },
              resolutionHost: manifestResolutionHost,
            });
      this.#projects.set(key, project);
      return project;
    }
    for (const sourceFile of project.getSourceFiles()) {
      if (!sourceFile.isInNodeModules()) sourceFile.refreshFromFileSystemSync();
    }
    return project;
  }
}
