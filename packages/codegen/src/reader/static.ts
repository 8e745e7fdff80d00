import type { Expression, ObjectLiteralExpression } from "ts-morph";
import { Node, SyntaxKind } from "../compiler.js";
import { NotStaticError } from "../errors.js";
import type { ProblemCollector } from "./collector.js";

/** One `key: value` of an object literal whose key is known statically. */
export interface StaticProperty {
  readonly key: string;
  /** The property assignment, for locations. */
  readonly node: Node;
  readonly keyNode: Node;
  readonly value: Expression;
}

/**
 * The properties of an object literal, in source order. Spreads, computed keys,
 * methods and accessors are reported as not static and skipped.
 */
export function readObject(node: Node, what: string, problems: ProblemCollector): StaticProperty[] | undefined {
  if (!Node.isObjectLiteralExpression(node)) {
    problems.add(new NotStaticError(problems.at(node), what, "write an object literal `{ ... }` here"));
    return undefined;
  }
  return readProperties(node, what, problems);
}

function readProperties(node: ObjectLiteralExpression, what: string, problems: ProblemCollector): StaticProperty[] {
  const properties: StaticProperty[] = [];
  for (const property of node.getProperties()) {
    if (Node.isPropertyAssignment(property)) {
      const key = propertyKey(property.getNameNode());
      const value = property.getInitializer();
      if (key === undefined || value === undefined) {
        const fix = "use a plain identifier or a string literal as the key, not a computed one";
        problems.add(new NotStaticError(problems.at(property.getNameNode()), `a key in ${what}`, fix));
        continue;
      }
      properties.push({ key, node: property, keyNode: property.getNameNode(), value });
    } else if (Node.isShorthandPropertyAssignment(property)) {
      const fix = `write \`${property.getName()}: ${property.getName()}\` with the value inline, e.g. \`${property.getName()}: workflow(...)\``;
      problems.add(new NotStaticError(problems.at(property), `the shorthand property in ${what}`, fix));
    } else if (Node.isSpreadAssignment(property)) {
      const fix = "list every entry in this object literal instead of spreading another object";
      problems.add(new NotStaticError(problems.at(property), `a spread in ${what}`, fix));
    } else {
      problems.add(new NotStaticError(problems.at(property), `a method or accessor in ${what}`, "use `key: value`"));
    }
  }
  return properties;
}

function propertyKey(name: Node): string | undefined {
  if (Node.isIdentifier(name) || Node.isPrivateIdentifier(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return name.getLiteralValue();
  if (Node.isNumericLiteral(name)) return String(name.getLiteralValue());
  return undefined;
}

/** The value of a string literal (or a template without substitutions), else undefined. */
export function stringLiteral(node: Node): string | undefined {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return undefined;
}

/** The value of `true`/`false`, else undefined. */
export function booleanLiteral(node: Node): boolean | undefined {
  if (node.getKind() === SyntaxKind.TrueKeyword) return true;
  if (node.getKind() === SyntaxKind.FalseKeyword) return false;
  return undefined;
}

/** The value of a number literal, possibly negated, else undefined. */
export function numberLiteral(node: Node): number | undefined {
  if (Node.isNumericLiteral(node)) return node.getLiteralValue();
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken) {
    const operand = node.getOperand();
    if (Node.isNumericLiteral(operand)) return -operand.getLiteralValue();
  }
  return undefined;
}

/** The name of the function a call expression calls: `workflow(...)`, `rk.workflow(...)`. */
export function calleeName(node: Node): string | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (Node.isIdentifier(callee)) return callee.getText();
  if (Node.isPropertyAccessExpression(callee)) return callee.getName();
  return undefined;
}

/** Strips `as const`, `satisfies`, parentheses and `!` around an expression. */
export function unwrap(node: Node): Node {
  let current = node;
  while (
    Node.isAsExpression(current) ||
    Node.isSatisfiesExpression(current) ||
    Node.isParenthesizedExpression(current) ||
    Node.isNonNullExpression(current)
  ) {
    current = current.getExpression();
  }
  return current;
}
