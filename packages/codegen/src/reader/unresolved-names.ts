import { ts } from "../compiler.js";
import { nearest } from "./suggest.js";

/** A name in a type the compiler cannot resolve, where to fix it, and how. */
export interface UnresolvedName {
  readonly name: string;
  /** The node to report at: the name itself, or the import that fails to bring it in. */
  readonly at: ts.Node;
  readonly fix: string;
}

/**
 * The names `typeNode` uses that resolve to nothing: a misspelled or unimported name
 * (`signal<EmailVerifed>`), or one whose import fails (a missing export, a module path without
 * `.js` under NodeNext). The checker turns each into `any` or its error type, which the JSON
 * check would report as such; this says what is actually wrong, in the compiler's words
 * where it has them.
 */
export function findUnresolvedNames(typeNode: ts.Node, program: ts.Program): UnresolvedName[] {
  const checker = program.getTypeChecker();
  const found: UnresolvedName[] = [];
  const visit = (node: ts.Node): void => {
    const name = referencedName(node);
    if (name !== undefined) {
      const problem = unresolved(name, checker, program);
      if (problem !== undefined) found.push(problem);
    }
    ts.forEachChild(node, visit);
  };
  visit(typeNode);
  return found;
}

/** The leftmost identifier of a type reference (`A`, `A.B<C>`) or a type query (`typeof a.b`). */
function referencedName(node: ts.Node): ts.Identifier | undefined {
  let entity: ts.EntityName | undefined;
  if (ts.isTypeReferenceNode(node)) entity = node.typeName;
  else if (ts.isTypeQueryNode(node)) entity = node.exprName;
  while (entity !== undefined && ts.isQualifiedName(entity)) entity = entity.left;
  return entity;
}

function unresolved(name: ts.Identifier, checker: ts.TypeChecker, program: ts.Program): UnresolvedName | undefined {
  const text = name.text;
  const symbol = checker.getSymbolAtLocation(name);
  // The checker gives an unresolved name a transient symbol of that name with no declaration.
  if (symbol === undefined || (symbol.declarations ?? []).length === 0) {
    const inScope = checker
      .getSymbolsInScope(name, ts.SymbolFlags.Type | ts.SymbolFlags.Value | ts.SymbolFlags.Alias)
      .map((candidate) => candidate.name);
    const suggestion = nearest(text, inScope);
    const fix =
      suggestion === undefined
        ? `import it (\`import type { ${text} } from "./types.js"\`) or declare it`
        : `did you mean ${JSON.stringify(suggestion)}? Otherwise import it`;
    return { name: text, at: name, fix };
  }
  if (!(symbol.flags & ts.SymbolFlags.Alias)) return undefined;
  const declaration = symbol.declarations?.[0];
  const importDeclaration = declaration === undefined ? undefined : enclosingImport(declaration);
  if (importDeclaration === undefined) return undefined;
  const diagnostic = program
    .getSemanticDiagnostics(importDeclaration.getSourceFile())
    .find((item) => item.start !== undefined && within(item.start, importDeclaration));
  if (diagnostic?.start === undefined) return undefined;
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
  return { name: text, at: nodeAt(importDeclaration, diagnostic.start), fix: `its import fails: ${message}` };
}

function enclosingImport(node: ts.Node): ts.ImportDeclaration | undefined {
  for (let current: ts.Node | undefined = node; current !== undefined; current = current.parent) {
    if (ts.isImportDeclaration(current)) return current;
  }
  return undefined;
}

function within(position: number, node: ts.Node): boolean {
  return position >= node.getStart() && position < node.getEnd();
}

/** The innermost node of `root` that starts at `position` (where the compiler put its diagnostic). */
function nodeAt(root: ts.Node, position: number): ts.Node {
  let found: ts.Node = root;
  const visit = (node: ts.Node): void => {
    if (node.getStart() === position) found = node;
    if (node.getStart() <= position && position < node.getEnd()) ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
  return found;
}
