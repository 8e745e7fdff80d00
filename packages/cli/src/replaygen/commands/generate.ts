import path from "node:path";
import type { ProjectCache } from "@replaykit/codegen";
import { findStale, type OutputFile, ResultCache, writeGenerated } from "@replaykit/codegen/cache";
import { EXIT } from "../../shared/exit-codes.js";
import { counted } from "../../shared/values.js";
import { loadCodegen } from "../codegen.js";
import type { Io } from "../io.js";
import { reportFailure } from "./report.js";

/** Generates and writes `replay_gen.ts` beside each manifest. */
export async function runGenerate(manifests: readonly string[], io: Io, projects?: ProjectCache): Promise<number> {
  try {
    const started = performance.now();
    const { files, cached } = await produce(manifests, io, projects);
    const written = new Set(writeGenerated(files));
    for (const file of files) {
      const state = written.has(file.outputPath) ? "wrote" : "unchanged";
      io.err(`replaygen: ${state} ${path.relative(io.cwd, file.outputPath) || file.outputPath}`);
    }
    const source = cached ? " (inputs unchanged: from the cache)" : "";
    io.err(`replaygen: ${counted(files.length, "manifest")} in ${Math.round(performance.now() - started)} ms${source}`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** Writes nothing; exits 1 naming each stale file and the command that fixes it. */
export async function runCheck(manifests: readonly string[], io: Io): Promise<number> {
  try {
    const { files } = await produce(manifests, io);
    const stale = findStale(files, io.cwd);
    for (const file of stale) {
      io.err(`replaygen: ${path.relative(io.cwd, file.outputPath)} is ${file.reason}; run: ${file.command}`);
    }
    if (stale.length > 0) return EXIT.staleOrInvalid;
    io.err(`replaygen: ${counted(manifests.length, "generated file")} up to date`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(error, io);
  }
}

/**
 * The generated files of `manifests`: from the result cache when every one of them is fresh
 * there (the compiler is then never loaded), else generated, and cached for the next run.
 * Watch mode passes its projects and keeps everything in memory instead.
 */
async function produce(
  manifests: readonly string[],
  io: Io,
  projects?: ProjectCache,
): Promise<{ files: OutputFile[]; cached: boolean }> {
  const cache = projects === undefined && io.cacheDir !== undefined ? new ResultCache(io.cacheDir) : undefined;
  const hits = cache === undefined ? [] : manifests.map((manifest) => cache.lookup(path.resolve(io.cwd, manifest)));
  if (cache !== undefined && hits.every((hit) => hit !== undefined)) return { files: hits, cached: true };
  const { generate } = await loadCodegen();
  const files = generate(manifests, { cwd: io.cwd, ...(projects === undefined ? {} : { projects }) });
  for (const file of files) cache?.store(file);
  return { files, cached: false };
}
