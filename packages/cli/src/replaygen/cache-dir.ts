import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Set to 1 to use no cache at all: compile the compiler afresh and generate every file. */
export const NO_CACHE_ENV = "REPLAYGEN_NO_CACHE";

const MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * The directory of replaygen's caches: `.cache/replaygen` in the node_modules that holds the
 * compiler (as babel and eslint keep theirs), found from `from`, the CLI's own directory.
 * Undefined when REPLAYGEN_NO_CACHE=1 or there is no node_modules.
 */
export function defaultCacheDir(from: string): string | undefined {
  if (process.env[NO_CACHE_ENV] === "1") return undefined;
  const compiler = compilerPath(from);
  const cut = compiler?.lastIndexOf(MODULES) ?? -1;
  if (compiler !== undefined && cut >= 0)
    return path.join(compiler.slice(0, cut + MODULES.length), ".cache", "replaygen");
  return nearestNodeModules(from);
}

/** Where ts-morph is installed, as the generator resolves it. */
function compilerPath(from: string): string | undefined {
  try {
    const codegen = createRequire(path.join(from, "index.js")).resolve("@replaykit/codegen");
    return createRequire(codegen).resolve("ts-morph");
  } catch {
    return undefined;
  }
}

function nearestNodeModules(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules" && existsSync(path.join(dir, "node_modules"))) {
      return path.join(dir, "node_modules", ".cache", "replaygen");
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
