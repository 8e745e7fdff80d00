import path from "node:path";
import { checkGenerated, generate, type ProjectCache, writeGenerated } from "@replaykit/codegen";
import { counted, EXIT_OK, EXIT_STALE_OR_INVALID, type Io } from "../io.js";
import { reportFailure } from "./report.js";

/** Generates and writes `replay_gen.ts` beside each manifest. */
export function runGenerate(manifests: readonly string[], io: Io, projects?: ProjectCache): number {
  try {
    const started = performance.now();
    const files = generate(manifests, { cwd: io.cwd, ...(projects === undefined ? {} : { projects }) });
    const written = new Set(writeGenerated(files));
    for (const file of files) {
      const state = written.has(file.outputPath) ? "wrote" : "unchanged";
      io.err(`replaygen: ${state} ${path.relative(io.cwd, file.outputPath) || file.outputPath}`);
    }
    io.err(`replaygen: ${counted(files.length, "manifest")} in ${Math.round(performance.now() - started)} ms`);
    return EXIT_OK;
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** Writes nothing; exits 1 naming each stale file and the command that fixes it. */
export function runCheck(manifests: readonly string[], io: Io): number {
  try {
    const stale = checkGenerated(manifests, { cwd: io.cwd });
    for (const file of stale) {
      io.err(`replaygen: ${path.relative(io.cwd, file.outputPath)} is ${file.reason}; run: ${file.command}`);
    }
    if (stale.length > 0) return EXIT_STALE_OR_INVALID;
    io.err(`replaygen: ${counted(manifests.length, "generated file")} up to date`);
    return EXIT_OK;
  } catch (error) {
    return reportFailure(error, io);
  }
}
