import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ManifestNotFoundError } from "../errors.js";
import type { NamespaceModel } from "../model/model.js";
import { type ReadOutcome, readManifest } from "../reader/read-manifest.js";
import { renderNamespace } from "../render/render.js";
import { collectInputs, type GenerateInputs } from "./inputs.js";
import { manifestHash } from "./manifest-hash.js";
import { displayPath, findStale, GENERATED_FILE_NAME, type OutputFile, posix, type StaleFile } from "./output.js";
import { findPackageRoot, findTsConfig, ProjectCache, type ProjectScope } from "./project.js";

export interface GenerateOptions {
  /** Paths in errors and commands are relative to it. Default: process.cwd(). */
  readonly cwd?: string;
  /** Reuse parsed files between calls (watch mode). */
  readonly projects?: ProjectCache;
}

/** One generated file, in memory. */
export interface GeneratedFile extends OutputFile {
  readonly model: NamespaceModel;
  /** What it was made from, for callers that cache the content. */
  readonly inputs: GenerateInputs;
}

/**
 * Reads each manifest and renders its `replay_gen.ts` in memory (nothing is written).
 * Throws ManifestErrors (every problem of the first bad manifest) or ManifestNotFoundError.
 *
 * @example
 * const [file] = generate(["src/replay.ts"]);
 * writeGenerated([file]);
 */
export function generate(manifests: readonly string[], opts: GenerateOptions = {}): GeneratedFile[] {
  const cwd = opts.cwd ?? process.cwd();
  const projects = opts.projects ?? new ProjectCache();
  return manifests.map((manifest) => generateOne(path.resolve(cwd, manifest), cwd, projects));
}

function generateOne(manifestPath: string, cwd: string, projects: ProjectCache): GeneratedFile {
  if (!existsSync(manifestPath)) throw new ManifestNotFoundError(displayPath(cwd, manifestPath));
  const packageRoot = findPackageRoot(path.dirname(manifestPath));
  const read = (scope: ProjectScope) => {
    const project = projects.projectFor(manifestPath, scope);
    const sourceFile = project.getSourceFile(manifestPath) ?? project.addSourceFileAtPath(manifestPath);
    // Adds the manifest's imports as project files, so the next run (watch mode) re-reads them when they change.
    project.resolveSourceFileDependencies();
    const displayFile = displayPath(cwd, manifestPath);
    const outcome = readManifest(project, sourceFile, { displayFile, packageRoot, complete: scope === "complete" });
    return { outcome, project };
  };
  let first = read(projects.firstScope(manifestPath));
  if (first.outcome.kind === "incomplete") {
    projects.markNeedsComplete(manifestPath);
    first = read("complete");
  }
  const { outcome, project } = first;
  const model = modelOf(outcome);
  const inputs = collectInputs(
    project.getProgram().compilerObject,
    findTsConfig(path.dirname(manifestPath)),
    packageRoot,
  );
  const content = renderNamespace(model, {
    manifestName: path.basename(manifestPath),
    commandPath: posix(path.relative(packageRoot, manifestPath)),
    manifestSha256: manifestHash(readFileSync(manifestPath, "utf8")),
  });
  const outputPath = path.join(path.dirname(manifestPath), GENERATED_FILE_NAME);
  return { manifestPath, outputPath, content, model, inputs };
}

function modelOf(outcome: ReadOutcome): NamespaceModel {
  if (outcome.kind === "model") return outcome.model;
  throw new Error("a complete read reported itself incomplete");
}

/** Generates in memory and compares with the files on disk; returns the stale ones (empty when all are fresh). */
export function checkGenerated(manifests: readonly string[], opts: GenerateOptions = {}): StaleFile[] {
  return findStale(generate(manifests, opts), opts.cwd ?? process.cwd());
}
