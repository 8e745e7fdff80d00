import { Node, SyntaxKind } from "../compiler.js";
import { NotStaticError } from "../errors.js";
import type { JsonLiteral } from "../model/model.js";
import type { ProblemCollector } from "./collector.js";
import { booleanLiteral, numberLiteral, readObject, stringLiteral, unwrap } from "./static.js";

const FIX = "write a JSON literal: strings, numbers, booleans, null, and arrays and objects of those";

/** A JSON value written as a literal; reports every part that is not one. */
export function readJsonLiteral(node: Node, what: string, problems: ProblemCollector): JsonLiteral | undefined {
  const value = unwrap(node);
  const scalar = stringLiteral(value) ?? numberLiteral(value) ?? booleanLiteral(value);
  if (scalar !== undefined) return scalar;
  if (value.getKind() === SyntaxKind.NullKeyword) return null;
  if (Node.isArrayLiteralExpression(value)) {
    const items = value.getElements().map((element, index) => readJsonLiteral(element, `${what}[${index}]`, problems));
    return items.every((item) => item !== undefined) ? items : undefined;
  }
  if (Node.isObjectLiteralExpression(value)) {
    const result: Record<string, JsonLiteral> = {};
    let complete = true;
    for (const property of readObject(value, what, problems) ?? []) {
      const item = readJsonLiteral(property.value, `${what}.${property.key}`, problems);
      if (item === undefined) complete = false;
      else result[property.key] = item;
    }
    return complete ? result : undefined;
  }
  problems.add(new NotStaticError(problems.at(value), what, FIX));
  return undefined;
}
