import { existsSync } from "node:fs";
import path from "node:path";
import { Project, ts } from "../compiler.js";
import { manifestResolutionHost } from "./resolution.js";

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
};

/**
 * Set on every project, whatever the tsconfig says. With exactOptionalPropertyTypes the checker
 * tells `note?: string` from `note?: string | undefined`, so the generated types are exact under
 * every setting.
 */
const READER_OPTIONS: ts.CompilerOptions = { noEmit: true, exactOptionalPropertyTypes: true };

/**
 * How much a project loads. "quick" leaves out the global type packages (`types`, e.g. @types/node,
 * most of the work of a cold start), which a manifest's types rarely need; "complete" loads what the
 * tsconfig lists, for a manifest whose types the quick project cannot resolve.
 */
export type ProjectScope = "quick" | "complete";

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
 * ts-morph Projects keyed by tsconfig and scope, reused between runs (watch mode):
 * only the manifest is added; its imports are resolved by the compiler.
 */
export class ProjectCache {
  readonly #projects = new Map<string, Project>();
  /** Manifests the quick project could not read: watch mode goes straight to the complete one. */
  readonly #needComplete = new Set<string>();

  /** The scope to read `manifestPath` with first. */
  firstScope(manifestPath: string): ProjectScope {
    return this.#needComplete.has(manifestPath) ? "complete" : "quick";
  }

  /** Remembers that the quick project did not do for `manifestPath`. */
  markNeedsComplete(manifestPath: string): void {
    this.#needComplete.add(manifestPath);
  }

  /** The project for a manifest, with every known file re-read from disk. */
  projectFor(manifestPath: string, scope: ProjectScope = "complete"): Project {
    const tsConfigFilePath = findTsConfig(path.dirname(manifestPath));
    const key = `${tsConfigFilePath ?? ""}\0${scope}`;
    let project = this.#projects.get(key);
    if (project === undefined) {
      project = createProject(tsConfigFilePath, scope);
      this.#projects.set(key, project);
      return project;
    }
    for (const sourceFile of project.getSourceFiles()) {
      if (!sourceFile.isInNodeModules()) sourceFile.refreshFromFileSystemSync();
    }
    return project;
  }
}

function createProject(tsConfigFilePath: string | undefined, scope: ProjectScope): Project {
  const scoped = scope === "quick" ? { ...READER_OPTIONS, types: [] } : READER_OPTIONS;
  if (tsConfigFilePath === undefined) {
    return new Project({ compilerOptions: { ...DEFAULT_OPTIONS, ...scoped }, resolutionHost: manifestResolutionHost });
  }
  return new Project({
    tsConfigFilePath,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: scoped,
    resolutionHost: manifestResolutionHost,
  });
}
