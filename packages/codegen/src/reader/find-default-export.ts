import type { CallExpression, SourceFile } from "ts-morph";
import { Node, SyntaxKind } from "../compiler.js";
import { NoDefaultExportError } from "../errors.js";
import type { ProblemCollector } from "./collector.js";
import { calleeName, unwrap } from "./static.js";

/** The `defineNamespace(...)` call that `sourceFile` default-exports (directly or through a const). */
export function findDefaultExport(sourceFile: SourceFile, problems: ProblemCollector): CallExpression | undefined {
  const assignment = sourceFile.getExportAssignment((item) => !item.isExportEquals());
  if (assignment === undefined) {
    const call = definitionCalls(sourceFile)[0];
    const detail =
      call === undefined ? "the file has no default export" : "defineNamespace(...) is not the default export";
    problems.add(new NoDefaultExportError(problems.at(call ?? sourceFile.getStatements()[0] ?? sourceFile), detail));
    return undefined;
  }
  const expression = resolveConst(unwrap(assignment.getExpression()));
  if (Node.isCallExpression(expression) && calleeName(expression) === "defineNamespace") return expression;
  const detail = "the default export is not a defineNamespace(...) call";
  problems.add(new NoDefaultExportError(problems.at(assignment.getExpression()), detail));
  return undefined;
}

function definitionCalls(sourceFile: SourceFile): CallExpression[] {
  return sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .filter((call) => calleeName(call) === "defineNamespace");
}

/** `export default ns` where `const ns = defineNamespace(...)` in the same file. */
function resolveConst(node: Node): Node {
  if (!Node.isIdentifier(node)) return node;
  for (const declaration of node.getSymbol()?.getDeclarations() ?? []) {
    if (Node.isVariableDeclaration(declaration) && declaration.getSourceFile() === node.getSourceFile()) {
      const initializer = declaration.getInitializer();
      if (initializer !== undefined) return unwrap(initializer);
    }
  }
  return node;
}
