import { existsSync } from "node:fs";
import path from "node:path";

/** Set to 1 to use no cache at all: compile the compiler afresh and generate every file. */
export const NO_CACHE_ENV = "REPLAYGEN_NO_CACHE";

/**
 * The directory of replaygen's caches, `node_modules/.cache/replaygen`, in the nearest directory
 * at or above `from` that has a node_modules (where the compiler is installed), as babel and
 * eslint keep theirs; undefined when there is none or REPLAYGEN_NO_CACHE=1.
 */
export function defaultCacheDir(from: string): string | undefined {
  if (process.env[NO_CACHE_ENV] === "1") return undefined;
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules" && existsSync(path.join(dir, "node_modules"))) {
      return path.join(dir, "node_modules", ".cache", "replaygen");
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
