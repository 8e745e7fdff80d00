import path from "node:path";
import type { Expression } from "ts-morph";
import { Node } from "../compiler.js";
import { NotStaticError } from "../errors.js";
import type { ImportTable } from "../model/imports.js";
import type { ValueRef } from "../model/model.js";
import type { ProblemCollector } from "./collector.js";
import { relativeModuleSpecifier } from "./module-path.js";
import { unwrap } from "./static.js";

/**
 * How the generated file (beside the manifest) imports the value `expression` names:
 * the manifest's own import, or the manifest itself when it exports the value.
 */
export function importValue(
  expression: Expression,
  what: string,
  imports: ImportTable,
  problems: ProblemCollector,
): ValueRef | undefined {
  const node = unwrap(expression);
  const fix = `declare it in a module, export it, and pass its name (e.g. \`import { x } from "./x.js"\`)`;
  if (!Node.isIdentifier(node)) {
    problems.add(new NotStaticError(problems.at(node), what, fix));
    return undefined;
  }
  const found = importedName(node) ?? exportedFromManifest(node);
  if (found === undefined) {
    problems.add(new NotStaticError(problems.at(node), `${what} (${node.getText()})`, fix));
    return undefined;
  }
  return { local: imports.use(found.from, found.name, false).local };
}

function importedName(node: Node): { from: string; name: string } | undefined {
  for (const declaration of node.getSymbol()?.getDeclarations() ?? []) {
    if (!Node.isImportSpecifier(declaration)) continue;
    const from = declaration.getImportDeclaration().getModuleSpecifierValue();
    return { from, name: declaration.getName() };
  }
  return undefined;
}

function exportedFromManifest(node: Node): { from: string; name: string } | undefined {
  const sourceFile = node.getSourceFile();
  const symbol = node.getSymbol();
  if (symbol === undefined) return undefined;
  for (const [name, declarations] of sourceFile.getExportedDeclarations()) {
    if (
      declarations.some((declaration) => declaration.getSymbol() === symbol || isDeclarationOf(declaration, symbol))
    ) {
      const file = sourceFile.getFilePath();
      return { from: relativeModuleSpecifier(path.dirname(file), file), name };
    }
  }
  return undefined;
}

function isDeclarationOf(declaration: Node, symbol: { getDeclarations(): Node[] }): boolean {
  return symbol.getDeclarations().includes(declaration);
}
