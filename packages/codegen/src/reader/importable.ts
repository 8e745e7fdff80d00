import { ts } from "../compiler.js";
import { isUserFile, relativeModuleSpecifier } from "./module-path.js";

/** Where the generated file imports a symbol from, and the name that module exports it as. */
export interface ImportSite {
  readonly from: string;
  readonly name: string;
}

/**
 * How the generated file (in `outDir`) can name the symbols of the manifest's program: by an
 * export of one of the user's files (inside the manifest's package, outside node_modules), else
 * by a named import from a package that one of those files makes (`import { Pool } from "mysql2/promise"`).
 *
 * It also maps types back to the user's exported aliases: the checker records no alias on a type
 * that an alias merely renames (`type RefundRequest = z.infer<typeof RefundRequest>`), so without
 * this such types would be printed as structures. Everything is computed once, on first use.
 */
export class ImportableNames {
  readonly #program: ts.Program;
  readonly #checker: ts.TypeChecker;
  readonly #outDir: string;
  readonly #packageRoot: string;
  #exported: Map<ts.Symbol, ImportSite> | undefined;
  #imported: Map<ts.Symbol, ImportSite> | undefined;
  #aliases: Map<ts.Type, ts.Symbol> | undefined;

  constructor(program: ts.Program, outDir: string, packageRoot: string) {
    this.#program = program;
    this.#checker = program.getTypeChecker();
    this.#outDir = outDir;
    this.#packageRoot = packageRoot;
  }

  /** The import that names `symbol` in the generated file, or undefined when none does. */
  locate(symbol: ts.Symbol): ImportSite | undefined {
    this.#exported ??= this.#collectExports();
    this.#imported ??= this.#collectPackageImports();
    return this.#exported.get(symbol) ?? this.#imported.get(symbol);
  }

  /** The first named import from a package that the user's files make and `test` accepts. */
  findPackageImport(test: (site: ImportSite) => boolean): ImportSite | undefined {
    this.#imported ??= this.#collectPackageImports();
    for (const site of this.#imported.values()) if (test(site)) return site;
    return undefined;
  }

  /** The user's exported, non-generic alias whose type is exactly `type`, if there is one. */
  aliasOf(type: ts.Type): ts.Symbol | undefined {
    this.#aliases ??= this.#collectAliases();
    return this.#aliases.get(type);
  }

  #userFiles(): ts.SourceFile[] {
    return this.#program
      .getSourceFiles()
      .filter((file) => isUserFile(file.fileName, this.#packageRoot))
      .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  }

  /** Each user file's exports; a symbol's own file wins over files that re-export it. */
  #collectExports(): Map<ts.Symbol, ImportSite> {
    const sites = new Map<ts.Symbol, ImportSite>();
    for (const file of this.#userFiles()) {
      for (const exported of this.#exportsOf(file)) {
        const target = this.#resolve(exported);
        const site = { from: relativeModuleSpecifier(this.#outDir, file.fileName), name: exported.name };
        if (!sites.has(target) || declaredIn(target, file)) sites.set(target, site);
      }
    }
    return sites;
  }

  /** Named imports from packages (bare specifiers) in the user's files. */
  #collectPackageImports(): Map<ts.Symbol, ImportSite> {
    const sites = new Map<ts.Symbol, ImportSite>();
    for (const file of this.#userFiles()) {
      for (const statement of file.statements) {
        if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
        const from = statement.moduleSpecifier.text;
        const bindings = statement.importClause?.namedBindings;
        if (from.startsWith(".") || bindings === undefined || !ts.isNamedImports(bindings)) continue;
        for (const element of bindings.elements) {
          const local = this.#checker.getSymbolAtLocation(element.name);
          if (local === undefined) continue;
          const target = this.#resolve(local);
          if (!sites.has(target)) sites.set(target, { from, name: (element.propertyName ?? element.name).text });
        }
      }
    }
    return sites;
  }

  #collectAliases(): Map<ts.Type, ts.Symbol> {
    const aliases = new Map<ts.Type, ts.Symbol>();
    for (const file of this.#userFiles()) {
      for (const exported of this.#exportsOf(file)) {
        const target = this.#resolve(exported);
        if (!(target.flags & ts.SymbolFlags.TypeAlias) || isGeneric(target)) continue;
        const type = this.#checker.getDeclaredTypeOfSymbol(target);
        if (type.aliasSymbol === target || !isComposite(type) || aliases.has(type)) continue;
        aliases.set(type, target);
      }
    }
    return aliases;
  }

  #exportsOf(file: ts.SourceFile): readonly ts.Symbol[] {
    const moduleSymbol = this.#checker.getSymbolAtLocation(file);
    return moduleSymbol === undefined ? [] : this.#checker.getExportsOfModule(moduleSymbol);
  }

  #resolve(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? this.#checker.getAliasedSymbol(symbol) : symbol;
  }
}

function declaredIn(symbol: ts.Symbol, file: ts.SourceFile): boolean {
  return symbol.declarations?.some((declaration) => declaration.getSourceFile() === file) ?? false;
}

function isGeneric(symbol: ts.Symbol): boolean {
  return (
    symbol.declarations?.some(
      (declaration) => ts.isTypeAliasDeclaration(declaration) && (declaration.typeParameters?.length ?? 0) > 0,
    ) ?? false
  );
}

/**
 * Objects, unions and intersections only: a primitive or literal is one shared type, so an alias
 * of `string` would otherwise rename every string.
 */
function isComposite(type: ts.Type): boolean {
  if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.EnumLiteral)) return false;
  return (type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Union | ts.TypeFlags.Intersection)) !== 0;
}
