import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ManifestNotFoundError } from "../errors.js";
import type { NamespaceModel } from "../model/model.js";
import { type ReadOutcome, readManifest } from "../reader/read-manifest.js";
import { renderNamespace } from "../render/render.js";
import { findPackageRoot, ProjectCache, type ProjectScope } from "./project.js";

/** The name of the file written beside each manifest. */
export const GENERATED_FILE_NAME = "replay_gen.ts";

export interface GenerateOptions {
  /** Paths in errors and commands are relative to it. Default: process.cwd(). */
  readonly cwd?: string;
  /** Reuse parsed files between calls (watch mode). */
  readonly projects?: ProjectCache;
}

/** One generated file, in memory. */
export interface GeneratedFile {
  readonly manifestPath: string;
  readonly outputPath: string;
  readonly content: string;
  readonly model: NamespaceModel;
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
    return readManifest(project, sourceFile, { displayFile, packageRoot, complete: scope === "complete" });
  };
  const quick = read("quick");
  const model = quick.kind === "model" ? quick.model : modelOf(read("complete"));
  const content = renderNamespace(model, {
    manifestName: path.basename(manifestPath),
    commandPath: posix(path.relative(packageRoot, manifestPath)),
  });
  return { manifestPath, outputPath: path.join(path.dirname(manifestPath), GENERATED_FILE_NAME), content, model };
}

function modelOf(outcome: ReadOutcome): NamespaceModel {
  if (outcome.kind === "model") return outcome.model;
  throw new Error("a complete read reported itself incomplete");
}

/** Writes the files whose content changed; returns the paths written. */
export function writeGenerated(files: readonly GeneratedFile[]): string[] {
  const written: string[] = [];
  for (const file of files) {
    if (readIfExists(file.outputPath) === file.content) continue;
    writeFileSync(file.outputPath, file.content);
    written.push(file.outputPath);
  }
  return written;
}

/** A generated file that differs from what is committed. */
export interface StaleFile {
  readonly outputPath: string;
  /** The command that regenerates it, from `cwd`. */
  readonly command: string;
  readonly reason: "missing" | "outdated";
}

/** Generates in memory and compares with the files on disk; returns the stale ones (empty when all are fresh). */
export function checkGenerated(manifests: readonly string[], opts: GenerateOptions = {}): StaleFile[] {
  const cwd = opts.cwd ?? process.cwd();
  const stale: StaleFile[] = [];
  for (const file of generate(manifests, opts)) {
    const existing = readIfExists(file.outputPath);
    if (existing === file.content) continue;
    stale.push({
      outputPath: file.outputPath,
      command: `npx replaygen ${displayPath(cwd, file.manifestPath)}`,
      reason: existing === undefined ? "missing" : "outdated",
    });
  }
  return stale;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

function displayPath(cwd: string, file: string): string {
  return posix(path.relative(cwd, file)) || ".";
}

function posix(file: string): string {
  return file.split(path.sep).join("/");
}
