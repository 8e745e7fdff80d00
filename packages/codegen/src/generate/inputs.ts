import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ts } from "../compiler.js";
import { isUserFile } from "../reader/module-path.js";

/** What a generated file was made from: if none of these changed, generating again gives the same bytes. */
export interface GenerateInputs {
  /** The program's files (not the compiler's bundled lib), the tsconfig chain, and each package's package.json. */
  readonly files: readonly string[];
  /** The directories of the manifest's package that hold those files: adding a file there can change what an import resolves to. */
  readonly directories: readonly string[];
}

/** The inputs of a read of `program`, whose options came from `tsConfigFile` (if any). */
export function collectInputs(
  program: ts.Program,
  tsConfigFile: string | undefined,
  packageRoot: string,
): GenerateInputs {
  const files = new Set<string>();
  const directories = new Set<string>();
  const packageJsons = new PackageJsonFinder();
  for (const sourceFile of program.getSourceFiles()) {
    if (program.isSourceFileDefaultLibrary(sourceFile)) continue;
    const file = sourceFile.fileName;
    files.add(file);
    const packageJson = packageJsons.nearest(path.dirname(file));
    if (packageJson !== undefined) files.add(packageJson);
    if (isUserFile(file, packageRoot)) directories.add(path.dirname(file));
  }
  if (tsConfigFile !== undefined) for (const config of configChain(tsConfigFile)) files.add(config);
  return { files: [...files].sort(), directories: [...directories].sort() };
}

class PackageJsonFinder {
  readonly #byDirectory = new Map<string, string | undefined>();

  nearest(directory: string): string | undefined {
    if (this.#byDirectory.has(directory)) return this.#byDirectory.get(directory);
    const candidate = path.join(directory, "package.json");
    const parent = path.dirname(directory);
    const found = existsSync(candidate) ? candidate : parent === directory ? undefined : this.nearest(parent);
    this.#byDirectory.set(directory, found);
    return found;
  }
}

/** A tsconfig and every config it extends, directly or not. */
function configChain(configFile: string, seen = new Set<string>()): string[] {
  if (seen.has(configFile) || !existsSync(configFile)) return [];
  seen.add(configFile);
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile) as { config?: { extends?: unknown } };
  const extended = typeof config?.extends === "string" ? [config.extends] : config?.extends;
  const parents = Array.isArray(extended) ? extended.filter((item) => typeof item === "string") : [];
  return [configFile, ...parents.flatMap((parent) => configChain(resolveExtends(configFile, parent), seen))];
}

function resolveExtends(configFile: string, specifier: string): string {
  if (specifier.startsWith(".") || path.isAbsolute(specifier)) return path.resolve(path.dirname(configFile), specifier);
  try {
    return createRequire(configFile).resolve(specifier);
  } catch {
    return specifier;
  }
}
