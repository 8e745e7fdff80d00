import { type FSWatcher, watch } from "node:fs";
import path from "node:path";
import { GENERATED_FILE_NAME } from "@replaykit/codegen/cache";
import { loadCodegen } from "../codegen.js";
import type { Io } from "../io.js";
import { runGenerate } from "./generate.js";

const DEBOUNCE_MS = 50;

/** Regenerates on every change of a .ts file beside the manifests, reusing parsed files between runs. */
export async function runWatch(manifests: readonly string[], io: Io): Promise<number> {
  const projects = new (await loadCodegen()).ProjectCache();
  await runGenerate(manifests, io, projects);
  const dirs = [...new Set(manifests.map((manifest) => path.dirname(path.resolve(io.cwd, manifest))))];
  let timer: NodeJS.Timeout | undefined;
  const onChange = (_event: string, file: string | null) => {
    if (file === null || !file.endsWith(".ts") || path.basename(file) === GENERATED_FILE_NAME) return;
    clearTimeout(timer);
    timer = setTimeout(() => void runGenerate(manifests, io, projects), DEBOUNCE_MS);
  };
  const watchers: FSWatcher[] = dirs.map((dir) => watch(dir, { recursive: true }, onChange));
  io.err(`replaygen: watching ${dirs.map((dir) => path.relative(io.cwd, dir) || ".").join(", ")} (Ctrl-C to stop)`);
  return new Promise((resolve) => {
    process.once("SIGINT", () => {
      for (const watcher of watchers) watcher.close();
      resolve(0);
    });
  });
}
