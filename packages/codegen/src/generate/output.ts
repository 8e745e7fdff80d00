import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The name of the file written beside each manifest. */
export const GENERATED_FILE_NAME = "replay_gen.ts";

/** What is compared with and written to disk: a GeneratedFile, or one from the cache. */
export interface OutputFile {
  readonly manifestPath: string;
  readonly outputPath: string;
  readonly content: string;
}

/** Writes the files whose content changed; returns the paths written. */
export function writeGenerated(files: readonly OutputFile[]): string[] {
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

/** The files whose content differs from the file on disk (empty when all are fresh). */
export function findStale(files: readonly OutputFile[], cwd: string): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const file of files) {
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

/** `file` relative to `cwd`, with forward slashes. */
export function displayPath(cwd: string, file: string): string {
  return posix(path.relative(cwd, file)) || ".";
}

export function posix(file: string): string {
  return file.split(path.sep).join("/");
}
