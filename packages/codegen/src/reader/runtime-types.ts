import type { Project } from "ts-morph";
import { ts } from "../compiler.js";
import { RUNTIME_MODULE } from "../model/identifiers.js";

/**
 * The runtime's entry file as the manifest resolves it, added to `project` when none of the
 * manifest's files imports it (an activity may declare `ctx: unknown`). Undefined when the
 * runtime is not installed where the manifest is.
 */
export function includeRuntime(project: Project, manifestPath: string): string | undefined {
  const resolved = ts.resolveModuleName(
    RUNTIME_MODULE,
    manifestPath,
    project.getCompilerOptions(),
    project.getModuleResolutionHost(),
    undefined,
    undefined,
    ts.ModuleKind.ESNext,
  ).resolvedModule?.resolvedFileName;
  if (resolved === undefined) return undefined;
  if (project.getSourceFile(resolved) === undefined) {
    project.addSourceFileAtPath(resolved);
    project.resolveSourceFileDependencies();
  }
  return resolved;
}

/** The runtime's ActivityContext type, which every activity must accept as its first parameter. */
export function activityContextType(program: ts.Program, runtimeFile: string | undefined): ts.Type | undefined {
  const file = runtimeFile === undefined ? undefined : program.getSourceFile(runtimeFile);
  const checker = program.getTypeChecker();
  const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) return undefined;
  const exported = checker.getExportsOfModule(moduleSymbol).find((symbol) => symbol.name === "ActivityContext");
  if (exported === undefined) return undefined;
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  return checker.getDeclaredTypeOfSymbol(target);
}
