import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

/**
 * The TypeScript compiler and ts-morph: about 12 MB of JavaScript that V8 compiles again on
 * every start, a third of a cold run. Their compiled code is kept on disk instead.
 */
const CACHED_FILES = /[\\/](typescript|ts-morph-common|ts-morph)\.js$/;

type Compile = (this: CompiledModule, content: string, filename: string) => unknown;
type ModuleWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: CompiledModule,
  filename: string,
  dirname: string,
) => unknown;

interface CompiledModule {
  exports: unknown;
}

/**
 * Keeps V8's compiled code of the compiler in `dir`: the next process loads it instead of
 * compiling again, including every function the previous run compiled lazily. Node 22 does this
 * itself (module.enableCompileCache); on Node 20 the CommonJS loader's compile step is wrapped,
 * for the files above only. A missing, stale or corrupt entry only means compiling as usual.
 */
export function enableCompileCache(dir: string): void {
  const builtin = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof builtin === "function") {
    builtin(dir);
    return;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return; // a read-only install: run without a cache
  }
  wrapCompile(dir);
}

function wrapCompile(dir: string): void {
  const prototype = Module.prototype as unknown as { _compile: Compile };
  const original = prototype._compile;
  const unwritten: { file: string; script: vm.Script }[] = [];
  prototype._compile = function compileWithCache(content, filename) {
    if (!CACHED_FILES.test(filename)) return original.call(this, content, filename);
    const file = cacheFileOf(dir, filename);
    const cachedData = readIfPresent(file);
    const script = new vm.Script(Module.wrap(content), {
      filename,
      ...(cachedData === undefined ? {} : { cachedData }),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected === true) unwritten.push({ file, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as ModuleWrapper;
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename));
  };
  // Written at exit, so the cache also holds the functions this run compiled lazily.
  process.once("exit", () => {
    for (const { file, script } of unwritten) writeAtomically(file, script.createCachedData());
  });
}

/** One entry per file version: V8 checks its own version and flags, but not the source text. */
function cacheFileOf(dir: string, filename: string): string {
  const { size, mtimeMs } = statSync(filename);
  const key = createHash("sha256").update(`${process.version}\0${filename}\0${size}\0${mtimeMs}`).digest("hex");
  return path.join(dir, `${path.basename(filename, ".js")}-${key.slice(0, 16)}.v8cache`);
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Through a temporary file, so a process starting at the same time never reads half an entry. */
function writeAtomically(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    // The cache is an optimisation: a full disk or a read-only install must not fail the run.
  }
}
