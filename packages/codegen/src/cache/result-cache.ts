import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { GenerateInputs } from "../generate/inputs.js";
import type { OutputFile } from "../generate/output.js";
import { generatorFingerprint } from "./fingerprint.js";

/** A file or directory as it was when the content was generated. */
interface Stamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Files only: lets a touched but unchanged file still count as unchanged. */
  readonly sha1?: string;
}

interface Entry extends OutputFile {
  readonly version: typeof ENTRY_VERSION;
  readonly generator: string;
  readonly files: readonly Stamp[];
  readonly directories: readonly Stamp[];
}

const ENTRY_VERSION = 1;

/**
 * Generated files kept on disk with what they were made from, one JSON file per manifest.
 * An entry is used only when this exact generator made it and every input file is unchanged
 * (same size and mtime, or same content) and no directory of the manifest's package that held
 * an input gained or lost a file. Loading this module does not load the compiler.
 */
export class ResultCache {
  readonly #dir: string;
  readonly #generator: string;

  constructor(dir: string, generator: string = generatorFingerprint()) {
    this.#dir = path.join(dir, "results");
    this.#generator = generator;
  }

  /** The cached file for the manifest at `manifestPath` (absolute), or undefined when it may be stale. */
  lookup(manifestPath: string): OutputFile | undefined {
    const entry = this.#read(manifestPath);
    if (entry === undefined || entry.generator !== this.#generator || entry.manifestPath !== manifestPath) {
      return undefined;
    }
    if (!entry.files.every(fileUnchanged) || !entry.directories.every(directoryUnchanged)) return undefined;
    return { manifestPath, outputPath: entry.outputPath, content: entry.content };
  }

  /** Keeps `file`; a failure to write is ignored (the cache only saves time). */
  store(file: OutputFile & { readonly inputs: GenerateInputs }): void {
    try {
      const entry: Entry = {
        version: ENTRY_VERSION,
        generator: this.#generator,
        manifestPath: file.manifestPath,
        outputPath: file.outputPath,
        content: file.content,
        files: file.inputs.files.map(fileStamp),
        directories: file.inputs.directories.map(directoryStamp),
      };
      mkdirSync(this.#dir, { recursive: true });
      const target = this.#entryPath(file.manifestPath);
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(entry));
      renameSync(temporary, target);
    } catch {
      // A read-only or full disk: the next run generates again.
    }
  }

  #read(manifestPath: string): Entry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.#entryPath(manifestPath), "utf8")) as Entry;
      return entry.version === ENTRY_VERSION ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  #entryPath(manifestPath: string): string {
    return path.join(this.#dir, `${createHash("sha256").update(manifestPath).digest("hex").slice(0, 32)}.json`);
  }
}

function fileStamp(file: string): Stamp {
  const { size, mtimeMs } = statSync(file);
  return { path: file, size, mtimeMs, sha1: sha1(readFileSync(file)) };
}

function directoryStamp(directory: string): Stamp {
  const { size, mtimeMs } = statSync(directory);
  return { path: directory, size, mtimeMs };
}

function fileUnchanged(stamp: Stamp): boolean {
  try {
    const { size, mtimeMs } = statSync(stamp.path);
    if (size !== stamp.size) return false;
    return mtimeMs === stamp.mtimeMs || sha1(readFileSync(stamp.path)) === stamp.sha1;
  } catch {
    return false;
  }
}

/** A directory's mtime changes when an entry is added, removed or renamed in it. */
function directoryUnchanged(stamp: Stamp): boolean {
  try {
    return statSync(stamp.path).mtimeMs === stamp.mtimeMs;
  } catch {
    return false;
  }
}

function sha1(data: Buffer): string {
  return createHash("sha1").update(data).digest("hex");
}
